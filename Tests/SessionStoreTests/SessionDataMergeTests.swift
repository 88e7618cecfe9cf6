import JSONText
import Testing
@testable import SessionStore

/// set's merge of d, done inside the set script on the stored JSON text.
@Suite struct SessionDataMergeTests {
    @Test func mergeReplacesDeletesAndAppendsInOrder() async throws {
        let fixture = try await StoreFixture()
        let token = try await fixture.create(data: #"{"a":1,"b":"x","c":true}"#)
        let first = try #require(try await fixture.set(token, #"{"b":null,"d":120.55,"a":-123}"#))
        #expect(first.data == #"{"a":-123,"c":true,"d":120.55}"#)
        #expect(first.writes == 2)
        #expect(first.reads == 1)
        let second = try #require(try await fixture.set(token, #"{"e":1e+21,"f":0.1,"c":"y\u2028\"\\"}"#))
        #expect(second.data == "{\"a\":-123,\"c\":\"y\u{2028}\\\"\\\\\",\"d\":120.55,\"e\":1e+21,\"f\":0.1}")
        #expect(second.writes == 3)
        #expect(try await fixture.hash(token)["d"] == second.data)
        #expect(try await fixture.get(token)?.data == second.data)
    }

    @Test func deletingEveryKeyRemovesD() async throws {
        let fixture = try await StoreFixture()
        let token = try await fixture.create(data: #"{"a":1,"b":2}"#)
        let session = try #require(try await fixture.set(token, #"{"a":null,"b":null,"zz":null}"#))
        #expect(session.data == nil)
        #expect(try await fixture.hash(token)["d"] == nil)
        // A delete on a session without data is accepted as in the reference.
        let again = try #require(try await fixture.set(token, #"{"a":null}"#))
        #expect(again.data == nil)
        #expect(again.writes == 3)
    }

    @Test func setOnSessionWithoutData() async throws {
        let fixture = try await StoreFixture()
        let token = try await fixture.create()
        #expect(try await fixture.set(token, #"{"k":"v"}"#)?.data == #"{"k":"v"}"#)
    }

    @Test func repeatedKeyInTheBodyTakesTheLastValue() async throws {
        let fixture = try await StoreFixture()
        let token = try await fixture.create(data: #"{"a":1}"#)
        #expect(try await fixture.set(token, #"{"b":1,"a":2,"b":3}"#)?.data == #"{"a":2,"b":3}"#)
    }

    @Test func keysNeedingEscapesMatchWhatNodeWrote() async throws {
        let fixture = try await StoreFixture()
        let token = StoreFixture.token("E")
        // JSON.stringify({"q\"k": 1, "tab\tk": "v", "é": 2}) as Node writes it.
        try await fixture.nodeCreate(token: token, id: "u", ttl: 100, noResave: false, data: #"{"q\"k":1,"tab\tk":"v","é":2}"#)
        let session = try #require(try await fixture.set(token, #"{"tab\tk":null,"é":3,"q\"k":"w"}"#))
        #expect(session.data == #"{"q\"k":"w","é":3}"#)
    }

    @Test func nestedValuesWrittenByOtherClientsAreKept() async throws {
        let fixture = try await StoreFixture()
        let token = StoreFixture.token("F")
        try await fixture.nodeCreate(token: token, id: "u", ttl: 100, noResave: false, data: #"{"n":{"x":[1,"]}"]},"s":"a,b}","z":1}"#)
        #expect(try await fixture.set(token, #"{"z":2,"s":null}"#)?.data == #"{"n":{"x":[1,"]}"]},"z":2}"#)
    }

    /// Stored texts with whitespace (Python's json.dumps writes `{"a": 1, "b": 2}`), escapes and
    /// nesting: members the one-match path reads and members it leaves to the scanner, side by side.
    @Test(arguments: [
        (#"{ "a" : 1 , "b" :\#t"x,y}" ,\#n"c": true }"#, #"{"a":1,"c":true,"z":0}"#),
        (#"{"a": -1.5e+3, "b": "x", "c": null}"#, #"{"a":-1.5e+3,"c":null,"z":0}"#),
        (#"{"a":"q\"u","b":[1,{"x":"]"}],"c":"\\"}"#, #"{"a":"q\"u","c":"\\","z":0}"#),
        (#"{"a\u0041":1,"b":2,"c":{"d":{}}}"#, #"{"a\u0041":1,"c":{"d":{}},"z":0}"#),
        (#"{}"#, #"{"z":0}"#),
        (#" {\#r\#n}"#, #"{"z":0}"#),
    ])
    func storedTextsAreReadMemberByMember(stored: String, merged: String) async throws {
        let fixture = try await StoreFixture()
        let token = StoreFixture.token("W")
        try await fixture.nodeCreate(token: token, id: "u", ttl: 100, noResave: false, data: stored)
        #expect(try await fixture.set(token, #"{"b":null,"z":0}"#)?.data == merged)
    }

    @Test(arguments: [
        #"{"a":1,}"#, #"{"a" 1}"#, #"{"a":}"#, #"{"a":1 "b":2}"#, "{\"a\":1\u{0B}}", #"{"a":1"#, #"{"a":"x}"#,
        #"{a:1}"#, #"["a",1]"#, #"{"a":{"b":1}"#, #"{"a\":1}"#,
    ])
    func malformedStoredTextsAreRefusedAndChangeNothing(stored: String) async throws {
        let fixture = try await StoreFixture()
        let token = StoreFixture.token("M")
        try await fixture.nodeCreate(token: token, id: "u", ttl: 100, noResave: false, data: stored)
        let result = await fixture.result {
            fixture.store.set(app: StoreFixture.app, token: token, data: .object(JSONObject([(key: "z", value: .number("0"))])), completion: $0)
        }
        #expect(result.failure?.name == "internalError")
        #expect(try await fixture.hash(token)["d"] == stored)
    }

    @Test func fiftyConcurrentSetsOfDistinctKeysAllSurvive() async throws {
        let fixture = try await StoreFixture()
        let token = try await fixture.create()
        let store = fixture.store
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<50 {
                group.addTask {
                    let update = JSONValue.object(JSONObject([(key: "k\(index)", value: .number(String(index)))]))
                    _ = try await fixture.result { store.set(app: StoreFixture.app, token: token, data: update, completion: $0) }.get()
                }
            }
            try await group.waitForAll()
        }
        let session = try #require(try await fixture.get(token))
        #expect(session.writes == 51)
        let data = try JSONParser.parse(Array((session.data ?? "").utf8))
        guard case .object(let object) = data else {
            Issue.record("d is not an object")
            return
        }
        #expect(object.count == 50)
        for index in 0..<50 {
            #expect(object["k\(index)"] == .number(String(index)))
        }
    }
}
