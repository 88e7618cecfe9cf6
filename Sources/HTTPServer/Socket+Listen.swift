#if canImport(Glibc)
import Glibc
#endif

extension Socket {
    /// A non-blocking listening socket on `address`. A TCP host is resolved once (numeric
    /// addresses need no lookup); IPv6 sockets are IPv6-only so `::` and `0.0.0.0` can coexist.
    static func listen(on address: HTTPServerConfiguration.Address, backlog: Int32 = SOMAXCONN) throws(SocketError) -> Socket {
        switch address {
        case .tcp(let host, let port):
            return try listenTCP(host: host, port: port, backlog: backlog)
        case .unix(let path):
            return try listenUnix(path: path, backlog: backlog)
        }
    }

    private static func listenTCP(host: String, port: Int, backlog: Int32) throws(SocketError) -> Socket {
        guard (0...65535).contains(port) else {
            throw SocketError(operation: "listen on \(host):\(port)", errno: EINVAL, message: "port out of range")
        }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        var results: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &results)
        guard status == 0, let first = results else {
            throw SocketError(operation: "getaddrinfo(\(host))", errno: EINVAL, message: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(results) }
        let socket = try makeSocket(family: first.pointee.ai_family)
        do throws(SocketError) {
            try socket.setOption(level: SOL_SOCKET, name: SO_REUSEADDR, value: 1)
            if first.pointee.ai_family == AF_INET6 {
                try socket.setOption(level: Int32(IPPROTO_IPV6), name: IPV6_V6ONLY, value: 1)
            }
            guard bind(socket.descriptor, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
                throw .failed("bind(\(host):\(port))")
            }
            try socket.startListening(backlog: backlog)
            return socket
        } catch {
            socket.close()
            throw error
        }
    }

    private static func listenUnix(path: String, backlog: Int32) throws(SocketError) -> Socket {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard !pathBytes.isEmpty, pathBytes.count < capacity, !pathBytes.contains(0) else {
            throw SocketError(operation: "listen on \(path)", errno: ENAMETOOLONG, message: "unusable Unix socket path")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: pathBytes) }
        try removeStaleSocketFile(path, address: address)
        let socket = try makeSocket(family: AF_UNIX)
        do throws(SocketError) {
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(socket.descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            guard result == 0 else { throw .failed("bind(\(path))") }
            try socket.startListening(backlog: backlog)
            return socket
        } catch {
            socket.close()
            throw error
        }
    }

    /// A socket file left by an earlier run would make bind fail. One that a running process still
    /// listens on is not stale: taking it over would silently cut that process off. Anything that is
    /// not a socket is left alone.
    private static func removeStaleSocketFile(_ path: String, address: sockaddr_un) throws(SocketError) {
        var status = stat()
        guard lstat(path, &status) == 0 else { return }
        guard status.st_mode & S_IFMT == S_IFSOCK else {
            throw SocketError(operation: "listen on \(path)", errno: EEXIST, message: "path exists and is not a socket")
        }
        let probe = try makeSocket(family: AF_UNIX)
        defer { probe.close() }
        var address = address
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(probe.descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected != 0 else {
            throw SocketError(operation: "listen on \(path)", errno: EADDRINUSE, message: "another process listens on this socket")
        }
        unlink(path)
    }

    private static func makeSocket(family: Int32) throws(SocketError) -> Socket {
        let descriptor = Glibc.socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw .failed("socket") }
        return Socket(descriptor: descriptor)
    }

    private func startListening(backlog: Int32) throws(SocketError) {
        try setNonBlocking()
        guard Glibc.listen(descriptor, backlog) == 0 else { throw .failed("listen") }
    }
}
