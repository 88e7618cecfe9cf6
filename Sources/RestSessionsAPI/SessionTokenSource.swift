import HTTPServer

/// Where `GET /:app/auth` finds the session token, first match wins: the header `X-Session-Token`,
/// `Authorization: Bearer TOKEN`, then the cookie named by the query parameter `cookie` or, without
/// it, by the `authCookie` setting.
enum SessionTokenSource {
    static func token(in request: HTTPRequest, defaultCookie: String?) -> Substring? {
        if let header = request.headers["X-Session-Token"] { return Substring(header) }
        if let authorization = request.headers["Authorization"], let token = bearerToken(authorization) { return token }
        guard let cookieName = request.query["cookie"] ?? defaultCookie else { return nil }
        for header in request.headers.values(for: "Cookie") {
            if let value = cookie(named: cookieName, in: header) { return value }
        }
        return nil
    }

    /// The scheme is case-insensitive (RFC 9110 section 11.1); `|0x20` lowercases the letters of "bearer" and nothing else.
    private static func bearerToken(_ authorization: String) -> Substring? {
        guard let space = authorization.firstIndex(of: " "),
            authorization[..<space].utf8.elementsEqual("bearer".utf8, by: { $0 | 0x20 == $1 })
        else { return nil }
        let token = authorization[space...].drop(while: { $0 == " " })
        return token.isEmpty ? nil : token
    }

    /// `name=value` pairs separated by `;` (RFC 6265 section 4.2.1); a quoted value loses its quotes.
    private static func cookie(named name: String, in header: String) -> Substring? {
        for pair in header.split(separator: ";") {
            let trimmed = pair.drop(while: { $0 == " " || $0 == "\t" })
            guard let equals = trimmed.firstIndex(of: "="), trimmed[..<equals] == name else { continue }
            let value = trimmed[trimmed.index(after: equals)...]
            if value.count >= 2, value.first == "\"", value.last == "\"" { return value.dropFirst().dropLast() }
            return value
        }
        return nil
    }
}
