#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RestSessionsAPI

/// The settings of the operating features: API keys, the auth cookie, exposure.
extension Settings {
    /// The keys of `apiKeys` and `apiKeysFile` together; nil when neither is set. Both were
    /// validated at load time; the file is read again here, and a key in both is refused.
    func loadAPIKeys() throws(SettingsError) -> APIKeys? {
        guard apiKeys != nil || apiKeysFile != nil else { return nil }
        var fileContents: String? = nil
        if let apiKeysFile {
            do {
                fileContents = try TextRule.readAPIKeysFile(apiKeysFile)
            } catch {
                throw SettingsError(message: "API keys file \(apiKeysFile): \(error.message)")
            }
        }
        do {
            let listed = try apiKeys.map { list throws(APIKeysError) in try APIKeys.entries(ofList: list) } ?? []
            let filed = try fileContents.map { text throws(APIKeysError) in try APIKeys.entries(ofFile: text) } ?? []
            return try APIKeys(listed + filed)
        } catch {
            throw SettingsError(message: "cannot use the API keys: \(error.message)")
        }
    }

    /// True unless host is a loopback address (127.0.0.0/8, ::1) or `localhost`: anyone who
    /// reaches the port may then read and end sessions, unless API keys are required.
    var listensBeyondLoopback: Bool {
        if host == "localhost" { return false }
        var ipv4 = in_addr()
        if inet_pton(AF_INET, host, &ipv4) == 1 { return UInt32(bigEndian: ipv4.s_addr) >> 24 != 127 }
        var ipv6 = in6_addr()
        if inet_pton(AF_INET6, host, &ipv6) == 1 {
            return withUnsafeBytes(of: &ipv6) { bytes in !(bytes.dropLast().allSatisfy { $0 == 0 } && bytes.last == 1) }
        }
        return true
    }
}
