import Testing
@testable import SessionStore

@Suite struct LeastRecentlyUsedCacheTests {
    @Test func dropsTheLeastRecentlyUsed() {
        var cache = LeastRecentlyUsedCache<String, Int>(capacity: 3)
        cache.setValue(1, forKey: "a")
        cache.setValue(2, forKey: "b")
        cache.setValue(3, forKey: "c")
        #expect(cache.value(forKey: "a") == 1)  // a is now the most recent
        cache.setValue(4, forKey: "d")  // drops b
        #expect(cache.value(forKey: "b") == nil)
        #expect(cache.count == 3)
        cache.setValue(30, forKey: "c")
        cache.setValue(5, forKey: "e")  // drops a (c was refreshed by the update)
        #expect(cache.value(forKey: "a") == nil)
        #expect(cache.value(forKey: "c") == 30)
        cache.removeValue(forKey: "c")
        #expect(cache.count == 2)
        cache.setValue(6, forKey: "f")
        cache.setValue(7, forKey: "g")  // drops d
        #expect(cache.value(forKey: "d") == nil)
        #expect(cache.value(forKey: "e") == 5)
        #expect(cache.value(forKey: "f") == 6)
        #expect(cache.value(forKey: "g") == 7)
    }

    @Test func staysWithinCapacityUnderChurn() {
        var cache = LeastRecentlyUsedCache<Int, Int>(capacity: 100)
        for key in 0..<10_000 {
            cache.setValue(key, forKey: key)
            if key % 3 == 0 { cache.removeValue(forKey: key - 1) }
        }
        #expect(cache.count <= 100)
        #expect(cache.value(forKey: 9_999) == 9_999)
    }
}
