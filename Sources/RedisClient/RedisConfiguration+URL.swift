extension RedisConfiguration {
    /// Parses `redis://[user:password@]host[:port][/db]` (user and password percent-decoded, an IPv6
    /// host in brackets) or `unix:///path[?db=N]`; every other setting keeps its default.
    public init(url: String) throws(RedisConfigurationError) {
        self.init()
        guard let schemeEnd = url.firstRange(of: "://") else {
            // Not quoted: the URL may carry a password.
            throw RedisConfigurationError("the URL has no scheme; expected redis://host[:port][/db] or unix:///path[?db=N]")
        }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        let rest = url[schemeEnd.upperBound...]
        if rest.contains("#") {
            throw RedisConfigurationError("a fragment ('#') is not allowed")
        }
        switch scheme {
        case "redis": try parseTCP(rest)
        case "unix": try parseUnix(rest)
        case "rediss": throw RedisConfigurationError("TLS (rediss://) is not supported")
        default: throw RedisConfigurationError("unsupported scheme '\(scheme)'; expected redis:// or unix://")
        }
    }

    private mutating func parseTCP(_ rest: Substring) throws(RedisConfigurationError) {
        if rest.contains("?") {
            throw RedisConfigurationError("redis:// URLs take no query; put the database in the path (redis://host:port/db)")
        }
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        var hostAndPort = rest[..<authorityEnd]
        if let at = hostAndPort.lastIndex(of: "@") {
            try parseUserInfo(hostAndPort[..<at])
            hostAndPort = hostAndPort[hostAndPort.index(after: at)...]
        }
        let (host, port) = try Self.parseHostAndPort(hostAndPort)
        endpoint = .tcp(host: host, port: port)

        var path = rest[authorityEnd...].dropFirst()
        if path.hasSuffix("/") { path = path.dropLast() }
        if !path.isEmpty { database = try Self.parseDatabase(path) }
    }

    private mutating func parseUserInfo(_ userInfo: Substring) throws(RedisConfigurationError) {
        guard let colon = userInfo.firstIndex(of: ":") else {
            throw RedisConfigurationError("the user info must be 'user:password' or ':password' (percent-encode ':' and '@' inside them)")
        }
        let user = try Self.percentDecoded(userInfo[..<colon], what: "user name")
        let secret = try Self.percentDecoded(userInfo[userInfo.index(after: colon)...], what: "password")
        if secret.isEmpty {
            throw RedisConfigurationError("the password is empty; leave out the user info to connect without AUTH")
        }
        username = user.isEmpty ? nil : user
        password = secret
    }

    private static func parseHostAndPort(_ text: Substring) throws(RedisConfigurationError) -> (String, Int) {
        let host: Substring
        let portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw RedisConfigurationError("the IPv6 address has no closing ']'")
            }
            let bracketed = text[text.index(after: text.startIndex)..<close]
            let afterHost = text[text.index(after: close)...]
            if afterHost.isEmpty {
                portText = nil
            } else if afterHost.hasPrefix(":") {
                portText = afterHost.dropFirst()
            } else {
                throw RedisConfigurationError("unexpected '\(afterHost)' after the IPv6 address")
            }
            // Letters and `%` for a zone id (RFC 6874: fe80::1%25eth0).
            guard bracketed.contains(":"),
                  bracketed.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ":.%_-".contains($0)) })
            else {
                throw RedisConfigurationError("'\(bracketed)' is not an IPv6 address")
            }
            host = Substring(try percentDecoded(bracketed, what: "IPv6 zone"))
        } else {
            let colons = text.filter { $0 == ":" }.count
            if colons > 1 {
                throw RedisConfigurationError("an IPv6 address must be written in brackets, e.g. redis://[::1]:6379")
            }
            if let colon = text.firstIndex(of: ":") {
                host = text[..<colon]
                portText = text[text.index(after: colon)...]
            } else {
                host = text
                portText = nil
            }
            guard !host.isEmpty else { throw RedisConfigurationError("the host is missing") }
            guard host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_") }) else {
                throw RedisConfigurationError("'\(host)' is not a valid host name")
            }
        }
        guard let portText else { return (String(host), 6379) }
        guard !portText.isEmpty, portText.allSatisfy(\.isASCIIDigit), portText.count <= 5,
              let port = Int(portText), (1...65535).contains(port)
        else {
            throw RedisConfigurationError("the port '\(portText)' is not a number from 1 to 65535")
        }
        return (String(host), port)
    }

    private mutating func parseUnix(_ rest: Substring) throws(RedisConfigurationError) {
        guard rest.hasPrefix("/") else {
            throw RedisConfigurationError("a unix socket URL needs an absolute path: unix:///path/to/redis.sock")
        }
        let queryStart = rest.firstIndex(of: "?") ?? rest.endIndex
        let path = try Self.percentDecoded(rest[..<queryStart], what: "socket path")
        guard path.count > 1 else { throw RedisConfigurationError("the socket path is missing") }
        // sockaddr_un.sun_path holds 108 bytes including the terminating NUL.
        guard path.utf8.count <= 107 else {
            throw RedisConfigurationError("the socket path is longer than 107 bytes")
        }
        endpoint = .unix(path: path)

        let query = rest[queryStart...].dropFirst()
        guard !query.isEmpty else { return }
        for parameter in query.split(separator: "&", omittingEmptySubsequences: false) {
            let pair = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2, pair[0] == "db" else {
                throw RedisConfigurationError("unknown query parameter '\(parameter)'; only db=N is supported")
            }
            database = try Self.parseDatabase(pair[1])
        }
    }

    private static func parseDatabase(_ text: Substring) throws(RedisConfigurationError) -> Int {
        guard !text.isEmpty, text.count <= 9, text.allSatisfy(\.isASCIIDigit), let database = Int(text) else {
            throw RedisConfigurationError("the database '\(text)' is not a non-negative integer")
        }
        return database
    }

    private static func percentDecoded(_ text: Substring, what: String) throws(RedisConfigurationError) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                throw RedisConfigurationError("the \(what) has an invalid percent-escape (expected %XX)")
            }
            bytes.append(high << 4 | low)
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else {
            throw RedisConfigurationError("the \(what) is not valid UTF-8 after percent-decoding")
        }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
