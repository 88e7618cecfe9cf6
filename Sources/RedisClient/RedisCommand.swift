/// A command as its arguments (argv), binary-safe; it reaches hiredis as RESP (see `encode`).
public struct RedisCommand: Sendable, Hashable {
    /// All arguments back to back: one buffer instead of one array per argument.
    private(set) var bytes: [UInt8] = []
    /// The end offset in `bytes` of each argument.
    private(set) var argumentEnds: [Int] = []

    public init(_ arguments: String...) {
        self.init(arguments)
    }

    public init(_ arguments: [String]) {
        argumentEnds.reserveCapacity(arguments.count)
        bytes.reserveCapacity(arguments.reduce(0) { $0 + $1.utf8.count })
        for argument in arguments { append(argument) }
    }

    public mutating func append(_ argument: String) {
        bytes.append(contentsOf: argument.utf8)
        argumentEnds.append(bytes.count)
    }

    public mutating func append(bytes argument: [UInt8]) {
        bytes.append(contentsOf: argument)
        argumentEnds.append(bytes.count)
    }

    /// Room for `argumentCount` more arguments of `byteCount` bytes in all, so building a command
    /// costs two allocations however many arguments it has.
    mutating func reserveCapacity(argumentCount: Int, byteCount: Int) {
        argumentEnds.reserveCapacity(argumentEnds.count + argumentCount)
        bytes.reserveCapacity(bytes.count + byteCount)
    }

    var argumentCount: Int { argumentEnds.count }

    /// The bytes of one argument.
    func argument(at index: Int) -> ArraySlice<UInt8> {
        bytes[(index == 0 ? 0 : argumentEnds[index - 1])..<argumentEnds[index]]
    }

    /// Appends the command as RESP (an array of bulk strings) to `buffer`. hiredis takes it as
    /// written (redisAsyncFormattedCommand): formatting argv itself cost it three allocations
    /// and an sdscatfmt per argument.
    func encode(into buffer: inout [UInt8]) {
        buffer.reserveCapacity(buffer.count + bytes.count + 16 * (argumentEnds.count + 1))
        Self.appendHeader(UInt8(ascii: "*"), argumentEnds.count, to: &buffer)
        var start = 0
        for end in argumentEnds {
            Self.appendHeader(UInt8(ascii: "$"), end - start, to: &buffer)
            buffer.append(contentsOf: bytes[start..<end])
            buffer.append(UInt8(ascii: "\r"))
            buffer.append(UInt8(ascii: "\n"))
            start = end
        }
    }

    /// `*N\r\n` or `$N\r\n`, the digits written without a String.
    private static func appendHeader(_ marker: UInt8, _ number: Int, to buffer: inout [UInt8]) {
        buffer.append(marker)
        var divisor = 1
        while divisor <= number / 10 { divisor *= 10 }
        var rest = number
        while divisor > 0 {
            buffer.append(UInt8(ascii: "0") + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
        buffer.append(UInt8(ascii: "\r"))
        buffer.append(UInt8(ascii: "\n"))
    }
}
