extension Settings {
    /// The environment variable naming the config file when `--config` is not given.
    static let configEnvironmentName = "RS_CONFIG"

    /// Settings from, by precedence, flags > environment > config file > defaults. Every value given
    /// is validated, even one a higher layer overrides, so a broken config file never goes unnoticed.
    /// - Parameters:
    ///   - flags: flag name (without `--`) → value, only for the flags given.
    ///   - configPath: the `--config` flag, if given.
    ///   - environment: the process environment; an empty variable counts as unset.
    static func load(flags: [String: String], configPath: String?, environment: [String: String]) throws(SettingsError) -> Settings {
        var settings = Settings()
        let definitions = SettingDefinition.all
        if let path = configPath ?? environment[configEnvironmentName].flatMap({ $0.isEmpty ? nil : $0 }) {
            let members = try ConfigFile.read(path: path)
            for definition in definitions {
                guard let value = members[definition.fileKey] else { continue }
                try definition.apply(value, from: .configFile(key: definition.fileKey, path: path), to: &settings)
            }
        }
        for definition in definitions {
            guard let text = environment[definition.environmentName], !text.isEmpty else { continue }
            try definition.apply(.string(text), from: .environment(definition.environmentName), to: &settings)
        }
        for definition in definitions {
            guard let text = flags[definition.flag] else { continue }
            try definition.apply(.string(text), from: .flag(definition.flag), to: &settings)
        }
        return settings
    }
}

extension Settings {
    /// `RS_` variables that name no setting (a typo such as RS_REDIS_PORT for RS_REDISPORT would
    /// otherwise pass unnoticed, where an unknown config file key stops start-up), each with the
    /// setting's variable it was probably meant for. Start-up warns about them.
    static func unknownEnvironmentNames(in environment: [String: String]) -> [(name: String, meant: String?)] {
        let known = SettingDefinition.all.map(\.environmentName) + [configEnvironmentName]
        let bySpelling = Dictionary(known.map { (spelling($0), $0) }, uniquingKeysWith: { first, _ in first })
        return environment.keys.sorted()
            .filter { $0.hasPrefix("RS_") && !known.contains($0) }
            .map { (name: $0, meant: bySpelling[spelling($0)]) }
    }

    /// A name without its underscores, upper-cased: RS_REDIS_PORT and RS_REDISPORT spell alike.
    private static func spelling(_ name: String) -> String {
        name.uppercased().filter { $0 != "_" }
    }
}

extension SettingDefinition {
    fileprivate func apply(_ value: ConfigValue, from source: SettingSource, to settings: inout Settings) throws(SettingsError) {
        if let expected = assign(value, to: &settings) {
            throw SettingsError.invalidValue(quoted(value), source: source, expected: expected)
        }
    }

    func quoted(_ value: ConfigValue) -> String {
        switch disclosure {
        case .shown: value.description
        case .hidden: "(value not shown)"
        case .withoutUserInfo: Self.withoutUserInfo(value).description
        }
    }

    /// `scheme://user:password@host...` → `scheme://***@host...`: everything up to the last `@`,
    /// since a password may hold any character (`@` too); without a well-formed `scheme://` (a
    /// mistyped URL is when this message appears) everything before that `@`.
    static func withoutUserInfo(_ value: ConfigValue) -> ConfigValue {
        guard case .string(let text) = value, let at = text.lastIndex(of: "@") else { return value }
        let kept = text.firstRange(of: "://").map { text[..<$0.upperBound] }.flatMap { $0.endIndex <= at ? $0 : nil } ?? ""
        return .string(kept + "***" + text[at...])
    }
}
