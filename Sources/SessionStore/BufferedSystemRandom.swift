#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The OS CSPRNG read 96 bytes at a time. SystemRandomNumberGenerator makes one getrandom(2) per
/// 8 bytes, nine system calls per token; glibc's arc4random_buf (2.36 and later, Debian bookworm)
/// is getrandom(2) for the whole buffer, so a token costs one.
struct BufferedSystemRandom: RandomNumberGenerator {
    private var words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
        = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    private var nextWord = 12

    mutating func next() -> UInt64 {
        if nextWord == 12 {
            withUnsafeMutableBytes(of: &words) { arc4random_buf($0.baseAddress!, $0.count) }
            nextWord = 0
        }
        defer { nextWord += 1 }
        return withUnsafeBytes(of: &words) { $0.load(fromByteOffset: nextWord * 8, as: UInt64.self) }
    }
}
