/// The API keys the service accepts (`RS_API_KEYS`, `RS_API_KEYS_FILE`). An entry `KEY` opens every
/// app, `KEY:app1:app2` only those apps. A presented key is compared with every key in constant
/// time, so neither the bytes of a key nor which entry matched show in the answer's timing.
public struct APIKeys: Sendable, Hashable {
    public static let keyLengths = 16...256

    /// One key and the apps it opens (nil: every app).
    public struct Entry: Sendable, Hashable {
        /// The key's bytes, zero-padded to the longest key length so every comparison takes as long.
        let paddedKey: [UInt8]
        let keyLength: Int
        let apps: Set<String>?
    }

    enum Verdict: Sendable, Hashable {
        case allowed
        /// No key, or one that matches no entry: 401.
        case unknownKey
        /// A key of other apps: 403.
        case otherApp
    }

    let entries: [Entry]

    /// How many keys there are (for the start-up line).
    public var count: Int { entries.count }

    /// Keys listed twice (even with different apps) are refused: which apps would they open?
    public init(_ entries: [Entry]) throws(APIKeysError) {
        guard !entries.isEmpty else { throw .noEntries }
        guard Set(entries.map(\.paddedKey)).count == entries.count else { throw .duplicateKey }
        self.entries = entries
    }

    /// The entries of a comma-separated list; whitespace around an entry and empty entries are ignored.
    public static func entries(ofList list: String) throws(APIKeysError) -> [Entry] {
        var entries: [Entry] = []
        for (index, text) in list.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
            let trimmed = text.trimmingASCIIWhitespace()
            guard !trimmed.isEmpty else { continue }
            entries.append(try entry(trimmed, at: "entry \(index + 1)"))
        }
        return entries
    }

    /// The entries of a file's text: one per line; blank lines and lines starting with `#` are skipped.
    public static func entries(ofFile text: String) throws(APIKeysError) -> [Entry] {
        var entries: [Entry] = []
        for (index, line) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            let trimmed = line.trimmingASCIIWhitespace()
            guard !trimmed.isEmpty, trimmed.first != "#" else { continue }
            entries.append(try entry(trimmed, at: "line \(index + 1)"))
        }
        return entries
    }

    private static func entry(_ text: Substring, at place: String) throws(APIKeysError) -> Entry {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        let key = Array(parts[0].utf8)
        guard keyLengths.contains(key.count) else { throw .keyLength(at: place) }
        guard key.allSatisfy(isKeyByte) else { throw .keyCharacters(at: place) }
        var apps: Set<String>? = nil
        if parts.count > 1 {
            apps = []
            for (position, app) in parts.dropFirst().enumerated() {
                guard isAppName(app) else { throw .appFormat(position: position + 1, at: place) }
                apps?.insert(String(app))
            }
        }
        return Entry(paddedKey: key + [UInt8](repeating: 0, count: keyLengths.upperBound - key.count), keyLength: key.count, apps: apps)
    }

    private static func isKeyByte(_ byte: UInt8) -> Bool {
        (0x21...0x7E).contains(byte) && byte != UInt8(ascii: ",") && byte != UInt8(ascii: ":") && byte != UInt8(ascii: "#")
    }

    /// The contract's app rule, `^[a-zA-Z0-9_-]{3,20}$`.
    private static func isAppName(_ text: Substring) -> Bool {
        (3...20).contains(text.utf8.count) && text.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
    }

    /// `app` nil: a route of no app (only an unknown path), which any valid key may reach.
    func verdict(presentedKey: String?, app: String?) -> Verdict {
        guard let presentedKey, let index = matchingEntry(presentedKey) else { return .unknownKey }
        guard let apps = entries[index].apps, let app else { return .allowed }
        return apps.contains(app) ? .allowed : .otherApp
    }

    /// Every entry is compared over the full padded length and the match is picked with masks, so
    /// the time depends only on the number of entries and the presented key's length (public).
    private func matchingEntry(_ presented: String) -> Int? {
        var presented = presented
        return presented.withUTF8 { bytes -> Int? in
            guard bytes.count <= Self.keyLengths.upperBound else { return nil }
            var match = -1
            for (index, entry) in entries.enumerated() {
                var difference = UInt(bitPattern: entry.keyLength ^ bytes.count)
                entry.paddedKey.withUnsafeBufferPointer { key in
                    for position in 0..<key.count {
                        let byte = position < bytes.count ? bytes[position] : 0
                        difference |= UInt(key[position] ^ byte)
                    }
                }
                // all ones when difference == 0, else zero, without a branch on the key's bytes
                let isEqual = Int(bitPattern: ((difference | (0 &- difference)) >> (UInt.bitWidth - 1)) &- 1)
                match = (match & ~isEqual) | (index & isEqual)
            }
            return match >= 0 ? match : nil
        }
    }
}
