import Foundation
import RedisClient
@testable import SessionStore
import Testing

/// How scripts are put together from the prelude and the helpers (what they do is tested through
/// Redis by the store's suites).
@Suite struct SessionScriptsTests {
    static let scripts = SessionScripts.all

    /// A script defines exactly the helpers called in the rest of it: none missing (Lua would call
    /// a nil global), none made for nothing.
    @Test(arguments: scripts.map(\.name))
    func aScriptDefinesExactlyTheHelpersItCalls(name: String) throws {
        let source = try #require(Self.scripts.first { $0.name == name }).script.source
        #expect(source.hasPrefix(SessionScripts.prelude))
        for helper in SessionScripts.helpers {
            let defined = source.contains(helper.source)
            let rest = defined ? source.replacing(helper.source, with: "") : source
            #expect(defined == SessionScripts.calls(helper.name, in: rest), "\(name): \(helper.name)")
        }
    }

    /// The preload list is kept by hand: every script declared in Sources/SessionStore/Scripts
    /// (`static let NAME = script(` or `= batched(`) is in it under its own name, so none is left
    /// to the EVAL fallback, which reorders.
    @Test func everyDeclaredScriptIsPreloaded() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources/SessionStore/Scripts").standardizedFileURL
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "swift" }
        let declaration = /static let (\w+) = (?:script|batched)\(/
        var declared: [String] = []
        for file in files {
            declared += try String(contentsOf: file, encoding: .utf8).matches(of: declaration).map { String($0.1) }
        }
        #expect(declared.count >= 15)
        #expect(declared.sorted() == Self.scripts.map(\.name).sorted())
    }

    /// What one pass over the helpers from the last relies on.
    @Test func helpersCallOnlyHelpersBeforeThem() {
        let helpers = SessionScripts.helpers
        for (index, helper) in helpers.enumerated() {
            #expect(helper.source.contains("local function \(helper.name)("))
            for later in helpers[(index + 1)...] {
                #expect(!SessionScripts.calls(later.name, in: helper.source), "\(helper.name) calls \(later.name)")
            }
        }
    }

    @Test func getMakesOnlyTheHelpersOfReadingAndTouching() {
        let defined = SessionScripts.helpers.filter { SessionScripts.get.script.source.contains($0.source) }.map(\.name)
        #expect(defined == ["read_session", "deadline", "session_reply", "touch"])
    }

    @Test func callsAreWholeNames() {
        #expect(SessionScripts.calls("touch", in: "if x then touch(app, token, s) end"))
        #expect(SessionScripts.calls("touch", in: "(touch(a))"))
        #expect(!SessionScripts.calls("touch", in: "retouch(a) my_touch(b) touch2(c)"))
        #expect(SessionScripts.calls("touch", in: "retouch(a) touch(b)"))
        #expect(!SessionScripts.calls("touch", in: "touch = 1"))
    }
}
