/// The calls of a `RedisBatchedScript` gathered on one connection and not yet sent: the EVALSHA
/// being built and each call's completion, in order.
struct ScriptCallBatch {
    let batched: RedisBatchedScript
    private(set) var command: RedisCommand
    private(set) var completions: [PendingCommands.Completion] = []

    init(_ batched: RedisBatchedScript) {
        self.batched = batched
        command = RedisCommand("EVALSHA", batched.script.sha1, "0")
        for argument in batched.leadingArguments { command.append(argument) }
        completions.reserveCapacity(batched.maximumCalls)
    }

    var isFull: Bool { completions.count >= batched.maximumCalls }

    mutating func add(_ arguments: [String], completion: @escaping PendingCommands.Completion) {
        if let argumentsPerCall = batched.argumentsPerCall {
            precondition(arguments.count == argumentsPerCall, "a call of \(argumentsPerCall) arguments has \(arguments.count)")
        } else {
            command.append(String(arguments.count))
        }
        for argument in arguments { command.append(argument) }
        completions.append(completion)
    }

    /// The same call with the script's source, for a Redis that does not know the script (NOSCRIPT).
    var evalCommand: RedisCommand {
        var eval = RedisCommand("EVAL", batched.script.source)
        eval.append(argumentsOf: command, from: 2)
        return eval
    }

    /// Hands each call its reply from the array the script answered; `errorReply` turns an error
    /// element into the error its call fails with. A failure of the whole command fails every call.
    func complete(with result: Result<RedisReply, RedisError>, errorReply: (String) -> RedisError) {
        guard case .success(let reply) = result else {
            for completion in completions { completion(result) }
            return
        }
        guard case .array(let replies) = reply, replies.count == completions.count else {
            let answered = if case .array(let replies) = reply { "\(replies.count) replies" } else { "no array" }
            let error = RedisError.reply("ERR a batched script answered \(answered) for \(completions.count) calls")
            for completion in completions { completion(.failure(error)) }
            return
        }
        for (completion, reply) in zip(completions, replies) {
            if case .error(let message) = reply {
                completion(.failure(errorReply(message)))
            } else {
                completion(.success(reply))
            }
        }
    }
}
