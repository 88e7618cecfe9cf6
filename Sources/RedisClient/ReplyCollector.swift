import EventLoops

/// Gathers the results of a sequence of commands and hands them over once the last one is in.
final class ReplyCollector: Sendable {
    private struct Progress {
        var results: [Result<RedisReply, RedisError>?]
        var missing: Int
    }

    private let progress: PthreadLock<Progress>
    private let completion: @Sendable ([Result<RedisReply, RedisError>]) -> Void

    init(count: Int, completion: @escaping @Sendable ([Result<RedisReply, RedisError>]) -> Void) {
        progress = PthreadLock(Progress(results: Array(repeating: nil, count: count), missing: count))
        self.completion = completion
    }

    func store(_ result: Result<RedisReply, RedisError>, at index: Int) {
        let complete: [Result<RedisReply, RedisError>]? = progress.withLock { progress in
            guard progress.results[index] == nil else { return nil }
            progress.results[index] = result
            progress.missing -= 1
            return progress.missing == 0 ? progress.results.compactMap { $0 } : nil
        }
        if let complete { completion(complete) }
    }
}
