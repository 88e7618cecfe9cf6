/// A setting's raw value before validation: flags and environment variables give strings, the
/// config file gives whatever JSON it holds.
enum ConfigValue: Sendable, Hashable, CustomStringConvertible {
    case string(String)
    case integer(Int)
    case null
    /// Any other JSON value (boolean, fraction, array, object), kept only to be named in an error.
    case unsupported(String)

    /// As the value is quoted in error messages.
    var description: String {
        switch self {
        case .string(let text): "\"\(text)\""
        case .integer(let number): String(number)
        case .null: "null"
        case .unsupported(let text): text
        }
    }
}
