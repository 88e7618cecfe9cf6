#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RedisClient
import RestSessionsAPI

/// How a text setting is checked.
enum TextRule {
    case hostName
    case socketPath
    case namespace
    case redisURL
    case cookieName
    case apiKeyList
    case apiKeysFile
    case sentinelList
    case sentinelMasterName
    case redisUsername
    case password

    enum Verdict: Equatable {
        case accepted
        /// `detail` says more than the setting's expectation, when there is more to say.
        case rejected(detail: String?)
    }

    func verdict(on text: String) -> Verdict {
        switch self {
        case .hostName:
            return Self.isAddressLiteral(text) || Self.isHostName(text) ? .accepted : .rejected(detail: nil)
        case .socketPath:
            // sun_path holds 108 bytes including the terminating NUL.
            let bytes = text.utf8
            return !bytes.isEmpty && bytes.count <= 107 && !bytes.contains(0) ? .accepted : .rejected(detail: nil)
        case .namespace:
            let valid = (1...64).contains(text.count) && !text.contains(where: { $0 == ":" || $0.isWhitespace })
            return valid ? .accepted : .rejected(detail: nil)
        case .redisURL:
            do {
                _ = try RedisConfiguration(url: text)
                return .accepted
            } catch {
                return .rejected(detail: String(describing: error))
            }
        case .sentinelList:
            return Self.sentinelEndpoints(text) == nil ? .rejected(detail: nil) : .accepted
        case .sentinelMasterName, .redisUsername:
            return (1...128).contains(text.count) && !text.contains(where: { $0.isWhitespace || $0.asciiValue.map { $0 < 32 } == true })
                ? .accepted : .rejected(detail: nil)
        case .password:
            return text.isEmpty ? .rejected(detail: nil) : .accepted
        case .cookieName:
            return (1...64).contains(text.utf8.count) && text.utf8.allSatisfy(Self.isTokenByte) ? .accepted : .rejected(detail: nil)
        case .apiKeyList:
            return Self.verdict { () throws(APIKeysError) in try APIKeys(APIKeys.entries(ofList: text)) }
        case .apiKeysFile:
            let contents: String
            do {
                contents = try Self.readAPIKeysFile(text)
            } catch {
                return .rejected(detail: error.message)
            }
            return Self.verdict { () throws(APIKeysError) in try APIKeys(APIKeys.entries(ofFile: contents)) }
        }
    }

    static func readAPIKeysFile(_ path: String) throws(SettingsError) -> String {
        do {
            return try SettingsFile.text(of: path).string
        } catch {
            throw SettingsError(message: error.message(naming: "it"))
        }
    }

    private static func verdict(_ parse: () throws(APIKeysError) -> APIKeys) -> Verdict {
        do {
            _ = try parse()
            return .accepted
        } catch {
            return .rejected(detail: error.message)
        }
    }

    /// RFC 9110 tchar, which is what a cookie name is (RFC 6265 section 4.1.1).
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            || "!#$%&'*+-.^_`|~".utf8.contains(byte)
    }

    /// `host:port,...` (`[v6]:port` for IPv6) as endpoints, or nil when any entry is malformed.
    static func sentinelEndpoints(_ text: String) -> [RedisConfiguration.Endpoint]? {
        let entries = text.split(separator: ",", omittingEmptySubsequences: false)
        guard (1...16).contains(entries.count) else { return nil }
        var endpoints: [RedisConfiguration.Endpoint] = []
        for entry in entries {
            guard let colon = entry.lastIndex(of: ":"), let port = Int(entry[entry.index(after: colon)...]), (1...65535).contains(port)
            else { return nil }
            var host = entry[..<colon]
            if host.hasPrefix("["), host.hasSuffix("]") {
                host = host.dropFirst().dropLast()
                guard host.contains(":"), isAddressLiteral(String(host)) else { return nil }
            } else if !(isAddressLiteral(String(host)) && !host.contains(":")) && !isHostName(String(host)) {
                return nil
            }
            endpoints.append(.tcp(host: String(host), port: port))
        }
        return endpoints
    }

    private static func isAddressLiteral(_ text: String) -> Bool {
        var address = in6_addr()
        return inet_pton(AF_INET, text, &address) == 1 || inet_pton(AF_INET6, text, &address) == 1
    }

    /// RFC 1123: dot-separated labels of letters, digits and inner hyphens, 1-63 bytes each, 253 in all.
    private static func isHostName(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= 253 else { return false }
        return bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).allSatisfy { label in
            guard (1...63).contains(label.count), label.first != UInt8(ascii: "-"), label.last != UInt8(ascii: "-") else {
                return false
            }
            return label.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || byte == UInt8(ascii: "-")
            }
        }
    }
}
