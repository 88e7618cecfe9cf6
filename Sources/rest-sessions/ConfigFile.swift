import Foundation

/// The JSON config file (`--config` or `RS_CONFIG`): one object whose keys are the settings' file keys.
enum ConfigFile {
    static func read(path: String) throws(SettingsError) -> [String: ConfigValue] {
        let contents: Data
        do {
            contents = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw SettingsError(message: "cannot read config file \(path): \(error.localizedDescription)")
        }
        return try parse(contents, path: path)
    }

    static func parse(_ contents: Data, path: String) throws(SettingsError) -> [String: ConfigValue] {
        let members: [String: ConfigValue]
        do {
            members = try JSONDecoder().decode([String: ConfigValue].self, from: contents)
        } catch DecodingError.typeMismatch {
            throw SettingsError(message: "config file \(path) must hold a JSON object of settings")
        } catch {
            throw SettingsError(message: "config file \(path) is not valid JSON: \(reason(error))")
        }
        if let repeated = firstRepeatedKey(in: contents) {
            // JSONDecoder keeps the first; most tools keep the last: either way one value is ignored.
            throw SettingsError(message: "key \"\(repeated)\" appears more than once in config file \(path)")
        }
        let knownKeys = SettingDefinition.all.map(\.fileKey)
        if let unknownKey = members.keys.sorted().first(where: { !knownKeys.contains($0) }) {
            throw SettingsError(
                message: "unknown key \"\(unknownKey)\" in config file \(path); known keys: \(knownKeys.joined(separator: ", "))")
        }
        return members
    }

    /// The first member name of the top-level object that appears twice, as written (escapes not
    /// decoded); `contents` is valid JSON already.
    static func firstRepeatedKey(in contents: Data) -> String? {
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

    /// The parser's own words (they name the position) rather than the decoder's generic sentence.
    private static func reason(_ error: any Error) -> String {
        guard case DecodingError.dataCorrupted(let context) = error else { return String(describing: error) }
        if let underlying = context.underlyingError as? NSError,
            let detail = underlying.userInfo[NSDebugDescriptionErrorKey] as? String
        {
            return detail
        }
        return context.debugDescription
    }
}
