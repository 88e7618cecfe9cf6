/// A fixed-capacity map that drops the least recently used entry when full. Entries live in one
/// array linked as a doubly linked list by index, so every operation is O(1) without allocation
/// once the array has grown to capacity.
struct LeastRecentlyUsedCache<Key: Hashable, Value> {
    private struct Entry {
        var key: Key
        var value: Value?
        var newer: Int?
        var older: Int?
    }

    let capacity: Int
    private var entries: [Entry] = []
    private var positions: [Key: Int] = [:]
    private var unusedPositions: [Int] = []
    private var newest: Int?
    private var oldest: Int?

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    var count: Int { positions.count }

    mutating func value(forKey key: Key) -> Value? {
        guard let position = positions[key] else { return nil }
        unlink(position)
        linkAsNewest(position)
        return entries[position].value
    }

    mutating func setValue(_ value: Value, forKey key: Key) {
        if let position = positions[key] {
            entries[position].value = value
            unlink(position)
            linkAsNewest(position)
            return
        }
        if positions.count >= capacity, let oldest {
            removeEntry(at: oldest)
        }
        let entry = Entry(key: key, value: value)
        let position: Int
        if let reused = unusedPositions.popLast() {
            entries[reused] = entry
            position = reused
        } else {
            entries.append(entry)
            position = entries.count - 1
        }
        positions[key] = position
        linkAsNewest(position)
    }

    mutating func removeValue(forKey key: Key) {
        if let position = positions[key] { removeEntry(at: position) }
    }

    private mutating func removeEntry(at position: Int) {
        unlink(position)
        positions[entries[position].key] = nil
        entries[position].value = nil
        unusedPositions.append(position)
    }

    private mutating func unlink(_ position: Int) {
        let (newer, older) = (entries[position].newer, entries[position].older)
        if let newer { entries[newer].older = older } else { newest = older }
        if let older { entries[older].newer = newer } else { oldest = newer }
        entries[position].newer = nil
        entries[position].older = nil
    }

    private mutating func linkAsNewest(_ position: Int) {
        entries[position].older = newest
        if let newest { entries[newest].newer = position }
        newest = position
        if oldest == nil { oldest = position }
    }
}
