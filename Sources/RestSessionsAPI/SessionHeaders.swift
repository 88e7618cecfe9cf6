import JSONText

/// The header values `GET /:app/auth` answers with. Header values must be visible ASCII, and the
/// HTTP server drops any field with a control character, so both encodings below guarantee it.
enum SessionHeaders {
    /// The user id with `%`, space, controls, DEL and every non-ASCII byte percent-encoded (UTF-8):
    /// common ids pass unchanged; a backend decodes with any URL-decoding function.
    static func percentEncodedID(_ id: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(id.utf8.count)
        for byte in id.utf8 {
            if (0x21...0x7E).contains(byte) && byte != UInt8(ascii: "%") {
                output.append(byte)
            } else {
                output.append(UInt8(ascii: "%"))
                output.append(hexDigit(byte >> 4))
                output.append(hexDigit(byte & 0x0F))
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The session's data as compact JSON in ASCII: `{}` without data, every character beyond
    /// ASCII (and DEL) as `\uXXXX` (two for a surrogate pair). The stored text is parsed and
    /// rewritten, so whatever another client stored, no raw control character remains; nil when
    /// the stored text is not JSON.
    static func asciiJSON(data: String?) -> String? {
        guard let data else { return "{}" }
        guard let value = try? JSONParser.parse(data.utf8) else { return nil }
        var output: [UInt8] = []
        for scalar in JSONWriter.string(value).unicodeScalars {
            if scalar.value < 0x7F {
                output.append(UInt8(scalar.value))
            } else {
                for unit in String(scalar).utf16 {
                    output.append(contentsOf: #"\u"#.utf8)
                    for shift in stride(from: 12, through: 0, by: -4) { output.append(hexDigit(UInt8((unit >> UInt16(shift)) & 0x0F))) }
                }
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "A") + value - 10
    }
}
