import Logging

enum LoggingSetup {
    /// Log lines go to stderr at `level` and above; `none` installs handlers that drop everything.
    static func bootstrap(level: LogLevelSetting) {
        LoggingSystem.bootstrap { label in
            guard let loggerLevel = level.loggerLevel else { return SwiftLogNoOpLogHandler() }
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = loggerLevel
            return handler
        }
    }
}
