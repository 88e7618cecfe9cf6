/// A script that serves several calls in one EVALSHA. The calls made on one connection's loop in
/// the same pass, one after another, travel together (at most `maximumCalls`): Redis pays its
/// fixed cost per script call once for them (parsing the command, setting up the script, reading
/// TIME), and the client sends and decodes one command.
///
/// The script is called with `ARGV` = `leadingArguments`, then each call's arguments in call order:
/// preceded by their number when `argumentsPerCall` is nil (calls of different lengths), as they
/// are when every call has `argumentsPerCall` (Redis then makes and the script reads no count per
/// call: 0.3-0.5 µs less per get). It must answer an array of one reply per call, in order. An
/// error reply in that array (`{err = ...}`) fails its call alone; an error of the whole script
/// fails every call.
public final class RedisBatchedScript: Sendable {
    public let script: RedisScript
    public let leadingArguments: [String]
    public let maximumCalls: Int
    public let argumentsPerCall: Int?

    public init(_ script: RedisScript, leadingArguments: [String], maximumCalls: Int, argumentsPerCall: Int? = nil) {
        precondition(maximumCalls >= 1, "a batch holds at least one call")
        self.script = script
        self.leadingArguments = leadingArguments
        self.maximumCalls = maximumCalls
        self.argumentsPerCall = argumentsPerCall
    }
}
