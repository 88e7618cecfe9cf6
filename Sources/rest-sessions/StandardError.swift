#if canImport(Glibc)
import Glibc
#endif

/// Start-up failures go to stderr even when logging is off (`none`), whole, before the process exits.
enum StandardError {
    static func write(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
            if written < 0 {
                guard errno == EINTR else { return }
                continue
            }
            bytes = bytes.dropFirst(written)
        }
    }

    /// "rest-sessions: `message`" on stderr, then exit with `code`.
    static func exit(code: Int32, message: String) -> Never {
        write("rest-sessions: \(message)\n")
        Glibc.exit(code)
    }
}
