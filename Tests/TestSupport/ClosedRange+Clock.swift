/// Expected values of a call made while the clock was in this range (from RedisClock.during).
extension ClosedRange where Bound == Int {
    /// The seconds from `start` to some second of this range: e.g. the idle a read reports of a
    /// session last active at `start`.
    public func since(_ start: Int) -> ClosedRange<Int> {
        (lowerBound - start)...(upperBound - start)
    }

    /// The seconds from some second of this range to `end`: e.g. the expires_in of a session ending at `end`.
    public func until(_ end: Int) -> ClosedRange<Int> {
        (end - upperBound)...(end - lowerBound)
    }

    /// `answer(now)` for every second `now` of this range: the answers a script that read the clock
    /// once in it may have given (e.g. who is inside a window that ends at now).
    public func answers<Answer: Hashable>(_ answer: (Int) -> Answer) -> Set<Answer> {
        Set(map(answer))
    }
}
