import Foundation

/// The text a child process has logged so far, or "" if it has not created the file yet.
///
/// Reads with plain `read(2)` until end of file: Foundation's `String(contentsOf:)` leaks its buffer
/// (LeakSanitizer, swift 6.3) when it reads a log that another process is still writing.
public func loggedText(at url: URL) -> String {
    let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return "" }
    defer { close(descriptor) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 16 * 1024)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count > 0 {
            bytes += chunk[..<count]
        } else if count < 0 && errno == EINTR {
            continue
        } else {
            break
        }
    }
    return String(decoding: bytes, as: UTF8.self)
}
