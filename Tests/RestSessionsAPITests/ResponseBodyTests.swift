import SessionStore
import Testing

@testable import RestSessionsAPI

/// Rendering of sessions a client of the same Redis may have written (no_resave), and of errors.
@Suite struct ResponseBodyTests {
    @Test func noResaveComesAfterIpAndBeforeD() {
        let session = Session(id: "u", reads: 3, writes: 2, ttl: 55, idle: 4, ip: "::1", noResave: true, data: #"{"a":1.50}"#)
        let text = String(decoding: ResponseBody.session(session), as: UTF8.self)
        #expect(text == #"{"id":"u","r":3,"w":2,"ttl":55,"idle":4,"ip":"::1","no_resave":true,"d":{"a":1.50}}"#)
    }

    @Test func noResaveWithoutData() {
        let session = Session(id: "u", reads: 0, writes: 1, ttl: 10, idle: 0, ip: "1", noResave: true, data: nil)
        #expect(String(decoding: ResponseBody.sessions([session, session]), as: UTF8.self)
            == #"{"sessions":[{"id":"u","r":0,"w":1,"ttl":10,"idle":0,"ip":"1","no_resave":true},{"id":"u","r":0,"w":1,"ttl":10,"idle":0,"ip":"1","no_resave":true}]}"#)
    }

    @Test func errorTextsAreEscaped() {
        #expect(String(decoding: ResponseBody.error(name: "n", message: "a \"quoted\"\nline"), as: UTF8.self)
            == #"{"name":"n","message":"a \"quoted\"\nline"}"#)
    }
}
