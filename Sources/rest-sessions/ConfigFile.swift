import JSONText

/// The JSON config file (`--config` or `RS_CONFIG`): one object whose keys are the settings' file keys.
enum ConfigFile {
    static func read(path: String) throws(SettingsError) -> [String: ConfigValue] {
        let text: SettingsFile.Text
        do {
            text = try SettingsFile.text(of: path)
        } catch {
            throw SettingsError(message: error.message(naming: "config file \(path)"))
        }
        return try parse(text, path: path)
    }

    static func parse(_ text: SettingsFile.Text, path: String) throws(SettingsError) -> [String: ConfigValue] {
        let document: JSONValue
        do {
            document = try JSONParser.parse(text.bytes)
        } catch {
            // Strict RFC 8259, as the API reads bodies: no trailing comma, no comment.
            throw SettingsError(message: "config file \(path) is not valid JSON: \(error.message) at byte \(text.offset + error.offset)")
        }
        guard case .object(let object) = document else {
            throw SettingsError(message: "config file \(path) must hold a JSON object of settings")
        }
        if let repeated = firstRepeatedKey(in: text.bytes) {
            // The parser keeps the last, as JSON.parse does: either way one value would be ignored.
            throw SettingsError(message: "key \"\(repeated)\" appears more than once in config file \(path)")
        }
        let knownKeys = SettingDefinition.all.map(\.fileKey)
        if let unknownKey = object.map(\.key).sorted().first(where: { !knownKeys.contains($0) }) {
            throw SettingsError(
                message: "unknown key \"\(unknownKey)\" in config file \(path); known keys: \(knownKeys.joined(separator: ", "))")
        }
        // firstRepeatedKey refused keys that Swift's String equality (canonical equivalence) would
        // merge, so nothing is merged here; the merge only keeps a config file from ever trapping.
        return Dictionary(object.map { ($0.key, ConfigValue(json: $0.value)) }, uniquingKeysWith: { _, last in last })
    }

    /// The first member name of the top-level object that appears twice, escapes decoded and
    /// compared as Swift compares strings (`"port"` and `"\u0070ort"` are one key, and so are two
    /// canonically equivalent spellings); `contents` is valid JSON already.
    static func firstRepeatedKey(in contents: ArraySlice<UInt8>) -> String? {
        var seen: Set<String> = []
        var depth = 0
        var index = contents.startIndex
        while index < contents.endIndex {
            switch contents[index] {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
            case UInt8(ascii: "\""):
                var end = contents.index(after: index)
                while end < contents.endIndex && contents[end] != UInt8(ascii: "\"") {
                    end = contents.index(end, offsetBy: contents[end] == UInt8(ascii: "\\") ? 2 : 1)
                }
                end = min(end, contents.index(before: contents.endIndex))
                let literal = contents[index...end]
                index = end
                var next = contents.index(after: index)
                while next < contents.endIndex && [0x20, 0x09, 0x0A, 0x0D].contains(contents[next]) { next += 1 }
                if depth == 1, next < contents.endIndex, contents[next] == UInt8(ascii: ":"),
                    case .string(let key)? = try? JSONParser.parse(literal), !seen.insert(key).inserted
                {
                    return key
                }
            default:
                break
            }
            index = contents.index(after: index)
        }
        return nil
    }
}
