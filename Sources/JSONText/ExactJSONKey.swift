/// A key compared by its UTF-8 bytes, as JavaScript's JSON.parse and the store's Lua merge compare
/// keys. Swift's String equality is canonical equivalence: it would take the NFC and NFD spellings
/// of "é", or "K" and the Kelvin sign, for one key and merge members a client sent apart.
struct ExactJSONKey: Hashable {
    let key: String

    init(_ key: String) {
        self.key = key
    }

    static func == (lhs: ExactJSONKey, rhs: ExactJSONKey) -> Bool {
        lhs.key.utf8.elementsEqual(rhs.key.utf8)
    }

    func hash(into hasher: inout Hasher) {
        for byte in key.utf8 { hasher.combine(byte) }
    }
}
