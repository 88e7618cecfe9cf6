import Testing
@testable import SessionStore

@Suite struct SessionTokenTests {
    @Test func tokensAre64AlphanumericCharactersAndDistinct() {
        let tokens = (0..<10_000).map { _ in SessionToken.generate() }
        for token in tokens {
            #expect(token.utf8.count == 64)
            #expect(token.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) })
        }
        #expect(Set(tokens).count == tokens.count)
        // Every character of the alphabet turns up in 640,000 draws.
        #expect(Set(tokens.joined()).count == 62)
    }

    @Test func rejectionSamplingMapsEachCharacterFromFourBytes() {
        var hits: [UInt8: Int] = [:]
        for byte in UInt8.min...UInt8.max {
            if let character = SessionToken.character(for: byte) { hits[character, default: 0] += 1 }
        }
        #expect(hits.count == 62)
        #expect(hits.values.allSatisfy { $0 == 4 })
        #expect(SessionToken.character(for: 247) != nil)
        #expect(SessionToken.character(for: 248) == nil)
        #expect(SessionToken.character(for: 255) == nil)
    }

    /// A generator replaying fixed words shows rejected bytes are skipped, not remapped.
    @Test func rejectedBytesAreSkipped() {
        struct Replay: RandomNumberGenerator {
            var words: [UInt64]
            mutating func next() -> UInt64 { words.isEmpty ? 0 : words.removeFirst() }
        }
        // Bytes (low byte first): 0xFF, 0x00, 0xF8, 0x01, then 0x00 everywhere.
        var generator = Replay(words: [0x0000_0000_01F8_00FF])
        let token = SessionToken.generate(using: &generator)
        #expect(token.hasPrefix("ABAA"))
        #expect(token.utf8.count == 64)
    }
}
