import JSONText

extension ConfigValue {
    /// A member of the config file: integers as written without fraction or exponent, everything
    /// else but strings and null kept as it is named in an error.
    init(json: JSONValue) {
        switch json {
        case .null: self = .null
        case .string(let text): self = .string(text)
        case .number(let text): self = Int(text).map(ConfigValue.integer) ?? .unsupported(text)
        case .bool(let flag): self = .unsupported(String(flag))
        case .array, .object: self = .unsupported("an array or object")
        }
    }
}
