import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A blocking client socket for live tests; every wait is bounded by a receive timeout (generous: it
/// only ends a test whose server never answers, and a loaded machine is slow to answer).
final class TestClient {
    let descriptor: Int32
    private var received: [UInt8] = []

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    struct Response {
        var statusCode: Int
        var headers: [(String, String)]
        var body: [UInt8]

        func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }

        var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// `receiveBufferBytes`: a fixed receive buffer (no autotuning), so the server's writes stall
    /// at once when this client does not read.
    convenience init(port: Int, timeoutSeconds: Int = 30, receiveBufferBytes: Int? = nil) throws {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        try self.init(family: AF_INET, address: address, timeoutSeconds: timeoutSeconds, receiveBufferBytes: receiveBufferBytes)
    }

    convenience init(unixPath: String, timeoutSeconds: Int = 30) throws {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(unixPath.utf8)) }
        try self.init(family: AF_UNIX, address: address, timeoutSeconds: timeoutSeconds)
    }

    private init<Address>(family: Int32, address: Address, timeoutSeconds: Int, receiveBufferBytes: Int? = nil) throws {
        descriptor = socket(family, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        if var size = receiveBufferBytes.map(Int32.init) {
            setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = address
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<Address>.size)) }
        }
        guard result == 0 else {
            let error = errno
            Glibc.close(descriptor)
            throw Failure(description: "connect: errno \(error)")
        }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit {
        Glibc.close(descriptor)
    }

    func send(_ text: String) throws {
        try send(Array(text.utf8))
    }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { throw Failure(description: "send: errno \(errno)") }
            offset += count
        }
    }

    /// Reads once; nil at end of file or on reset.
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        if count > 0 {
            received += chunk[..<count]
            return true
        }
        if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { throw Failure(description: "timed out waiting for the server") }
        return false
    }

    /// One response: framed by Content-Length, chunked, or (without either) ended by the server
    /// closing; `isHead` when it answers a HEAD request.
    func readResponse(isHead: Bool = false) throws -> Response {
        while true {
            if let end = headEnd() {
                let headText = String(decoding: received[..<end], as: UTF8.self)
                var lines = headText.components(separatedBy: "\r\n")
                let statusLine = lines.removeFirst()
                let parts = statusLine.split(separator: " ", maxSplits: 2)
                guard parts.count >= 2, parts[0] == "HTTP/1.1", let code = Int(parts[1]) else {
                    throw Failure(description: "bad status line \(statusLine)")
                }
                let headers = lines.filter { !$0.isEmpty }.map { line -> (String, String) in
                    let colon = line.firstIndex(of: ":")!
                    return (String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
                }
                received.removeFirst(end + 4)
                var response = Response(statusCode: code, headers: headers, body: [])
                if isHead || code == 204 || code == 304 || code < 200 { return response }
                if response.header("Transfer-Encoding") == "chunked" {
                    response.body = try readChunkedBody()
                } else if let length = response.header("Content-Length").flatMap({ Int($0) }) {
                    response.body = try take(length)
                } else {
                    while try fill() {}
                    response.body = received
                    received.removeAll()
                }
                return response
            }
            guard try fill() else { throw Failure(description: "closed before a response (\(received.count) bytes)") }
        }
    }

    private func take(_ count: Int) throws -> [UInt8] {
        while received.count < count {
            guard try fill() else { throw Failure(description: "closed mid-body") }
        }
        defer { received.removeFirst(count) }
        return Array(received[..<count])
    }

    private func readChunkedBody() throws -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let sizeLine = try readLine()
            guard let size = Int(sizeLine, radix: 16) else { throw Failure(description: "bad chunk size line \(sizeLine)") }
            guard size > 0 else {
                guard try readLine().isEmpty else { throw Failure(description: "trailer fields after the last chunk") }
                return body
            }
            body += try take(size)
            guard try take(2) == [13, 10] else { throw Failure(description: "chunk without its CRLF") }
        }
    }

    private func readLine() throws -> String {
        while true {
            if let index = received.firstIndex(of: 10), index > 0, received[index - 1] == 13 {
                defer { received.removeFirst(index + 1) }
                return String(decoding: received[..<(index - 1)], as: UTF8.self)
            }
            guard try fill() else { throw Failure(description: "closed mid-body") }
        }
    }

    private func headEnd() -> Int? {
        guard received.count >= 4 else { return nil }
        for index in 0...(received.count - 4)
        where received[index] == 13 && received[index + 1] == 10 && received[index + 2] == 13 && received[index + 3] == 10 {
            return index
        }
        return nil
    }

    /// True when the server closes (EOF or reset) with nothing more to read.
    func readsEndOfFile() throws -> Bool {
        while true {
            var byte: UInt8 = 0
            let count = recv(descriptor, &byte, 1, 0)
            if count == 0 { return received.isEmpty }
            if count < 0 {
                if errno == EAGAIN || errno == EWOULDBLOCK { throw Failure(description: "timed out waiting for close") }
                return received.isEmpty
            }
            received.append(byte)
        }
    }

    /// Reads until the server closes, pausing after each read: how many bytes came, and the longest
    /// time from one read to the next (far more than the pause when the test process was stalled).
    func readUntilEndOfFile(pausingForMicroseconds pause: UInt32) throws -> (bytes: Int, longestGap: Duration) {
        var total = received.count
        received.removeAll()
        var lastRead = ContinuousClock.now
        var longestGap = Duration.zero
        while try fill() {
            let now = ContinuousClock.now
            longestGap = max(longestGap, now - lastRead)
            lastRead = now
            total += received.count
            received.removeAll()
            usleep(pause)
        }
        return (total, longestGap)
    }

    func shutdownWriting() {
        Glibc.shutdown(descriptor, Int32(SHUT_WR))
    }

    /// Closing (deinit) then resets the connection instead of ending it: a client that vanished.
    func resetOnClose() {
        var linger = linger(l_onoff: 1, l_linger: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<linger>.size))
    }
}
