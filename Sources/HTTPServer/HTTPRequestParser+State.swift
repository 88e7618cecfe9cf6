extension HTTPRequestParser {
    public enum State: Sendable, Hashable {
        /// Between requests: waiting for a request line (empty lines before it are skipped).
        case idle
        case headerFields
        case fixedLengthBody(length: Int)
        case chunkSize
        case chunkData(size: Int)
        case trailerFields
        /// Terminal: every later call to `next()` throws this error again.
        case failed(HTTPParserError)
    }

    /// The transitions the parser may take; any other is a bug in the parser, caught by the tests
    /// and the fuzzer in debug builds.
    static func isAllowed(from current: State, to next: State) -> Bool {
        switch (current, next) {
        case (.failed, _): false
        case (_, .failed): true
        case (.idle, .headerFields): true
        case (.headerFields, .idle), (.headerFields, .fixedLengthBody), (.headerFields, .chunkSize): true
        case (.fixedLengthBody, .idle): true
        case (.chunkSize, .chunkData), (.chunkSize, .trailerFields): true
        case (.chunkData, .chunkSize): true
        case (.trailerFields, .idle): true
        default: false
        }
    }

    mutating func move(to next: State) {
        assert(Self.isAllowed(from: state, to: next), "parser transition \(state) → \(next)")
        state = next
    }
}
