/// Whether a text is one JSON object written compactly (no white space outside strings), as
/// `JSON.stringify` and `JSONWriter` write it. Checked without allocating: every get answers the
/// stored d verbatim, and only a d that fails this needs the parser.
public enum CompactJSON {
    /// Deeper nesting is not judged here (false); the parser then decides.
    static let maximumDepth = 64

    public static func isObject(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            var scanner = Scanner(bytes: bytes)
            return bytes.first == UInt8(ascii: "{") && scanner.value(depth: 0) && scanner.offset == bytes.count
        }
    }

    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var offset = 0

        init(bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
        }

        private var next: UInt8? { offset < bytes.count ? bytes[offset] : nil }

        private mutating func take(_ byte: UInt8) -> Bool {
            guard next == byte else { return false }
            offset += 1
            return true
        }

        mutating func value(depth: Int) -> Bool {
            guard let byte = next else { return false }
            switch byte {
            case UInt8(ascii: "{"): return depth < maximumDepth && object(depth: depth + 1)
            case UInt8(ascii: "["): return depth < maximumDepth && array(depth: depth + 1)
            case UInt8(ascii: "\""): return string()
            case UInt8(ascii: "t"): return literal("true")
            case UInt8(ascii: "f"): return literal("false")
            case UInt8(ascii: "n"): return literal("null")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return number()
            default: return false
            }
        }

        private mutating func object(depth: Int) -> Bool {
            offset += 1
            if take(UInt8(ascii: "}")) { return true }
            repeat {
                guard string(), take(UInt8(ascii: ":")), value(depth: depth) else { return false }
            } while take(UInt8(ascii: ","))
            return take(UInt8(ascii: "}"))
        }

        private mutating func array(depth: Int) -> Bool {
            offset += 1
            if take(UInt8(ascii: "]")) { return true }
            repeat {
                guard value(depth: depth) else { return false }
            } while take(UInt8(ascii: ","))
            return take(UInt8(ascii: "]"))
        }

        /// The text is valid UTF-8 already (a Swift String): only controls, quotes and escapes matter.
        private mutating func string() -> Bool {
            guard take(UInt8(ascii: "\"")) else { return false }
            while let byte = next {
                offset += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return true
                case UInt8(ascii: "\\"):
                    guard let escaped = next else { return false }
                    offset += 1
                    switch escaped {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                        UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        continue
                    case UInt8(ascii: "u"):
                        for _ in 0..<4 {
                            guard let digit = next, digit.isHexDigit else { return false }
                            offset += 1
                        }
                    default:
                        return false
                    }
                case ..<0x20:
                    return false
                default:
                    continue
                }
            }
            return false
        }

        /// -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
        private mutating func number() -> Bool {
            _ = take(UInt8(ascii: "-"))
            if !take(UInt8(ascii: "0")) {
                guard digits() else { return false }
            }
            if take(UInt8(ascii: ".")) {
                guard digits() else { return false }
            }
            if take(UInt8(ascii: "e")) || take(UInt8(ascii: "E")) {
                if !take(UInt8(ascii: "+")) { _ = take(UInt8(ascii: "-")) }
                guard digits() else { return false }
            }
            return true
        }

        /// One or more decimal digits.
        private mutating func digits() -> Bool {
            let start = offset
            while let byte = next, byte.isDecimalDigit { offset += 1 }
            return offset > start
        }

        private mutating func literal(_ word: StaticString) -> Bool {
            guard bytes.count - offset >= word.utf8CodeUnitCount else { return false }
            for index in 0..<word.utf8CodeUnitCount where bytes[offset + index] != word.utf8Start[index] { return false }
            offset += word.utf8CodeUnitCount
            return true
        }
    }
}

extension UInt8 {
    fileprivate var isDecimalDigit: Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) }
    fileprivate var isHexDigit: Bool {
        isDecimalDigit || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(self) || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(self)
    }
}
