import HTTPServer
import Synchronization

/// `X-Request-Id` of every answer: the caller's when it is sane (1 to 128 visible ASCII
/// characters), otherwise a new one, a random per-process prefix and a counter: unique enough to
/// follow one request through nginx's and this service's logs, and cheap.
final class RequestIDs: Sendable {
    static let headerName = "X-Request-Id"
    static let maximumLength = 128

    /// At most six base-36 digits (about 2.2 billion prefixes): with the counter's digits an id stays
    /// within the 15 bytes Swift keeps inline, so it costs no allocation (until 36^8 requests).
    private let prefix = Array((String(UInt64.random(in: 0..<2_176_782_336), radix: 36) + "-").utf8)
    private let counter = Atomic<UInt64>(0)

    func id(for request: HTTPRequest) -> String {
        if let given = request.headers[Self.headerName], Self.isSane(given) { return given }
        return Self.id(prefix: prefix, number: counter.wrappingAdd(1, ordering: .relaxed).newValue)
    }

    /// `prefix` then `number` in base 36, written straight into the string: String(_:radix:) runs
    /// generic code on every call, and joining two strings is a second step.
    static func id(prefix: [UInt8], number: UInt64) -> String {
        var digitCount = 1
        var higher = number / 36
        while higher > 0 {
            digitCount += 1
            higher /= 36
        }
        return String(unsafeUninitializedCapacity: prefix.count + digitCount) { buffer in
            _ = buffer.initialize(fromContentsOf: prefix)
            var rest = number
            for position in (prefix.count..<prefix.count + digitCount).reversed() {
                let digit = UInt8(rest % 36)
                rest /= 36
                buffer[position] = digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10
            }
            return prefix.count + digitCount
        }
    }

    static func isSane(_ id: String) -> Bool {
        (1...maximumLength).contains(id.utf8.count) && id.utf8.allSatisfy { (0x21...0x7E).contains($0) }
    }
}
