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
        let knownKeys = SettingDefinition.all.map(\.fileKey)
        if let unknownKey = members.keys.sorted().first(where: { !knownKeys.contains($0) }) {
            throw SettingsError(
                message: "unknown key \"\(unknownKey)\" in config file \(path); known keys: \(knownKeys.joined(separator: ", "))")
        }
        return members
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
