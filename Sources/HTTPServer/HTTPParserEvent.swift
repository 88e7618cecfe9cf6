public enum HTTPParserEvent: Sendable {
    /// The head of a request with `Expect: 100-continue` has arrived and its body has not: the
    /// client waits for an interim 100 before sending it.
    case continueExpected
    /// A complete request; `keepAlive` is false when the connection must close after its response.
    case request(HTTPRequest, keepAlive: Bool)
}
