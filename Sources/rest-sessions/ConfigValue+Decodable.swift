extension ConfigValue: Decodable {
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .unsupported(String(flag))
        } else if let number = try? container.decode(Int.self) {
            self = .integer(number)
        } else if let number = try? container.decode(Double.self) {
            self = .unsupported(String(number))
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else {
            self = .unsupported("an array or object")
        }
    }
}
