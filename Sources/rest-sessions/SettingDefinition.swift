/// One setting of the executable: its names in the config file, on the command line and in the
/// environment, and what it accepts. The table in `SettingDefinition+Table.swift` drives loading,
/// `--help` and the config file check, so a setting is declared once.
struct SettingDefinition {
    enum Kind {
        case integer(WritableKeyPath<Settings, Int>, allowed: [ClosedRange<Int>])
        case text(WritableKeyPath<Settings, String>, TextRule)
        case optionalText(WritableKeyPath<Settings, String?>, TextRule)
        case logLevel
    }

    let fileKey: String
    /// Without the leading `--`.
    let flag: String
    let environmentName: String
    let summary: String
    /// What the setting accepts, in words: the end of "expected ..." in error messages.
    let expectation: String
    let kind: Kind
    /// How error messages quote a bad value.
    enum Disclosure {
        case shown
        /// "(value not shown)": passwords, API keys.
        case hidden
        /// Quoted with the URL's user information (a password) replaced by `***`.
        case withoutUserInfo
    }

    var disclosure = Disclosure.shown

    /// The setting's value in `settings`, as it appears in help texts; nil when unset.
    func describeValue(in settings: Settings) -> String? {
        switch kind {
        case .integer(let keyPath, _): String(settings[keyPath: keyPath])
        case .text(let keyPath, _): settings[keyPath: keyPath]
        case .optionalText(let keyPath, _): settings[keyPath: keyPath]
        case .logLevel: settings.logLevel.rawValue
        }
    }

    /// The setting's value in `settings` as a config file value.
    func configValue(in settings: Settings) -> ConfigValue {
        switch kind {
        case .integer(let keyPath, _): .integer(settings[keyPath: keyPath])
        case .text(let keyPath, _): .string(settings[keyPath: keyPath])
        case .optionalText(let keyPath, _): settings[keyPath: keyPath].map(ConfigValue.string) ?? .null
        case .logLevel: .string(settings.logLevel.rawValue)
        }
    }

    /// Stores `value` into `settings`, or returns what is wrong with it (nil when it was accepted).
    func assign(_ value: ConfigValue, to settings: inout Settings) -> String? {
        switch (kind, value) {
        case (.integer(let keyPath, let allowed), .integer(let number)):
            return assignInteger(number, allowed: allowed, to: keyPath, in: &settings)
        case (.integer(let keyPath, let allowed), .string(let text)):
            guard let number = Int(text) else { return expectation }
            return assignInteger(number, allowed: allowed, to: keyPath, in: &settings)
        case (.text(let keyPath, let rule), .string(let text)):
            if let problem = problem(with: text, under: rule) { return problem }
            settings[keyPath: keyPath] = text
            return nil
        case (.optionalText(let keyPath, let rule), .string(let text)):
            if let problem = problem(with: text, under: rule) { return problem }
            settings[keyPath: keyPath] = text
            return nil
        case (.optionalText(let keyPath, _), .null):
            settings[keyPath: keyPath] = nil
            return nil
        case (.logLevel, .string(let text)):
            guard let level = LogLevelSetting(rawValue: text) else { return expectation }
            settings.logLevel = level
            return nil
        default:
            return expectation
        }
    }

    private func problem(with text: String, under rule: TextRule) -> String? {
        switch rule.verdict(on: text) {
        case .accepted: nil
        case .rejected(detail: nil): expectation
        case .rejected(detail: let detail?): "\(expectation) (\(detail))"
        }
    }

    private func assignInteger(
        _ number: Int, allowed: [ClosedRange<Int>], to keyPath: WritableKeyPath<Settings, Int>, in settings: inout Settings
    ) -> String? {
        guard allowed.contains(where: { $0.contains(number) }) else { return expectation }
        settings[keyPath: keyPath] = number
        return nil
    }
}
