/// Session tokens: 64 characters of [A-Za-z0-9] drawn uniformly (about 381 bits).
enum SessionToken {
    static let length = 64
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)

    /// From the OS CSPRNG (getrandom(2) on Linux), in one system call.
    static func generate() -> String {
        var generator = BufferedSystemRandom()
        return generate(using: &generator)
    }

    static func generate(using generator: inout some RandomNumberGenerator) -> String {
        var characters: [UInt8] = []
        characters.reserveCapacity(length)
        while characters.count < length {
            var word = generator.next()
            for _ in 0..<8 where characters.count < length {
                if let character = character(for: UInt8(truncatingIfNeeded: word)) {
                    characters.append(character)
                }
                word >>= 8
            }
        }
        return String(decoding: characters, as: UTF8.self)
    }

    /// Rejection sampling: 248 = 4 × 62, so bytes below it map to every character equally often
    /// and the 8 bytes above are dropped rather than bias the first characters.
    static func character(for byte: UInt8) -> UInt8? {
        byte < 248 ? alphabet[Int(byte % 62)] : nil
    }
}
