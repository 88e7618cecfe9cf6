#if canImport(Glibc)
import Glibc
#endif

/// The IMF-fixdate of the current second (RFC 9110 §5.6.7), formatted once per second per worker.
struct HTTPDateCache {
    private var second: time_t = -1
    private(set) var value: [UInt8] = []

    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].map { Array($0.utf8) }
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"].map { Array($0.utf8) }

    mutating func refresh() {
        let now = time(nil)
        guard now != second else { return }
        second = now
        value = Self.format(now)
    }

    static func format(_ seconds: time_t) -> [UInt8] {
        var seconds = seconds
        var fields = tm()
        gmtime_r(&seconds, &fields)
        var text: [UInt8] = []
        text.reserveCapacity(29)
        text += weekdays[Int(fields.tm_wday) % 7]
        text += Array(", ".utf8)
        appendTwoDigits(Int(fields.tm_mday), to: &text)
        text.append(ASCII.space)
        text += months[Int(fields.tm_mon) % 12]
        text.append(ASCII.space)
        let year = Int(fields.tm_year) + 1900
        appendTwoDigits(year / 100, to: &text)
        appendTwoDigits(year % 100, to: &text)
        text.append(ASCII.space)
        appendTwoDigits(Int(fields.tm_hour), to: &text)
        text.append(ASCII.colon)
        appendTwoDigits(Int(fields.tm_min), to: &text)
        text.append(ASCII.colon)
        appendTwoDigits(Int(fields.tm_sec), to: &text)
        text += Array(" GMT".utf8)
        return text
    }

    private static func appendTwoDigits(_ value: Int, to text: inout [UInt8]) {
        text.append(UInt8(0x30 + value / 10 % 10))
        text.append(UInt8(0x30 + value % 10))
    }
}
