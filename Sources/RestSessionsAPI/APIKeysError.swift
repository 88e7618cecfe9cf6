/// Why a list or file of API key entries cannot be used. Messages never contain a key.
public struct APIKeysError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Sendable, Hashable {
        case noEntries, keyLength, keyCharacters, appFormat, duplicateKey
    }

    private let code: Code
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    public static var noEntries: APIKeysError { APIKeysError(.noEntries, "no key entry") }
    /// `place` is e.g. "entry 2" or "line 7".
    public static func keyLength(at place: String) -> APIKeysError {
        APIKeysError(.keyLength, "\(place): a key has \(APIKeys.keyLengths.lowerBound) to \(APIKeys.keyLengths.upperBound) characters")
    }
    public static func keyCharacters(at place: String) -> APIKeysError {
        APIKeysError(.keyCharacters, "\(place): a key is visible ASCII without ',', ':' or '#'")
    }
    /// The app is named by its position, not quoted: a second key joined with ':' instead of ','
    /// would read as an app.
    public static func appFormat(position: Int, at place: String) -> APIKeysError {
        APIKeysError(.appFormat, "\(place): app \(position) is not 3 to 20 of [a-zA-Z0-9_-] (entries are separated by ',', apps by ':')")
    }
    public static var duplicateKey: APIKeysError { APIKeysError(.duplicateKey, "a key is listed twice") }
}
