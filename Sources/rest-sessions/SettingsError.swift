/// Start-up configuration that cannot be used; the executable prints `message` and exits with code 2.
struct SettingsError: Error, Hashable, CustomStringConvertible {
    let message: String

    var description: String { message }

    /// `value` as it is quoted: `ConfigValue.description`, or a placeholder for a secret.
    static func invalidValue(_ value: String, source: SettingSource, expected: String) -> SettingsError {
        switch source {
        case .flag(let name):
            SettingsError(message: "invalid --\(name) \(value): expected \(expected)")
        case .environment(let name):
            SettingsError(message: "invalid \(name) \(value): expected \(expected)")
        case .configFile(let key, let path):
            SettingsError(message: "invalid \(key) \(value) in config file \(path): expected \(expected)")
        }
    }
}

/// Where a setting's value came from, for error messages.
enum SettingSource: Hashable {
    case flag(String)
    case environment(String)
    case configFile(key: String, path: String)
}
