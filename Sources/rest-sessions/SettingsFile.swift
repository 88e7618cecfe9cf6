#if canImport(Glibc)
import Glibc
#endif

/// A text file the settings name (the config file, the API keys file), read whole with read(2): a
/// failure says what the system said ("No such file or directory", "Permission denied", "Is a
/// directory"), and a path to something endless (/dev/zero) stops at a bound instead of filling
/// memory.
enum SettingsFile {
    /// Far above any config or key list, far below what would hurt to hold.
    static let maxBytes = 16 << 20

    enum ReadError: Error, Hashable {
        /// In the system's words, or the bound.
        case unreadable(reason: String)
        /// What is known of the encoding, "" when nothing is.
        case notUTF8(detail: String)
    }

    /// A file's UTF-8 text.
    struct Text {
        /// The file's bytes after a leading UTF-8 byte order mark (editors on Windows write one).
        let bytes: ArraySlice<UInt8>
        /// Where `bytes` start in the file, so that an offset into them can name the file's byte.
        var offset: Int { bytes.startIndex }
        var string: String { String(decoding: bytes, as: UTF8.self) }
    }

    static func text(of path: String) throws(ReadError) -> Text {
        let contents = try contents(of: path)
        for mark: [UInt8] in [[0xFF, 0xFE], [0xFE, 0xFF]] where contents.starts(with: mark) {
            throw .notUTF8(detail: "UTF-16, by its byte order mark: save it as UTF-8")
        }
        let bytes = contents.starts(with: [0xEF, 0xBB, 0xBF]) ? contents.dropFirst(3) : contents[...]
        guard String(validating: bytes, as: UTF8.self) != nil else { throw .notUTF8(detail: "") }
        return Text(bytes: bytes)
    }

    private static func contents(of path: String) throws(ReadError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .unreadable(reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var contents: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { return contents }
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadable(reason: String(cString: strerror(errno)))
            }
            guard contents.count + count <= maxBytes else { throw .unreadable(reason: "larger than \(maxBytes >> 20) MiB") }
            contents.append(contentsOf: chunk[..<count])
        }
    }
}

extension SettingsFile.ReadError {
    /// "cannot read `file`: reason" or "`file` is not UTF-8 text (detail)", `file` as the message names it.
    func message(naming file: String) -> String {
        switch self {
        case .unreadable(let reason): "cannot read \(file): \(reason)"
        case .notUTF8(let detail): "\(file) is not UTF-8 text\(detail.isEmpty ? "" : " (\(detail))")"
        }
    }
}
