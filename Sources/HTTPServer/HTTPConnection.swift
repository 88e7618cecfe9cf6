import EventLoops
import Logging

/// One client connection: reads and parses requests, hands them to the handler, and writes the
/// responses in request order. @unchecked Sendable: all mutable state is confined to `worker.loop`;
/// only `respond(to:with:)` and the streamed responses' calls come from other threads, and they hop
/// to that loop first.
final class HTTPConnection: @unchecked Sendable {
    enum Phase {
        case open
        /// Our last response is written and our side shut down; reading and dropping until the client
        /// closes, so its unread request bytes do not turn into a reset that destroys the response.
        case lingering
        case closed
    }

    let socket: Socket
    let worker: HTTPWorker
    private let context: HTTPServerContext
    private var limits: HTTPServerLimits { context.limits }

    private(set) var phase = Phase.open
    private var parser: HTTPRequestParser
    /// Requests handed to the handler (and interim 100s), oldest first; slots[0] has `firstSequence`.
    private var slots: [HTTPResponseSlot] = []
    private var firstSequence = 0
    private var output: [UInt8] = []
    private var outputOffset = 0

    /// No more requests are parsed: after a non-keep-alive request, an error or shutdown.
    private var stopsParsing = false
    /// The client has shut down its sending side: what it sent is all there is.
    private var inputEnded = false
    private var parserNeedsBytes = true
    private var closesAfterOutput = false
    /// An aborted stream ended by closing on HTTP/1.0: an orderly close would pass for its end.
    private var resetsAfterOutput = false
    private var isPumping = false
    private var needsPump = false

    private var watcher: FileDescriptorWatcher?
    private var readSuspended = false
    private var timer: EventLoopTimer?
    private var armedDeadline = UInt64.max

    private var lastProgress: UInt64
    private var headStartedAt: UInt64?
    private var bodyStartedAt: UInt64?
    private var writeStalledAt: UInt64?
    private var lingerDeadline: UInt64 = 0

    /// Unwritten output beyond this stops reading: a client that pipelines without reading its
    /// answers cannot make us buffer without bound.
    private static let maximumPendingOutputBytes = 256 * 1024
    /// A streamed response's maker is asked for more once no more than this is left unwritten.
    private static let streamLowWaterBytes = 64 * 1024
    private static let retainedOutputCapacity = 4096
    private static let lingerDuration: UInt64 = 2_000_000_000
    private static let readsPerEvent = 4

    init(socket: Socket, worker: HTTPWorker, context: HTTPServerContext) {
        self.socket = socket
        self.worker = worker
        self.context = context
        parser = HTTPRequestParser(limits: context.limits.parserLimits)
        lastProgress = Self.now()
        // A client that connects and sends nothing is held to the header timeout, not the idle one.
        headStartedAt = lastProgress
    }

    /// Call on the worker's loop.
    func start() {
        // Strong: close() stops both, which lets go of the connection.
        let watcher = worker.loop.watch(socket.descriptor) { [self] events in handle(events) }
        self.watcher = watcher
        timer = worker.loop.makeTimer { [self] in timerFired() }
        watcher.setReading(true)
        refreshTimer()
    }

    private func handle(_ events: IOEvents) {
        if events.isReadable { readableEvent() }
        if events.isWritable, phase == .open, watcher?.isWriting == true { pump() }
    }

    // MARK: Input

    /// Reads what the socket holds: a few buffers at most, for fairness between connections. A read
    /// that does not fill the buffer has emptied the socket, and the loop is level-triggered: it
    /// reports whatever comes next (bytes, end of file, a reset), so no read is spent on EAGAIN.
    private func readableEvent() {
        for _ in 0..<Self.readsPerEvent {
            guard phase == .lingering || (phase == .open && !readSuspended) else { return }
            switch socket.receive(into: worker.readBuffer) {
            case .transferred(let count):
                lastProgress = Self.now()
                if phase == .open {
                    parser.append(UnsafeRawBufferPointer(rebasing: worker.readBuffer[..<count]))
                    parserNeedsBytes = false
                    pump()
                }
                if count < worker.readBuffer.count { return }
            case .wouldBlock:
                return
            case .endOfFile:
                // Lingering: the client has read our last response and closed. Open: a half-close
                // (`printf ... | nc`) ends the client's requests, not its reading (RFC 9112 9.6): the
                // requests it completed are answered, as those answered without waiting already
                // were, and their work is done either way; one left incomplete never will be.
                guard phase == .open else { return close() }
                inputEnded = true
                return pump()
            case .failed(let error):
                context.logger.debug("connection read failed", metadata: ["error": "\(error)"])
                return close()
            }
        }
    }

    private var canParse: Bool {
        phase == .open && !stopsParsing && !parserNeedsBytes && slots.count < limits.maximumPipelinedRequests
            && output.count - outputOffset < Self.maximumPendingOutputBytes
    }

    private var wantsInput: Bool {
        switch phase {
        case .lingering: true
        case .closed: false
        case .open:
            !inputEnded && !stopsParsing && slots.count < limits.maximumPipelinedRequests
                && output.count - outputOffset < Self.maximumPendingOutputBytes
        }
    }

    /// Parses what it may, writes what is ready, and repeats while either made room for the other.
    /// Re-entered from a handler answering synchronously, it only asks the running pass to go on.
    private func pump() {
        guard !isPumping else {
            needsPump = true
            return
        }
        isPumping = true
        repeat {
            needsPump = false
            while canParse { parseNext() }
            if inputEnded && parserNeedsBytes && !stopsParsing { endRequests() }
            renderReadySlots()
            writeOutput()
        } while phase != .closed && (needsPump || canParse)
        isPumping = false
        guard phase != .closed else { return }
        notifyStreamWriter()
        updateReadInterest()
        // The header clock runs only while the head is incomplete and we are reading it; the body
        // clock likewise from the end of the head. Neither is reset by progress.
        let reading = !readSuspended && !stopsParsing
        if parser.isReceivingHead && reading {
            headStartedAt = headStartedAt ?? Self.now()
        } else {
            headStartedAt = nil
        }
        if parser.isReceivingRequest && !parser.isReceivingHead && reading {
            bodyStartedAt = bodyStartedAt ?? Self.now()
        } else {
            bodyStartedAt = nil
        }
        refreshTimer()
    }

    private func parseNext() {
        let event: HTTPParserEvent?
        do {
            event = try parser.next()
        } catch {
            context.logger.debug("refused a request", metadata: ["status": "\(error.status.code)", "reason": "\(error.message)"])
            answerOnOwn(error.status)
            return
        }
        switch event {
        case nil:
            parserNeedsBytes = true
        case .continueExpected:
            slots.append(HTTPResponseSlot(
                content: .continueInterim, context: .init(isHead: false, version: .http1_1, keepAlive: true)
            ))
        case .request(let request, let keepAlive):
            headStartedAt = nil
            bodyStartedAt = nil
            let keepsAlive = keepAlive && !worker.isShuttingDown
            if !keepsAlive { stopsParsing = true }
            let sequence = firstSequence + slots.count
            slots.append(HTTPResponseSlot(
                content: .awaitingHandler,
                context: .init(isHead: request.method == .HEAD, version: request.version, keepAlive: keepsAlive)
            ))
            context.handler.handle(request, responder: HTTPResponder(connection: self, sequence: sequence))
        }
    }

    /// The server's own answer (after any responses still owed), then close.
    func answerOnOwn(_ status: HTTPStatus) {
        stopsParsing = true
        slots.append(HTTPResponseSlot(
            content: .response(context.handler.errorResponse(for: status)),
            context: .init(isHead: parser.isReceivingHEAD, version: .http1_1, keepAlive: false)
        ))
    }

    /// Answers what has been read, the last response saying `Connection: close`, then closes. A
    /// request half received may still complete (as the last); idle connections close at once.
    func finishForShutdown() {
        if phase == .lingering { close() }
        guard phase == .open, !(parser.isReceivingRequest && !stopsParsing) else { return }
        endRequests()
        if phase == .open { pump() }
    }

    /// No request after those already read: the last answer owed says `Connection: close`, and with
    /// none owed the connection closes once its output is written (at once if there is none).
    private func endRequests() {
        stopsParsing = true
        // A 100 Continue for a body that will now never come is not sent.
        while case .continueInterim? = slots.last?.content { slots.removeLast() }
        if let last = slots.indices.last {
            slots[last].context.keepAlive = false
        } else if outputOffset < output.count {
            closesAfterOutput = true
        } else {
            close()
        }
    }

    // MARK: Responses

    func respond(to sequence: Int, with response: HTTPResponse) {
        // Not through onLoop: on the loop, as most answers are, that would cost a closure each.
        if worker.isCurrent {
            complete(sequence, with: response)
        } else {
            worker.loop.execute { self.complete(sequence, with: response) }
        }
    }

    /// For the rarer calls of streamed responses.
    private func onLoop(_ task: @escaping @Sendable () -> Void) {
        if worker.isCurrent {
            task()
        } else {
            worker.loop.execute(task)
        }
    }

    private func complete(_ sequence: Int, with response: HTTPResponse) {
        guard let index = awaitingSlot(sequence) else { return }
        slots[index].content = .response(response)
        if index == 0 { pump() }
    }

    /// The place of `sequence` among the slots while the connection is open and still owes it.
    private func slotIndex(_ sequence: Int) -> Int? {
        let index = sequence - firstSequence
        return phase == .open && slots.indices.contains(index) ? index : nil
    }

    /// The slot of `sequence` while its handler has not answered.
    private func awaitingSlot(_ sequence: Int) -> Int? {
        guard let index = slotIndex(sequence), case .awaitingHandler = slots[index].content else { return nil }
        return index
    }

    func startStream(for sequence: Int, head: HTTPResponse) {
        onLoop { [self] in
            guard let index = awaitingSlot(sequence) else { return }
            slots[index].content = .streaming(HTTPStreamedResponse(head: head))
            if slots[index].context.version == .http1_0 {
                // Its body ends only when the connection closes: no request after it can be answered.
                slots[index].context.keepAlive = false
                stopsParsing = true
            }
            if index == 0 { pump() }
        }
    }

    func streamWrite(to sequence: Int, _ part: [UInt8], whenReady: @escaping @Sendable (Bool) -> Void) {
        onLoop { [self] in
            guard case (let index, var stream)? = openStream(sequence) else { return worker.loop.execute { whenReady(false) } }
            slots[index].content = .awaitingHandler  // lets `stream` be changed in place, not copied
            stream.parts.append(part)
            // Each write's whenReady is called once: one replaced before it was due says go on.
            if let replaced = stream.whenReady { worker.loop.execute { replaced(true) } }
            stream.whenReady = whenReady
            slots[index].content = .streaming(stream)
            if index == 0 { pump() }
        }
    }

    func streamEnd(of sequence: Int, _ end: HTTPStreamedResponse.End) {
        onLoop { [self] in
            guard case (let index, var stream)? = openStream(sequence) else { return }
            stream.end = end
            slots[index].content = .streaming(stream)
            if index == 0 { pump() }
        }
    }

    /// The slot of `sequence` and its stream while the stream's body has not ended.
    private func openStream(_ sequence: Int) -> (index: Int, stream: HTTPStreamedResponse)? {
        guard let index = slotIndex(sequence), case .streaming(let stream) = slots[index].content, stream.end == nil else { return nil }
        return (index, stream)
    }

    private func renderReadySlots() {
        compactOutput()
        var rendered = 0
        rendering: while rendered < slots.count && slots[rendered].isReady && !closesAfterOutput {
            let context = slots[rendered].context
            switch slots[rendered].content {
            case .continueInterim:
                output += HTTPResponseEncoder.continueResponse
            case .response(let response):
                HTTPResponseEncoder.append(response, context: context, date: worker.currentDate(), to: &output)
            case .streaming(var stream):
                slots[rendered].content = .awaitingHandler  // lets `stream` be changed in place, not copied
                render(&stream, context: context)
                let whenReady = stream.end == nil ? nil : stream.whenReady
                if let whenReady {
                    stream.whenReady = nil
                    worker.loop.execute { whenReady(false) }
                }
                slots[rendered].content = .streaming(stream)
                guard let end = stream.end else { break rendering }
                if end == .aborted {
                    closesAfterOutput = true
                    stopsParsing = true
                    resetsAfterOutput = context.version == .http1_0
                }
            case .awaitingHandler:
                break
            }
            if !context.keepAlive { closesAfterOutput = true }
            rendered += 1
        }
        guard rendered > 0 else { return }
        if closesAfterOutput {
            failStreamWriters()
            firstSequence += slots.count
            slots.removeAll()
        } else {
            slots.removeFirst(rendered)
            firstSequence += rendered
        }
    }

    /// Drops the written front of the output once it is at least as long as what remains: a client
    /// that reads steadily but never lets the output drain (a streamed answer refilled before it
    /// empties) would otherwise keep everything ever sent in memory. Each byte moves at most once
    /// on average.
    private func compactOutput() {
        guard outputOffset > 0, outputOffset >= output.count - outputOffset else { return }
        output.removeSubrange(..<outputOffset)
        outputOffset = 0
    }

    /// The head once, then the parts sent since, then the last chunk once the body has finished. A
    /// stream without a body to send (HEAD, 204, 304) ends with its head: its maker's next write
    /// learns that nothing more is wanted.
    private func render(_ stream: inout HTTPStreamedResponse, context: HTTPResponseEncoder.Context) {
        let chunked = context.version != .http1_0
        if let head = stream.head {
            stream.head = nil
            stream.hasBody = HTTPResponseEncoder.appendHead(
                of: head, framing: chunked ? .chunked : .untilClose, context: context, date: worker.currentDate(), to: &output)
            if !stream.hasBody || context.isHead { stream.end = stream.end ?? .finished }
            stream.parts.insert(head.body, at: 0)
        }
        if stream.hasBody && !context.isHead {
            for part in stream.parts {
                if chunked { HTTPResponseEncoder.appendChunk(part, to: &output) } else { output += part }
            }
            if chunked && stream.end == .finished { output += HTTPResponseEncoder.lastChunk }
        }
        stream.parts.removeAll()
    }

    /// Asks the maker of the streamed response being written for more, once most of it is out.
    private func notifyStreamWriter() {
        guard case .streaming(var stream)? = slots.first?.content, stream.head == nil, let whenReady = stream.whenReady,
            output.count - outputOffset <= Self.streamLowWaterBytes
        else { return }
        stream.whenReady = nil
        slots[0].content = .streaming(stream)
        // Through the loop, not from here: a maker that writes again at once would recurse.
        worker.loop.execute { whenReady(true) }
    }

    /// Tells the makers of streamed responses that will never be written to stop.
    private func failStreamWriters() {
        for slot in slots {
            guard case .streaming(let stream) = slot.content, let whenReady = stream.whenReady else { continue }
            worker.loop.execute { whenReady(false) }
        }
    }

    private func writeOutput() {
        guard phase == .open else { return }
        while outputOffset < output.count {
            let result = output.withUnsafeBytes { socket.send(UnsafeRawBufferPointer(rebasing: $0[outputOffset...])) }
            switch result {
            case .transferred(let count):
                outputOffset += count
                lastProgress = Self.now()
                if writeStalledAt != nil { writeStalledAt = lastProgress }
            case .wouldBlock:
                setWriteInterest(true)
                return
            case .endOfFile, .failed:
                close()
                return
            }
        }
        setWriteInterest(false)
        if output.capacity > Self.retainedOutputCapacity {
            output = []
        } else {
            output.removeAll(keepingCapacity: true)
        }
        outputOffset = 0
        if resetsAfterOutput {
            close()
        } else if closesAfterOutput {
            startLingering()
        } else if slots.isEmpty && stopsParsing && worker.isShuttingDown {
            close()
        }
    }

    private func startLingering() {
        phase = .lingering
        socket.shutdownWriting()
        lingerDeadline = Self.now() + min(Self.lingerDuration, limits.headerTimeout.clampedNanoseconds)
        parser = HTTPRequestParser(limits: limits.parserLimits)
        failStreamWriters()
        slots.removeAll()
    }

    // MARK: Interest

    private func updateReadInterest() {
        readSuspended = !wantsInput
        watcher?.setReading(!readSuspended)
    }

    private func setWriteInterest(_ wanted: Bool) {
        guard wanted != watcher?.isWriting else { return }
        writeStalledAt = wanted ? Self.now() : nil
        watcher?.setWriting(wanted)
    }

    func close() {
        guard phase != .closed else { return }
        phase = .closed
        timer?.cancel()
        watcher?.stop()
        if resetsAfterOutput { socket.closeWithReset() } else { socket.close() }
        failStreamWriters()
        slots.removeAll()
        output = []
        parser = HTTPRequestParser(limits: limits.parserLimits)
        worker.connectionClosed(self)
    }

    // MARK: Timeouts

    private func currentTimeout() -> (kind: HTTPConnectionTimeout, deadline: UInt64)? {
        let idleTimeout = limits.idleTimeout.clampedNanoseconds
        switch phase {
        case .closed:
            return nil
        case .lingering:
            return (.linger, lingerDeadline)
        case .open:
            // As nginx's send_timeout: between two writes that make progress, so a large answer
            // read steadily is never cut. The socket turns writable only once a good part of its
            // buffer is free, so a client reading a byte at a time still has to read whole pieces.
            if let writeStalledAt { return (.write, writeStalledAt &+ idleTimeout) }
            if let headStartedAt { return (.head, headStartedAt &+ limits.headerTimeout.clampedNanoseconds) }
            // Waiting for handlers, or not reading until the backlog drains: no client timeout runs.
            if readSuspended || stopsParsing { return nil }
            if let bodyStartedAt { return (.body, bodyStartedAt &+ limits.bodyTimeout.clampedNanoseconds) }
            return slots.isEmpty ? (.idle, lastProgress &+ idleTimeout) : nil
        }
    }

    /// The timer is moved earlier when needed and otherwise left to fire and re-arm itself, so the
    /// deadlines moving later with each request cost no timer updates.
    private func refreshTimer() {
        guard let deadline = currentTimeout()?.deadline, deadline < armedDeadline else { return }
        armedDeadline = deadline
        timer?.schedule(at: deadline)
    }

    private func timerFired() {
        armedDeadline = .max
        guard let (kind, deadline) = currentTimeout() else { return }
        guard deadline <= Self.now() else {
            refreshTimer()
            return
        }
        switch kind {
        case .head, .body:
            context.logger.debug("request timed out", metadata: ["waiting-for": "\(kind)"])
            answerOnOwn(.requestTimeout)
            pump()
        case .write, .idle, .linger:
            close()
        }
    }

    static func now() -> UInt64 {
        EventLoop.now()
    }
}
