#if canImport(Glibc)
import Glibc
#endif

/// Start-up failures go to stderr even when logging is off (`none`), whole, before the process exits.
enum StandardError {
    static func write(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
            if written > 0 {
                bytes = bytes.dropFirst(written)
            } else if written < 0 && errno == EAGAIN {
                // A non-blocking stderr (shared with a parent that set O_NONBLOCK): wait until it takes more.
                var descriptor = pollfd(fd: STDERR_FILENO, events: Int16(POLLOUT), revents: 0)
                guard poll(&descriptor, 1, 1000) > 0 else { return }
            } else if !(written < 0 && errno == EINTR) {
                return
            }
        }
    }

    /// "rest-sessions: `message`" on stderr, then exit with `code`.
    static func exit(code: Int32, message: String) -> Never {
        write("rest-sessions: \(message)\n")
        Glibc.exit(code)
    }
}
