/// A command as its arguments (argv), binary-safe; it is handed to hiredis as argv and never
/// formatted into a command string.
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

    /// Calls `body` with C argv and argvlen arrays pointing into `bytes` (stack-allocated, no copies).
    func withArgv<Result>(
        _ body: (Int32, UnsafeMutablePointer<UnsafePointer<CChar>?>, UnsafePointer<Int>) -> Result
    ) -> Result {
        let count = argumentEnds.count
        return bytes.withUnsafeBufferPointer { buffer in
            // An empty buffer may have no address; hiredis copies zero bytes from the pointer then.
            let base = UnsafeRawPointer(buffer.baseAddress) ?? UnsafeRawPointer(Self.emptyArgument.utf8Start)
            return withUnsafeTemporaryAllocation(of: UnsafePointer<CChar>?.self, capacity: count) { argv in
                withUnsafeTemporaryAllocation(of: Int.self, capacity: count) { lengths in
                    var start = 0
                    for (index, end) in argumentEnds.enumerated() {
                        argv[index] = (base + start).assumingMemoryBound(to: CChar.self)
                        lengths[index] = end - start
                        start = end
                    }
                    return body(Int32(count), argv.baseAddress!, UnsafePointer(lengths.baseAddress!))
                }
            }
        }
    }

    private static let emptyArgument: StaticString = ""
}
