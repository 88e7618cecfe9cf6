/// A command as its arguments (argv), binary-safe; it reaches hiredis as RESP (see `encode`).
public struct RedisCommand: Sendable, Hashable {
    /// Each argument as the RESP bulk string it is sent as (`$LENGTH\r\nBYTES\r\n`), back to back:
    /// one buffer, already in the wire format, so sending a command copies it once.
    private(set) var bulkStrings: [UInt8] = []
    private(set) var argumentCount = 0

    public init(_ arguments: String...) {
        self.init(arguments)
    }

    public init(_ arguments: [String]) {
        reserveCapacity(argumentCount: arguments.count, byteCount: arguments.reduce(0) { $0 + $1.utf8.count })
        for argument in arguments { append(argument) }
    }

    public mutating func append(_ argument: String) {
        Self.appendHeader(UInt8(ascii: "$"), argument.utf8.count, to: &bulkStrings)
        bulkStrings.append(contentsOf: argument.utf8)
        appendArgumentEnd()
    }

    public mutating func append(bytes argument: [UInt8]) {
        Self.appendHeader(UInt8(ascii: "$"), argument.count, to: &bulkStrings)
        bulkStrings.append(contentsOf: argument)
        appendArgumentEnd()
    }

    private mutating func appendArgumentEnd() {
        bulkStrings.append(UInt8(ascii: "\r"))
        bulkStrings.append(UInt8(ascii: "\n"))
        argumentCount += 1
    }

    /// Room for `argumentCount` more arguments of `byteCount` bytes in all, so building a command
    /// costs one allocation however many arguments it has (framing of up to 12 bytes each: lengths
    /// below 10^8).
    mutating func reserveCapacity(argumentCount: Int, byteCount: Int) {
        bulkStrings.reserveCapacity(bulkStrings.count + byteCount + 12 * argumentCount)
    }

    /// The bytes of one argument (the validation reads the first two: a walk from the start).
    func argument(at index: Int) -> ArraySlice<UInt8> {
        let start = offset(ofArgument: index)
        let (length, bytesStart) = Self.bulkLength(in: bulkStrings, at: start)
        return bulkStrings[bytesStart..<(bytesStart + length)]
    }

    /// Appends the arguments of `other` from its `index`th on, as they are.
    mutating func append(argumentsOf other: RedisCommand, from index: Int) {
        bulkStrings.append(contentsOf: other.bulkStrings[other.offset(ofArgument: index)...])
        argumentCount += other.argumentCount - index
    }

    /// Where the bulk string of argument `index` starts (its `$`).
    private func offset(ofArgument index: Int) -> Int {
        precondition(index >= 0 && index < argumentCount, "argument \(index) of \(argumentCount)")
        var position = 0
        for _ in 0..<index {
            let (length, bytesStart) = Self.bulkLength(in: bulkStrings, at: position)
            position = bytesStart + length + 2
        }
        return position
    }

    /// The length written after the `$` at `position`, and where the bytes start.
    private static func bulkLength(in bulkStrings: [UInt8], at position: Int) -> (length: Int, bytesStart: Int) {
        var position = position + 1
        var length = 0
        while bulkStrings[position] != UInt8(ascii: "\r") {
            length = length * 10 + Int(bulkStrings[position] - UInt8(ascii: "0"))
            position += 1
        }
        return (length, position + 2)
    }

    /// Appends the command as RESP (an array of bulk strings) to `buffer`. hiredis takes it as
    /// written (redisAsyncFormattedCommand): formatting argv itself cost it three allocations
    /// and an sdscatfmt per argument.
    func encode(into buffer: inout [UInt8]) {
        buffer.reserveCapacity(buffer.count + bulkStrings.count + 16)
        Self.appendHeader(UInt8(ascii: "*"), argumentCount, to: &buffer)
        buffer.append(contentsOf: bulkStrings)
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
