import Foundation
import RestSessionsAPI
import Testing

@testable import rest_sessions

@Suite struct SettingsValidationTests {
    static let invalidEnvironmentValues: [(name: String, value: String, message: String)] = [
        ("RS_HOST", "bad host!", #"invalid RS_HOST "bad host!": expected an IPv4/IPv6 literal or a host name"#),
        ("RS_HOST", "-leading.example", #"invalid RS_HOST "-leading.example": expected an IPv4/IPv6 literal or a host name"#),
        ("RS_PORT", "70000", #"invalid RS_PORT "70000": expected an integer from 0 to 65535"#),
        ("RS_PORT", "-1", #"invalid RS_PORT "-1": expected an integer from 0 to 65535"#),
        ("RS_PORT", "80a", #"invalid RS_PORT "80a": expected an integer from 0 to 65535"#),
        ("RS_SOCKET", String(repeating: "s", count: 108),
         "invalid RS_SOCKET \"\(String(repeating: "s", count: 108))\": expected a Unix socket path of 1 to 107 bytes"),
        ("RS_REDISHOST", "under_score", #"invalid RS_REDISHOST "under_score": expected an IPv4/IPv6 literal or a host name"#),
        ("RS_REDISPORT", "0", #"invalid RS_REDISPORT "0": expected an integer from 1 to 65535"#),
        ("RS_REDIS_TIMEOUT_MS", "9", #"invalid RS_REDIS_TIMEOUT_MS "9": expected an integer from 10 to 60000"#),
        ("RS_REDIS_TIMEOUT_MS", "60001", #"invalid RS_REDIS_TIMEOUT_MS "60001": expected an integer from 10 to 60000"#),
        ("RS_NAMESPACE", "a:b", #"invalid RS_NAMESPACE "a:b": expected 1 to 64 characters without ':' or whitespace"#),
        ("RS_NAMESPACE", "a b", #"invalid RS_NAMESPACE "a b": expected 1 to 64 characters without ':' or whitespace"#),
        ("RS_NAMESPACE", String(repeating: "n", count: 65),
         "invalid RS_NAMESPACE \"\(String(repeating: "n", count: 65))\": expected 1 to 64 characters without ':' or whitespace"),
        ("RS_WIPE", "5", #"invalid RS_WIPE "5": expected 0 (off) or an integer from 10 to 86400"#),
        ("RS_WIPE", "86401", #"invalid RS_WIPE "86401": expected 0 (off) or an integer from 10 to 86400"#),
        ("RS_CACHETIME", "-1", #"invalid RS_CACHETIME "-1": expected 0 (off) or an integer from 1 to 86400"#),
        ("RS_CACHEMAX", "0", #"invalid RS_CACHEMAX "0": expected an integer from 1 to 1000000"#),
        ("RS_LOGLEVEL", "verbose", #"invalid RS_LOGLEVEL "verbose": expected none, error, warning, notice, info, debug, trace"#),
        ("RS_MAX_HEADER_BYTES", "1023", #"invalid RS_MAX_HEADER_BYTES "1023": expected an integer from 1024 to 1048576"#),
        ("RS_MAX_BODY_BYTES", "16777217", #"invalid RS_MAX_BODY_BYTES "16777217": expected an integer from 1024 to 16777216"#),
        ("RS_MAX_CONNECTIONS", "0", #"invalid RS_MAX_CONNECTIONS "0": expected an integer from 1 to 1000000"#),
        ("RS_HEADER_TIMEOUT", "601", #"invalid RS_HEADER_TIMEOUT "601": expected an integer from 1 to 600"#),
        ("RS_IDLE_TIMEOUT", "0", #"invalid RS_IDLE_TIMEOUT "0": expected an integer from 1 to 3600"#),
        ("RS_SHUTDOWN_TIMEOUT", "601", #"invalid RS_SHUTDOWN_TIMEOUT "601": expected an integer from 0 to 600"#),
        ("RS_AUTH_COOKIE", "my cookie",
         #"invalid RS_AUTH_COOKIE "my cookie": expected a cookie name (1 to 64 letters, digits or !#$%&'*+-.^_`|~)"#),
        ("RS_AUTH_COOKIE", "a=b", #"invalid RS_AUTH_COOKIE "a=b": expected a cookie name (1 to 64 letters, digits or !#$%&'*+-.^_`|~)"#),
        ("RS_API_KEYS", "0123456789abcdef,short:webshop",
         "invalid RS_API_KEYS (value not shown): expected \(apiKeysExpectation) (entry 2: a key has 16 to 256 characters)"),
        ("RS_API_KEYS", "0123456789abcdef:webshop:x",
         "invalid RS_API_KEYS (value not shown): expected \(apiKeysExpectation) (entry 1: app 2 is not 3 to 20 of [a-zA-Z0-9_-] (entries are separated by ',', apps by ':'))"),
        ("RS_API_KEYS", "0123456789abcdef,0123456789abcdef:webshop",
         "invalid RS_API_KEYS (value not shown): expected \(apiKeysExpectation) (a key is listed twice)"),
        ("RS_API_KEYS", " , ", "invalid RS_API_KEYS (value not shown): expected \(apiKeysExpectation) (no key entry)"),
    ]

    static let apiKeysExpectation =
        "entries KEY or KEY:app1:app2 separated by commas, a key 16 to 256 visible ASCII characters without ',', ':' or '#'"

    @Test(arguments: invalidEnvironmentValues)
    func anInvalidEnvironmentValueIsNamedWithWhatIsAllowed(name: String, value: String, message: String) {
        #expect(throws: SettingsError(message: message)) {
            try Settings.load(flags: [:], configPath: nil, environment: [name: value])
        }
    }

    @Test func everySettingRejectsABadValueNamingItself() throws {
        let badValues = ["socket": "", "namespace": "has space", "sentinel-password": "", "redis-password": ""]
        for definition in SettingDefinition.all {
            let bad = badValues[definition.flag] ?? "not valid!"
            let error = try #require(throws: SettingsError.self, "--\(definition.flag)") {
                try Settings.load(flags: [definition.flag: bad], configPath: nil, environment: [:])
            }
            // The Redis URL's message goes on to say what exactly is wrong; secrets are not quoted.
            let shown = definition.quoted(.string(bad))
            #expect(error.message.hasPrefix("invalid --\(definition.flag) \(shown): expected \(definition.expectation)"))
        }
    }

    @Test func aBadRedisURLIsQuotedWithoutItsPassword() throws {
        for (url, shown) in [
            ("redis://:s3cretPW@127.0.0.1:99999", "redis://***@127.0.0.1:99999"),
            ("rediss://user:s3cretPW@host:6379", "rediss://***@host:6379"),
            ("redis://user:s3c@ret@host:0", "redis://***@host:0"),
            // Mistyped schemes: everything before the '@'.
            ("redis:/:s3cretPW@host:6379", "***@host:6379"),
            (":s3cretPW@host:6379", "***@host:6379"),
        ] {
            for source in ["flag", "environment", "file"] {
                let file = try TemporaryConfigFile(#"{"redisUrl": "\#(url)"}"#)
                let error = try #require(throws: SettingsError.self, "\(url) \(source)") {
                    switch source {
                    case "flag": try Settings.load(flags: ["redis-url": url], configPath: nil, environment: [:])
                    case "environment": try Settings.load(flags: [:], configPath: nil, environment: ["RS_REDISURL": url])
                    default: try Settings.load(flags: [:], configPath: file.path, environment: [:])
                    }
                }
                #expect(!error.message.contains("s3c") && error.message.contains("\"\(shown)\""), "\(error.message)")
            }
        }
    }

    @Test func anAPIKeysFileMustBeReadableAndValid() throws {
        let missing = try #require(throws: SettingsError.self) {
            try Settings.load(flags: [:], configPath: nil, environment: ["RS_API_KEYS_FILE": "/nonexistent/keys"])
        }
        #expect(missing.message.hasPrefix(
            #"invalid RS_API_KEYS_FILE "/nonexistent/keys": expected a readable file of KEY or KEY:app1:app2 lines (cannot read it: "#))
        let directory = try #require(throws: SettingsError.self) {
            try Settings.load(flags: [:], configPath: nil, environment: ["RS_API_KEYS_FILE": "/"])
        }
        #expect(directory.message == #"invalid RS_API_KEYS_FILE "/": expected a readable file of KEY or KEY:app1:app2 lines (cannot read it: Is a directory)"#)
        let latin1 = try TemporaryConfigFile(bytes: Array("0123456789abcdef-caf".utf8) + [0xE9])
        #expect(throws: SettingsError(message: """
            invalid RS_API_KEYS_FILE "\(latin1.path)": expected a readable file of KEY or KEY:app1:app2 lines (it is not UTF-8 text)
            """)) {
            try Settings.load(flags: [:], configPath: nil, environment: ["RS_API_KEYS_FILE": latin1.path])
        }
        let marked = try TemporaryConfigFile("\u{FEFF}# ops\n0123456789abcdef\n")
        #expect(try Settings.load(flags: [:], configPath: nil, environment: ["RS_API_KEYS_FILE": marked.path]).loadAPIKeys()?.count == 1)
        let file = try TemporaryConfigFile("# ops\n0123456789abcdef\n\nshort-key\n")
        #expect(throws: SettingsError(message: """
            invalid RS_API_KEYS_FILE "\(file.path)": expected a readable file of KEY or KEY:app1:app2 lines \
            (line 4: a key has 16 to 256 characters)
            """)) {
            try Settings.load(flags: [:], configPath: nil, environment: ["RS_API_KEYS_FILE": file.path])
        }
    }

    @Test func anInvalidRedisURLSaysWhatIsWrongWithIt() throws {
        let error = try #require(throws: SettingsError.self) {
            try Settings.load(flags: [:], configPath: nil, environment: ["RS_REDISURL": "http://example.org"])
        }
        #expect(error.message.hasPrefix(
            #"invalid RS_REDISURL "http://example.org": expected redis://[user:password@]host[:port][/db] or unix:///path[?db=N] ("#))
    }

    @Test func anInvalidFlagIsNamedAsAFlag() {
        #expect(throws: SettingsError(message: #"invalid --port "x": expected an integer from 0 to 65535"#)) {
            try Settings.load(flags: ["port": "x"], configPath: nil, environment: [:])
        }
    }

    @Test func anInvalidFileValueIsNamedWithItsKeyAndFile() throws {
        let file = try TemporaryConfigFile(#"{"port": 70000}"#)
        #expect(throws: SettingsError(message: "invalid port 70000 in config file \(file.path): expected an integer from 0 to 65535")) {
            try Settings.load(flags: [:], configPath: file.path, environment: [:])
        }
    }

    @Test(arguments: [
        (#"{"port": true}"#, "invalid port true in config file PATH: expected an integer from 0 to 65535"),
        (#"{"port": 3000.5}"#, "invalid port 3000.5 in config file PATH: expected an integer from 0 to 65535"),
        // Numbers are named as written: an integer has neither fraction nor exponent.
        (#"{"port": 3000.0}"#, "invalid port 3000.0 in config file PATH: expected an integer from 0 to 65535"),
        (#"{"port": 3e3}"#, "invalid port 3e3 in config file PATH: expected an integer from 0 to 65535"),
        (#"{"port": 99999999999999999999}"#, "invalid port 99999999999999999999 in config file PATH: expected an integer from 0 to 65535"),
        (#"{"namespace": 12}"#, "invalid namespace 12 in config file PATH: expected 1 to 64 characters without ':' or whitespace"),
        (#"{"host": null}"#, "invalid host null in config file PATH: expected an IPv4/IPv6 literal or a host name"),
        (#"{"logLevel": ["info"]}"#,
         "invalid logLevel an array or object in config file PATH: expected none, error, warning, notice, info, debug, trace"),
    ])
    func aFileValueOfTheWrongTypeIsRejected(contents: String, message: String) throws {
        let file = try TemporaryConfigFile(contents)
        #expect(throws: SettingsError(message: message.replacingOccurrences(of: "PATH", with: file.path))) {
            try Settings.load(flags: [:], configPath: file.path, environment: [:])
        }
    }

    @Test func aFileValueIsCheckedEvenWhenTheEnvironmentOverridesIt() throws {
        let file = try TemporaryConfigFile(#"{"port": "abc"}"#)
        #expect(throws: SettingsError.self) {
            try Settings.load(flags: [:], configPath: file.path, environment: ["RS_PORT": "3000"])
        }
    }

    @Test func anUnknownConfigFileKeyIsNamed() throws {
        let file = try TemporaryConfigFile(#"{"port": 3000, "prot": 3001}"#)
        let error = try #require(throws: SettingsError.self) {
            try Settings.load(flags: [:], configPath: file.path, environment: [:])
        }
        #expect(error.message.hasPrefix("unknown key \"prot\" in config file \(file.path); known keys: host, port, socket,"))
    }

    @Test func aKeyGivenTwiceInTheConfigFileIsRefused() throws {
        // The same name spelt with an escape is the same key once decoded.
        for text in [#"{"port": 3963, "port": "abc"}"#, "{\n  \"port\" : 3961,\n  \"host\": \"port\",\n  \"port\":3962\n}",
                     #"{"port": 3963, "\u0070ort": 3964}"#] {
            let file = try TemporaryConfigFile(text)
            #expect(throws: SettingsError(message: "key \"port\" appears more than once in config file \(file.path)")) {
                try Settings.load(flags: [:], configPath: file.path, environment: [:])
            }
        }
        // Two spellings Swift takes for one string (KELVIN SIGN is canonically K): one key, not two
        // members of which one would silently win.
        let kelvin = try TemporaryConfigFile(#"{"apiKeysFile": "/a", "api\u212AeysFile": "/b"}"#)
        #expect(throws: SettingsError(message: "key \"api\u{212A}eysFile\" appears more than once in config file \(kelvin.path)")) {
            try Settings.load(flags: [:], configPath: kelvin.path, environment: [:])
        }
        // A value equal to a key, or a string with an escaped quote, is not a key.
        let file = try TemporaryConfigFile(#"{"host": "port", "namespace": "a\"port\"", "port": 3000}"#)
        #expect(try Settings.load(flags: [:], configPath: file.path, environment: [:]).port == 3000)
    }

    @Test(arguments: [
        // The parser's own words, with where it stopped (the offset of the end: the text is 14 bytes).
        (Array(#"{"port": 3000,"#.utf8), "config file PATH is not valid JSON: Expected a string as object key at byte 14"),
        // Strict RFC 8259: no trailing comma.
        (Array(#"{"port": 3000,}"#.utf8), "config file PATH is not valid JSON: Expected a string as object key at byte 14"),
        // Offsets count a byte order mark: they name the file's bytes.
        ([0xEF, 0xBB, 0xBF] + Array(#"{"port": 3000,"#.utf8), "config file PATH is not valid JSON: Expected a string as object key at byte 17"),
        ([0xFF, 0xFE] + #"{"port": 3000}"#.utf8.flatMap { [$0, 0] },
         "config file PATH is not UTF-8 text (UTF-16, by its byte order mark: save it as UTF-8)"),
        (Array(#"{"namespace": "caf"#.utf8) + [0xE9] + Array(#""}"#.utf8), "config file PATH is not UTF-8 text"),
        (Array(#"[{"port": 3000}]"#.utf8), "config file PATH must hold a JSON object of settings"),
    ] as [([UInt8], String)])
    func aConfigFileThatIsNoJSONObjectInUTF8IsRefused(contents: [UInt8], message: String) throws {
        let file = try TemporaryConfigFile(bytes: contents)
        #expect(throws: SettingsError(message: message.replacingOccurrences(of: "PATH", with: file.path))) {
            try Settings.load(flags: [:], configPath: file.path, environment: [:])
        }
    }

    @Test func aConfigFileMayStartWithAByteOrderMark() throws {
        let file = try TemporaryConfigFile("\u{FEFF}{\"port\": 3001}")
        #expect(try Settings.load(flags: [:], configPath: file.path, environment: [:]).port == 3001)
    }

    @Test func aMissingConfigFileIsReported() throws {
        let error = try #require(throws: SettingsError.self) {
            try Settings.load(flags: [:], configPath: "/nonexistent/rest-sessions.json", environment: [:])
        }
        #expect(error.message == "cannot read config file /nonexistent/rest-sessions.json: No such file or directory")
        #expect(throws: SettingsError(message: "cannot read config file /: Is a directory")) {
            try Settings.load(flags: [:], configPath: "/", environment: [:])
        }
    }

    @Test func aConfigFileIsReadUpToABound() throws {
        let settings = Array(#"{"port": 3002}"#.utf8)
        let spaces = [UInt8](repeating: UInt8(ascii: " "), count: SettingsFile.maxBytes - settings.count)
        let largest = try TemporaryConfigFile(bytes: spaces + settings)
        #expect(try Settings.load(flags: [:], configPath: largest.path, environment: [:]).port == 3002)
        let tooLarge = try TemporaryConfigFile(bytes: [UInt8(ascii: " ")] + spaces + settings)
        #expect(throws: SettingsError(message: "cannot read config file \(tooLarge.path): larger than 16 MiB")) {
            try Settings.load(flags: [:], configPath: tooLarge.path, environment: [:])
        }
    }
}
