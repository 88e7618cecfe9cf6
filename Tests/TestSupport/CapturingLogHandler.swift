import EventLoops
import Logging

/// Log lines kept in memory, for tests that check what was logged.
public final class CapturedLines: Sendable {
    private let lines = PthreadLock<[String]>([])
    public var all: [String] { lines.withLock { $0 } }
    public init() {}
    public func append(_ line: String) { lines.withLock { $0.append(line) } }
}

/// Captures each line's message; with `withMetadata`, followed by its metadata as ` key=value`, sorted.
public struct CapturingLogHandler: LogHandler {
    let lines: CapturedLines
    var withMetadata = false
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info

    public init(lines: CapturedLines, withMetadata: Bool = false) {
        self.lines = lines
        self.withMetadata = withMetadata
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        guard withMetadata else { return lines.append("\(event.message)") }
        let fields = self.metadata.merging(event.metadata ?? [:]) { $1 }.sorted { $0.key < $1.key }
        lines.append("\(event.message)" + fields.map { " \($0.key)=\($0.value)" }.joined())
    }
}
