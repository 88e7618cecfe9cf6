import JSONText

/// The JSON config file (`--config` or `RS_CONFIG`): one object whose keys are the settings' file keys.
enum ConfigFile {
    static func read(path: String) throws(SettingsError) -> [String: ConfigValue] {
        let contents: [UInt8]
        do {
            contents = try SettingsFile.contents(of: path)
        } catch {
            throw SettingsError(message: "cannot read config file \(path): \(error.reason)")
        }
        return try parse(contents, path: path)
    }

    static func parse(_ contents: [UInt8], path: String) throws(SettingsError) -> [String: ConfigValue] {
        // Editors on Windows may start a UTF-8 file with a byte order mark.
        let text = contents.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(contents.dropFirst(3)) : contents
        let document: JSONValue
        do {
            document = try JSONParser.parse(text)
        } catch {
            throw SettingsError(message: "config file \(path) is not valid JSON: \(error)")
        }
        guard case .object(let object) = document else {
            throw SettingsError(message: "config file \(path) must hold a JSON object of settings")
        }
        if let repeated = firstRepeatedKey(in: text) {
            // The parser keeps the last, as JSON.parse does: either way one value would be ignored.
            throw SettingsError(message: "key \"\(repeated)\" appears more than once in config file \(path)")
        }
        let knownKeys = SettingDefinition.all.map(\.fileKey)
        if let unknownKey = object.map(\.key).sorted().first(where: { !knownKeys.contains($0) }) {
            throw SettingsError(
                message: "unknown key \"\(unknownKey)\" in config file \(path); known keys: \(knownKeys.joined(separator: ", "))")
        }
        // Known keys are ASCII, so no two left here are equal as Swift Strings but distinct in JSON.
        return Dictionary(object.map { ($0.key, ConfigValue(json: $0.value)) }, uniquingKeysWith: { _, last in last })
    }

    /// The first member name of the top-level object that appears twice, as written (escapes not
    /// decoded); `contents` is valid JSON already.
    static func firstRepeatedKey(in contents: [UInt8]) -> String? {
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
                let string = String(decoding: contents[contents.index(after: index)..<min(end, contents.endIndex)], as: UTF8.self)
                index = min(end, contents.endIndex)
                var next = contents.index(after: index)
                while next < contents.endIndex && [0x20, 0x09, 0x0A, 0x0D].contains(contents[next]) { next += 1 }
                if depth == 1 && next < contents.endIndex && contents[next] == UInt8(ascii: ":") && !seen.insert(string).inserted {
                    return string
                }
            default:
                break
            }
            index = contents.index(after: index)
        }
        return nil
    }
}
