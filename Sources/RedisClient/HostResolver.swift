import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Host names resolved off the event loops. hiredis 0.14 calls getaddrinfo inside its connect, which
/// blocks for as long as DNS takes (seconds when a server does not answer); on a loop that also
/// serves HTTP, every client would wait. IP literals need no lookup and are passed through.
struct HostResolver: Sendable {
    struct Failure: Error {
        let reason: String
    }

    /// The blocking lookup, run on a Dispatch queue: getaddrinfo, or a slow one in tests.
    let lookUp: @Sendable (String) -> Result<[String], Failure>

    static let system = HostResolver(lookUp: addresses(of:))

    static func isAddressLiteral(_ host: String) -> Bool {
        var buffer = in6_addr()
        return inet_pton(AF_INET, host, &buffer) == 1 || inet_pton(AF_INET6, host, &buffer) == 1
    }

    /// The addresses of `host` as IP literals, IPv4 ones first (as hiredis asks for them: a
    /// `localhost` listed as ::1 first must still reach a Redis bound to 127.0.0.1), otherwise in
    /// getaddrinfo's order; `completion` runs on a Dispatch queue.
    func resolve(_ host: String, completion: @escaping @Sendable (Result<[String], Failure>) -> Void) {
        DispatchQueue.global().async {
            completion(lookUp(host))
        }
    }

    private static func addresses(of host: String) -> Result<[String], Failure> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0 else {
            return .failure(Failure(reason: "cannot resolve \(host): \(String(cString: gai_strerror(status)))"))
        }
        defer { freeaddrinfo(list) }
        var addresses: [String] = []
        var entry = list
        while let current = entry {
            var text = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(current.pointee.ai_addr, current.pointee.ai_addrlen, &text, socklen_t(text.count), nil, 0, NI_NUMERICHOST) == 0 {
                let address = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                if !addresses.contains(address) { addresses.append(address) }
            }
            entry = current.pointee.ai_next
        }
        guard !addresses.isEmpty else { return .failure(Failure(reason: "cannot resolve \(host): no address")) }
        return .success(addresses.filter { !$0.contains(":") } + addresses.filter { $0.contains(":") })
    }
}
