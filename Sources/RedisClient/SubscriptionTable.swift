/// The channels of the subscriber connection and their handlers; re-subscribed after each reconnect.
struct SubscriptionTable {
    typealias Handler = @Sendable ([UInt8]) -> Void
    /// true: Redis confirmed the (re)subscription; false: the subscriber connection is down and
    /// messages published meanwhile are lost.
    typealias StatusHandler = @Sendable (Bool) -> Void

    private var channels: [String] = []
    private var handlers: [[Handler]] = []
    private var statusHandlers: [[StatusHandler]] = []
    private var confirmed: [Bool] = []

    var isEmpty: Bool { channels.isEmpty }
    var indices: Range<Int> { channels.indices }

    func channel(at index: Int) -> String { channels[index] }

    /// Adds a handler; returns the channel's index when the channel is new (it needs a SUBSCRIBE).
    mutating func add(channel: String, handler: @escaping Handler, onStatus: StatusHandler?) -> Int? {
        if let index = channels.firstIndex(of: channel) {
            handlers[index].append(handler)
            if let onStatus {
                statusHandlers[index].append(onStatus)
                if confirmed[index] { onStatus(true) }
            }
            return nil
        }
        channels.append(channel)
        handlers.append([handler])
        statusHandlers.append(onStatus.map { [$0] } ?? [])
        confirmed.append(false)
        return channels.count - 1
    }

    func deliver(_ message: [UInt8], toChannelAt index: Int) {
        guard handlers.indices.contains(index) else { return }
        for handler in handlers[index] { handler(message) }
    }

    /// Redis confirmed the SUBSCRIBE of the channel at `index` (after every reconnect too).
    mutating func confirm(channelAt index: Int) {
        guard confirmed.indices.contains(index) else { return }
        confirmed[index] = true
        for handler in statusHandlers[index] { handler(true) }
    }

    /// The subscriber connection is gone: every channel waits for its next confirmation.
    mutating func connectionLost() {
        for index in confirmed.indices where confirmed[index] {
            confirmed[index] = false
            for handler in statusHandlers[index] { handler(false) }
        }
    }
}
