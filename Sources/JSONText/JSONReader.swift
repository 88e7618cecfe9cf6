/// The cursor behind `JSONParser`: a recursive descent over bytes, one method per grammar rule.
struct JSONReader {
    private let bytes: [UInt8]
    private let maximumDepth: Int
    private var offset = 0
    private var depth = 0

    init(bytes: [UInt8], maximumDepth: Int) {
        self.bytes = bytes
        self.maximumDepth = maximumDepth
    }

    mutating func readDocument() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        let value = try readValue()
        skipWhitespace()
        guard offset == bytes.count else { throw failure("Unexpected data after the JSON value") }
        return value
    }

    private mutating func readValue() throws(JSONParseError) -> JSONValue {
        guard offset < bytes.count else { throw failure("Unexpected end of input") }
        switch bytes[offset] {
        case UInt8(ascii: "{"): return try readObject()
        case UInt8(ascii: "["): return try readArray()
        case UInt8(ascii: "\""): return .string(try readString())
        case UInt8(ascii: "t"): try readLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try readLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try readLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try readNumber()
        default: throw unexpectedCharacter()
        }
    }

    private mutating func readObject() throws(JSONParseError) -> JSONValue {
        try enterContainer()
        var object = JSONObject([])
        skipWhitespace()
        if next == UInt8(ascii: "}") {
            offset += 1
            depth -= 1
            return .object(object)
        }
        while true {
            skipWhitespace()
            guard next == UInt8(ascii: "\"") else { throw failure("Expected a string as object key") }
            let key = try readString()
            skipWhitespace()
            guard next == UInt8(ascii: ":") else { throw failure("Expected ':' after an object key") }
            offset += 1
            skipWhitespace()
            object.setValue(try readValue(), forKey: key)
            skipWhitespace()
            if next == UInt8(ascii: ",") {
                offset += 1
            } else if next == UInt8(ascii: "}") {
                offset += 1
                depth -= 1
                return .object(object)
            } else {
                throw failure("Expected ',' or '}' in an object")
            }
        }
    }

    private mutating func readArray() throws(JSONParseError) -> JSONValue {
        try enterContainer()
        var elements: [JSONValue] = []
        skipWhitespace()
        if next == UInt8(ascii: "]") {
            offset += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try readValue())
            skipWhitespace()
            if next == UInt8(ascii: ",") {
                offset += 1
            } else if next == UInt8(ascii: "]") {
                offset += 1
                depth -= 1
                return .array(elements)
            } else {
                throw failure("Expected ',' or ']' in an array")
            }
        }
    }

    private mutating func enterContainer() throws(JSONParseError) {
        guard depth < maximumDepth else { throw failure("Nesting deeper than \(maximumDepth) levels") }
        depth += 1
        offset += 1
    }

    private mutating func readString() throws(JSONParseError) -> String {
        offset += 1
        // Plain runs are copied in one piece; `decoded` is only needed once an escape appears.
        var decoded: [UInt8] = []
        var runStart = offset
        while offset < bytes.count {
            let byte = bytes[offset]
            switch byte {
            case UInt8(ascii: "\""):
                defer { offset += 1 }
                if decoded.isEmpty { return String(decoding: bytes[runStart..<offset], as: UTF8.self) }
                decoded.append(contentsOf: bytes[runStart..<offset])
                return String(decoding: decoded, as: UTF8.self)
            case UInt8(ascii: "\\"):
                decoded.append(contentsOf: bytes[runStart..<offset])
                try readEscape(into: &decoded)
                runStart = offset
            case 0..<0x20:
                throw failure("Unescaped control character in a string")
            case 0x20..<0x80:
                offset += 1
            default:
                try skipMultibyteCharacter()
            }
        }
        throw failure("Unterminated string")
    }

    private mutating func readEscape(into decoded: inout [UInt8]) throws(JSONParseError) {
        offset += 1
        guard offset < bytes.count else { throw failure("Unterminated string") }
        let letter = bytes[offset]
        offset += 1
        switch letter {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(letter)
        case UInt8(ascii: "b"): decoded.append(0x08)
        case UInt8(ascii: "f"): decoded.append(0x0C)
        case UInt8(ascii: "n"): decoded.append(0x0A)
        case UInt8(ascii: "r"): decoded.append(0x0D)
        case UInt8(ascii: "t"): decoded.append(0x09)
        case UInt8(ascii: "u"): appendUTF8(of: try readUnicodeEscape(), to: &decoded)
        default:
            offset -= 2
            throw failure("Invalid escape sequence in a string")
        }
    }

    /// After `\u`: one code point, joining a surrogate pair written as two escapes.
    private mutating func readUnicodeEscape() throws(JSONParseError) -> UInt32 {
        let escapeStart = offset - 2
        let unit = try readHexQuad()
        switch unit {
        case 0xD800...0xDBFF:
            guard offset + 1 < bytes.count, bytes[offset] == UInt8(ascii: "\\"), bytes[offset + 1] == UInt8(ascii: "u") else {
                throw JSONParseError(message: "Lone surrogate \\u\(hex(unit)) in a string is not allowed", offset: escapeStart)
            }
            offset += 2
            let low = try readHexQuad()
            guard (0xDC00...0xDFFF).contains(low) else {
                throw JSONParseError(message: "Lone surrogate \\u\(hex(unit)) in a string is not allowed", offset: escapeStart)
            }
            return 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
        case 0xDC00...0xDFFF:
            throw JSONParseError(message: "Lone surrogate \\u\(hex(unit)) in a string is not allowed", offset: escapeStart)
        default:
            return unit
        }
    }

    private mutating func readHexQuad() throws(JSONParseError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard offset < bytes.count, let digit = hexDigitValue(bytes[offset]) else {
                throw failure("Invalid \\u escape: four hexadecimal digits expected")
            }
            value = value << 4 | digit
            offset += 1
        }
        return value
    }

    private func hexDigitValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    private func hex(_ unit: UInt32) -> String {
        let digits = String(unit, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    private func appendUTF8(of scalar: UInt32, to output: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            output.append(UInt8(scalar))
        case 0x80..<0x800:
            output.append(UInt8(0xC0 | scalar >> 6))
            output.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            output.append(UInt8(0xE0 | scalar >> 12))
            output.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            output.append(UInt8(0x80 | scalar & 0x3F))
        default:
            output.append(UInt8(0xF0 | scalar >> 18))
            output.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            output.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            output.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    /// Validates one UTF-8 sequence (Unicode table 3-7: no overlong forms, no encoded
    /// surrogates, nothing above U+10FFFF) so the String built from the bytes is exact.
    private mutating func skipMultibyteCharacter() throws(JSONParseError) {
        let lead = bytes[offset]
        let secondRange: ClosedRange<UInt8>
        let length: Int
        switch lead {
        case 0xC2...0xDF: length = 2; secondRange = 0x80...0xBF
        case 0xE0: length = 3; secondRange = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: length = 3; secondRange = 0x80...0xBF
        case 0xED: length = 3; secondRange = 0x80...0x9F
        case 0xF0: length = 4; secondRange = 0x90...0xBF
        case 0xF1...0xF3: length = 4; secondRange = 0x80...0xBF
        case 0xF4: length = 4; secondRange = 0x80...0x8F
        default: throw failure("Invalid UTF-8 in a string")
        }
        guard offset + length <= bytes.count, secondRange.contains(bytes[offset + 1]) else {
            throw failure("Invalid UTF-8 in a string")
        }
        for continuation in bytes[(offset + 2)..<(offset + length)] where continuation & 0xC0 != 0x80 {
            throw failure("Invalid UTF-8 in a string")
        }
        offset += length
    }

    private mutating func readNumber() throws(JSONParseError) -> JSONValue {
        let start = offset
        if next == UInt8(ascii: "-") { offset += 1 }
        if next == UInt8(ascii: "0") {
            offset += 1
        } else if isDigit(next) {
            skipDigits()
        } else {
            throw failure("Invalid number")
        }
        if next == UInt8(ascii: ".") {
            offset += 1
            guard isDigit(next) else { throw failure("Invalid number: digit expected after '.'") }
            skipDigits()
        }
        if next == UInt8(ascii: "e") || next == UInt8(ascii: "E") {
            offset += 1
            if next == UInt8(ascii: "+") || next == UInt8(ascii: "-") { offset += 1 }
            guard isDigit(next) else { throw failure("Invalid number: digit expected in the exponent") }
            skipDigits()
        }
        return .number(String(decoding: bytes[start..<offset], as: UTF8.self))
    }

    private mutating func skipDigits() {
        while isDigit(next) { offset += 1 }
    }

    private func isDigit(_ byte: UInt8?) -> Bool {
        guard let byte else { return false }
        return byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private mutating func readLiteral(_ literal: StaticString) throws(JSONParseError) {
        let count = literal.utf8CodeUnitCount
        let matches = offset + count <= bytes.count && literal.withUTF8Buffer { expected in
            expected.elementsEqual(bytes[offset..<(offset + count)])
        }
        guard matches else { throw unexpectedCharacter() }
        offset += count
    }

    private mutating func skipWhitespace() {
        while offset < bytes.count {
            switch bytes[offset] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): offset += 1
            default: return
            }
        }
    }

    /// The byte under the cursor, nil at the end of the input.
    private var next: UInt8? {
        offset < bytes.count ? bytes[offset] : nil
    }

    private func unexpectedCharacter() -> JSONParseError {
        guard offset < bytes.count else { return failure("Unexpected end of input") }
        let byte = bytes[offset]
        if byte > 0x20 && byte < 0x7F {
            return failure("Unexpected character '\(Character(Unicode.Scalar(byte)))'")
        }
        return failure("Unexpected byte 0x\(String(byte, radix: 16))")
    }

    private func failure(_ message: String) -> JSONParseError {
        JSONParseError(message: message, offset: offset)
    }
}
