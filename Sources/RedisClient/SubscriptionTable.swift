/// The channels of the subscriber connection and their handlers; re-subscribed after each reconnect.
struct SubscriptionTable {
    typealias Handler = @Sendable ([UInt8]) -> Void

    private var channels: [String] = []
    private var handlers: [[Handler]] = []

    var isEmpty: Bool { channels.isEmpty }
    var indices: Range<Int> { channels.indices }

    func channel(at index: Int) -> String { channels[index] }

    /// Adds a handler; returns the channel's index when the channel is new (it needs a SUBSCRIBE).
    mutating func add(channel: String, handler: @escaping Handler) -> Int? {
        if let index = channels.firstIndex(of: channel) {
            handlers[index].append(handler)
            return nil
        }
        channels.append(channel)
        handlers.append([handler])
        return channels.count - 1
    }

    func deliver(_ message: [UInt8], toChannelAt index: Int) {
        guard handlers.indices.contains(index) else { return }
        for handler in handlers[index] { handler(message) }
    }
}
