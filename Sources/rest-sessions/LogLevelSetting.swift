import Logging

/// The `logLevel` setting: swift-log's levels plus `none`, which silences every log line.
enum LogLevelSetting: String, Sendable, Hashable, CaseIterable {
    case none, error, warning, notice, info, debug, trace

    /// nil for `none`.
    var loggerLevel: Logger.Level? {
        switch self {
        case .none: nil
        case .error: .error
        case .warning: .warning
        case .notice: .notice
        case .info: .info
        case .debug: .debug
        case .trace: .trace
        }
    }

    /// Access lines are logged at info: when they would be dropped, the API skips them entirely.
    var includesAccessLog: Bool {
        guard let loggerLevel else { return false }
        return loggerLevel <= .info
    }
}
