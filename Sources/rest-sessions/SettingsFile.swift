#if canImport(Glibc)
import Glibc
#endif

/// A file the settings name (the config file, the API keys file), read whole with read(2): a
/// failure says what the system said ("No such file or directory", "Permission denied", "Is a
/// directory"), and a path to something endless (a FIFO aside, /dev/zero) stops at a bound
/// instead of filling memory.
enum SettingsFile {
    /// Far above any config or key list, far below what would hurt to hold.
    static let maxBytes = 16 << 20

    /// Why `contents(of:)` failed, in the system's words.
    struct ReadError: Error, Hashable {
        let reason: String
    }

    static func contents(of path: String) throws(ReadError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw ReadError(reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var contents: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { return contents }
            if count < 0 {
                if errno == EINTR { continue }
                throw ReadError(reason: String(cString: strerror(errno)))
            }
            guard contents.count + count <= maxBytes else { throw ReadError(reason: "larger than \(maxBytes >> 20) MiB") }
            contents.append(contentsOf: chunk[..<count])
        }
    }
}
