/// The members of a JSON object in document order.
///
/// A repeated key keeps its first position and takes the last value, as JavaScript's JSON.parse
/// does, so a key appears at most once. Equality compares members in order because order is
/// observable in what JSON.stringify writes.
public struct JSONObject: Sendable, Hashable, RandomAccessCollection {
    public typealias Element = (key: String, value: JSONValue)

    private var keys: [String] = []
    private var values: [JSONValue] = []
    /// Position of each key once there are more than `scannedMembers`, so lookups and duplicate
    /// handling stay linear in the member count. A smaller object (a set's `d` has a few keys) is
    /// scanned instead: no dictionary to allocate and no key to hash.
    private var positions: [ExactJSONKey: Int]?
    private static let scannedMembers = 8

    public init(_ members: [(key: String, value: JSONValue)]) {
        keys.reserveCapacity(members.count)
        values.reserveCapacity(members.count)
        for member in members {
            setValue(member.value, forKey: member.key)
        }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { keys.count }

    public subscript(position: Int) -> (key: String, value: JSONValue) {
        (key: keys[position], value: values[position])
    }

    public subscript(key: String) -> JSONValue? {
        guard let position = position(of: key) else { return nil }
        return values[position]
    }

    /// Replaces the value of an existing key in place, or appends a new member.
    public mutating func setValue(_ value: JSONValue, forKey key: String) {
        if let position = position(of: key) {
            values[position] = value
            return
        }
        keys.append(key)
        values.append(value)
        if positions != nil {
            positions![ExactJSONKey(key)] = keys.count - 1
        } else if keys.count > Self.scannedMembers {
            positions = Dictionary(uniqueKeysWithValues: keys.enumerated().map { (ExactJSONKey($1), $0) })
        }
    }

    private func position(of key: String) -> Int? {
        if let positions { return positions[ExactJSONKey(key)] }
        let wanted = ExactJSONKey(key)
        return keys.firstIndex { ExactJSONKey($0) == wanted }
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.keys.lazy.map(ExactJSONKey.init).elementsEqual(rhs.keys.lazy.map(ExactJSONKey.init)) && lhs.values == rhs.values
    }

    public func hash(into hasher: inout Hasher) {
        for key in keys { hasher.combine(ExactJSONKey(key)) }
        hasher.combine(values)
    }
}
