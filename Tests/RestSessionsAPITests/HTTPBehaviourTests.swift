import HTTPServer
import Testing

@testable import RestSessionsAPI

@Suite struct HTTPBehaviourTests {
    static let app = APITestContext.app
    static let token = String(repeating: "a", count: 64)

    @Test(arguments: ["/", "/ping/x", "/pong", "/\(app)", "/\(app)/get", "/\(app)/unknown/x", "/\(app)/get/\(token)/extra",
                      "/\(app)/activity/x", "/\(app)/killall/x", "/a/b/c/d"])
    func anUnknownPathIs404(path: String) async throws {
        try await APITestContext.with { context in
            for method in [HTTPMethod.GET, .PUT, .OPTIONS] {
                let response = await context.request(method, path)
                #expect(response.isError(404, name: "notFound", message: "No such route"), "\(method) \(path): \(response.text)")
            }
        }
    }

    /// As Express routes the reference's paths: a trailing slash and the route word's case do not
    /// matter; the app's case and the parameters are kept as they are.
    @Test func aTrailingSlashAndTheCaseOfTheRoutesWordDoNotMatter() async throws {
        try await APITestContext.with { context in
            let token = try await context.create()
            for path in ["/\(Self.app)/get/\(token)/", "/\(Self.app)/GET/\(token)", "/\(Self.app)/Get/\(token)/"] {
                let response = await context.request(.GET, path)
                #expect(response.status == 200 && response.text.contains(#""id":"user1""#), "\(path): \(response.text)")
            }
            #expect(await context.request(.GET, "/PING/").status == 200)
            #expect(await context.request(.GET, "/\(Self.app)/soid/user1/").text.contains(#""id":"user1""#))
            #expect(await context.request(.GET, "/\(Self.app)/soid/USER1").text == #"{"sessions":[]}"#, "the id keeps its case")
            #expect(await context.request(.GET, "/\(Self.app)/get/\(token)//").status == 404, "one trailing slash only")
            let otherCaseApp = await context.request(.GET, "/TESTAPP/get/\(token)")
            #expect(otherCaseApp.status == 200 && otherCaseApp.text == "{}", "the app keeps its case: another app")
        }
    }

    @Test(arguments: [
        (HTTPMethod.GET, "/\(app)/create/u1", "PUT, OPTIONS"),
        (.POST, "/\(app)/get/\(token)", "GET, HEAD, OPTIONS"),
        (.GET, "/\(app)/set/\(token)", "POST, OPTIONS"),
        (.GET, "/\(app)/kill/\(token)", "DELETE, OPTIONS"),
        (.DELETE, "/\(app)/activity", "GET, HEAD, OPTIONS"),
        (.PUT, "/\(app)/soapp", "GET, HEAD, OPTIONS"),
        (.DELETE, "/\(app)/soid/u1", "GET, HEAD, OPTIONS"),
        (.GET, "/\(app)/killsoid/u1", "DELETE, OPTIONS"),
        (.HEAD, "/\(app)/killall", "DELETE, OPTIONS"),
        (.POST, "/ping", "GET, HEAD, OPTIONS"),
        (HTTPMethod(rawValue: "PATCH"), "/\(app)/set/\(token)", "POST, OPTIONS"),
        (HTTPMethod(rawValue: "TRACE"), "/\(app)/killall", "DELETE, OPTIONS"),
    ])
    func aKnownPathWithAnotherMethodIs405WithAllow(method: HTTPMethod, path: String, allow: String) async throws {
        try await APITestContext.with { context in
            let response = await context.request(method, path)
            #expect(response.isError(405, name: "methodNotAllowed", message: "Method not allowed on this route"), "\(response.text)")
            #expect(response.headers["Allow"] == allow)
            let options = await context.request(.OPTIONS, path)
            #expect(options.status == 204)
            #expect(options.headers["Allow"] == allow)
            #expect(options.body.isEmpty)
        }
    }

    @Test func optionsAsteriskAnswersTheMethodsOfEveryRouteEvenWhereKeysAreRequired() async throws {
        var options = RestSessionsAPIOptions()
        options.apiKeys = try APIKeys(APIKeys.entries(ofList: String(repeating: "k", count: 20)))
        try await APITestContext.with(options: options) { context in
            let response = await context.request(.OPTIONS, "*")
            #expect(response.status == 204 && response.body.isEmpty)
            #expect(response.headers["Allow"] == "GET, HEAD, POST, PUT, DELETE, OPTIONS")
            #expect(await context.request(.GET, "*").isError(401, name: "unauthorized", message: "A valid X-Api-Key header is required"))
        }
    }

    @Test func headIsAnsweredWhereverGetIs() async throws {
        try await APITestContext.with { context in
            let token = try await context.create()
            for path in ["/\(Self.app)/get/\(token)", "/\(Self.app)/activity?dt=60", "/\(Self.app)/soapp?dt=60", "/\(Self.app)/soid/user1", "/ping"] {
                let response = await context.request(.HEAD, path)
                // The server sends the headers (with the GET body's length) and drops the body.
                #expect(response.status == 200, "\(path): \(response.text)")
            }
        }
    }

    @Test(arguments: ["text/plain", "application/x-www-form-urlencoded", "application/jsonx", "multipart/form-data; boundary=x"])
    func aBodyOfAnotherMediaTypeIs415(contentType: String) async throws {
        try await APITestContext.with { context in
            let message = "The request body must be JSON (application/json)"
            let create = await context.request(
                .PUT, "/\(Self.app)/create/u1?ip=1.2.3.4", body: #"{"a":1}"#, headers: [("Content-Type", contentType)])
            #expect(create.isError(415, name: "unsupportedMediaType", message: message), "\(create.text)")
            let set = await context.request(.POST, "/\(Self.app)/set/\(Self.token)", body: #"{"a":1}"#, headers: [("Content-Type", contentType)])
            #expect(set.isError(415, name: "unsupportedMediaType", message: message), "\(set.text)")
        }
    }

    @Test func aBadBodyOnARouteThatReadsNoneIsRefusedBeforeTheRouteActs() async throws {
        try await APITestContext.with { context in
            let token = try await context.create()
            let killAll = await context.request(.DELETE, "/\(Self.app)/killall", body: "{bad", headers: [("Content-Type", "application/json")])
            #expect(killAll.status == 400 && killAll.text.hasPrefix(#"{"name":"invalidJSON""#), "\(killAll.text)")
            let kill = await context.request(.DELETE, "/\(Self.app)/kill/\(token)", body: "[1,", headers: [("Content-Type", "application/json")])
            #expect(kill.status == 400 && kill.text.hasPrefix(#"{"name":"invalidJSON""#), "\(kill.text)")
            // Without a Content-Type saying JSON the reference's parser leaves a body alone, and so
            // does the route; a well-formed JSON body is ignored too.
            #expect(await context.request(.GET, "/\(Self.app)/get/\(token)", body: "{bad").status == 200)
            let read = await context.request(.GET, "/\(Self.app)/get/\(token)", body: #"{"a":1}"#)
            #expect(read.status == 200 && read.text.contains(#""id":"user1""#), "the session survived: \(read.text)")
        }
    }

    @Test func aLeadingByteOrderMarkIsDropped() async throws {
        try await APITestContext.with { context in
            let bom = "\u{FEFF}"
            let token = try await context.create(data: bom + #"{"a":1}"#)
            let set = await context.request(.POST, "/\(Self.app)/set/\(token)", body: bom + #"{"b":2}"#)
            #expect(set.status == 200 && set.text.hasSuffix(#""d":{"a":1,"b":2}}"#), "\(set.text)")
            // Only at the start: anywhere else it is not JSON.
            let inside = await context.request(.POST, "/\(Self.app)/set/\(token)", body: #"{"b":2}"# + bom)
            #expect(inside.status == 400 && inside.text.hasPrefix(#"{"name":"invalidJSON""#), "\(inside.text)")
        }
    }

    @Test func contentTypeIsJSONByItsMediaTypeAndCharset() {
        let json = [nil, "", " ", "application/json", "APPLICATION/JSON", "\tapplication/json \t; charset=utf-8", "application/json;", ";x",
                    "application/json; charset=\"UTF-8\"", "application/json;charset=utf8", "application/json; foo=bar; CharSet = Utf-8 ",
                    "application/json; charset", "application/json; x=\"a;b\"", "application/json; charset=\"\"", "application/json; charset="]
        for contentType in json {
            #expect(RequestBody.judge(contentType: contentType) == .json, "\(contentType ?? "nil")")
        }
        for other in ["application/jso", "application/jsonx", "application/json x", "text/json", "application/ json", "x;application/json",
                      "text/plain; charset=utf-8"] {
            #expect(RequestBody.judge(contentType: other) == .otherMediaType, "\(other)")
        }
        for otherCharset in ["application/json; charset=latin1", "application/json;charset=ISO-8859-1", "application/json; charset=utf-16",
                             "application/json; charset=utf-8; charset=latin1", "; charset=us-ascii"] {
            #expect(RequestBody.judge(contentType: otherCharset) == .jsonInAnotherCharset, "\(otherCharset)")
        }
        // A body-less route refuses a malformed or wrongly encoded body only when its media type says JSON itself.
        for declared in ["application/json", "application/json; charset=latin1", " Application/JSON ;x"] {
            #expect(RequestBody.isDeclaredJSON(contentType: declared), "\(declared)")
        }
        for undeclared in [nil, "", " ; ", ";x", "; charset=latin1", "text/plain"] {
            #expect(!RequestBody.isDeclaredJSON(contentType: undeclared), "\(undeclared ?? "nil")")
        }
    }

    @Test func jsonInAnotherCharsetIs415OnEveryRouteThatGetsABody() async throws {
        try await APITestContext.with { context in
            let token = try await context.create()
            let latin1 = [("Content-Type", "application/json; charset=latin1")]
            let message = "The request body must be JSON in UTF-8 (charset=utf-8)"
            let create = await context.request(.PUT, "/\(Self.app)/create/u1?ip=1.2.3.4", body: #"{"a":"caf\#u{E9}"}"#, headers: latin1)
            #expect(create.isError(415, name: "unsupportedMediaType", message: message), "\(create.text)")
            let set = await context.request(.POST, "/\(Self.app)/set/\(token)", body: #"{"a":1}"#, headers: latin1)
            #expect(set.isError(415, name: "unsupportedMediaType", message: message), "\(set.text)")
            // As the reference's body parser, which runs on every route: a kill carrying such a
            // body kills nothing.
            let kill = await context.request(.DELETE, "/\(Self.app)/kill/\(token)", body: #"{"a":1}"#, headers: latin1)
            #expect(kill.isError(415, name: "unsupportedMediaType", message: message), "\(kill.text)")
            let read = await context.request(.GET, "/\(Self.app)/get/\(token)")
            #expect(read.status == 200 && read.text.contains(#""id":"user1""#), "the session survived: \(read.text)")
            // Without a body there is nothing to decode.
            #expect(await context.request(.GET, "/\(Self.app)/get/\(token)", headers: latin1).status == 200)
        }
    }

    @Test(arguments: [nil, "application/json", "Application/JSON; charset=utf-8", "application/json;charset=UTF-8", " application/json "])
    func jsonBodiesAreAcceptedWithOrWithoutContentType(contentType: String?) async throws {
        try await APITestContext.with { context in
            let headers = contentType.map { [("Content-Type", $0)] } ?? []
            let response = await context.request(.PUT, "/\(Self.app)/create/u1?ip=1.2.3.4", body: #"{"a":1}"#, headers: headers)
            #expect(response.status == 200, "\(response.text)")
        }
    }

    @Test(arguments: [#"{"a":1"#, "{a:1}", #"{"a":01}"#, #"{"a":1,}"#, "[1,2", #"{"a":"\x"}"#, " ", "nul", #"{"a":1} x"#])
    func aMalformedBodyIs400InvalidJSONBeforeValidation(body: String) async throws {
        try await APITestContext.with { context in
            // The app is invalid too: malformed JSON is reported first.
            for (method, path) in [(HTTPMethod.PUT, "/ab/create/u1?ip=1.2.3.4"), (.POST, "/ab/set/short")] {
                let response = await context.request(method, path, body: body)
                #expect(response.status == 400 && response.isJSON, "\(response.text)")
                #expect(response.text.hasPrefix(#"{"name":"invalidJSON","message":"Malformed JSON body: "#), "\(response.text)")
            }
        }
    }

    @Test func aBodyNestedBeyondTheDepthLimitIsInvalidJSONNotACrash() async throws {
        try await APITestContext.with { context in
            let body = #"{"a":"# + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
            let response = await context.request(.POST, "/\(Self.app)/set/\(Self.token)", body: body)
            #expect(response.status == 400)
            #expect(response.text.hasPrefix(#"{"name":"invalidJSON""#))
        }
    }

    @Test func bodiesOfOtherRoutesAreIgnored() async throws {
        try await APITestContext.with { context in
            let response = await context.request(
                .GET, "/\(Self.app)/get/\(Self.token)", body: "not json", headers: [("Content-Type", "text/plain")])
            #expect(response.status == 200 && response.text == "{}")
        }
    }

    @Test(arguments: [
        (HTTPStatus.payloadTooLarge, #"{"name":"payloadTooLarge","message":"The request body is too large"}"#),
        (.badRequest, #"{"name":"badRequest","message":"Bad Request"}"#),
        (.requestTimeout, #"{"name":"requestTimeout","message":"Request Timeout"}"#),
        (.requestHeaderFieldsTooLarge, #"{"name":"requestHeaderFieldsTooLarge","message":"Request Header Fields Too Large"}"#),
        (.httpVersionNotSupported, #"{"name":"httpVersionNotSupported","message":"HTTP Version Not Supported"}"#),
        (.notImplemented, #"{"name":"notImplemented","message":"Not Implemented"}"#),
        (.serviceUnavailable, #"{"name":"serviceUnavailable","message":"Service Unavailable"}"#),
        (.internalServerError, #"{"name":"internalError","message":"An unexpected error occurred"}"#),
    ])
    func theServersOwnErrorsAreJSON(status: HTTPStatus, body: String) async throws {
        try await APITestContext.with { context in
            let response = TestResponse(context.api.errorResponse(for: status))
            #expect(response.status == status.code)
            #expect(response.isJSON)
            #expect(response.text == body)
        }
    }
}
