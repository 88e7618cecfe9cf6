#if canImport(Glibc)
import Glibc
#endif

/// A thin layer over one socket descriptor, in the style of FlyingSocks: every failure is a
/// `SocketError` capturing errno, EINTR is retried, and nothing here ever raises SIGPIPE.
struct Socket: Sendable, Hashable {
    let descriptor: Int32

    enum AcceptResult {
        case accepted(Socket)
        case wouldBlock
        /// EMFILE, ENFILE, ENOBUFS, ENOMEM: accepting again at once would spin.
        case outOfResources(SocketError)
        /// The connection died in the backlog (ECONNABORTED, EPROTO, EPERM ...): try the next one.
        case skipped
    }

    enum IOResult {
        case transferred(Int)
        case wouldBlock
        case endOfFile
        case failed(SocketError)
    }

    func setNonBlocking() throws(SocketError) {
        let flags = fcntl(descriptor, F_GETFL)
        guard flags >= 0, fcntl(descriptor, F_SETFL, flags | O_NONBLOCK) >= 0 else { throw .failed("fcntl(O_NONBLOCK)") }
    }

    func setOption(level: Int32, name: Int32, value: Int32) throws(SocketError) {
        var value = value
        guard setsockopt(descriptor, level, name, &value, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            throw .failed("setsockopt(\(level), \(name))")
        }
    }

    func accept() -> AcceptResult {
        while true {
            // Glibc's module does not export accept4, so the new socket gets its flags with fcntl.
            let accepted = Glibc.accept(descriptor, nil, nil)
            if accepted >= 0 {
                let socket = Socket(descriptor: accepted)
                guard fcntl(accepted, F_SETFD, FD_CLOEXEC) == 0, (try? socket.setNonBlocking()) != nil else {
                    socket.close()
                    return .skipped
                }
                return .accepted(socket)
            }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            case EMFILE, ENFILE, ENOBUFS, ENOMEM: return .outOfResources(.failed("accept"))
            default: return .skipped
            }
        }
    }

    func receive(into buffer: UnsafeMutableRawBufferPointer) -> IOResult {
        while true {
            let count = recv(descriptor, buffer.baseAddress, buffer.count, 0)
            if count > 0 { return .transferred(count) }
            if count == 0 { return .endOfFile }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            default: return .failed(.failed("recv"))
            }
        }
    }

    func send(_ bytes: UnsafeRawBufferPointer) -> IOResult {
        while true {
            let count = Glibc.send(descriptor, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
            if count >= 0 { return .transferred(count) }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            default: return .failed(.failed("send"))
            }
        }
    }

    func shutdownWriting() {
        _ = Glibc.shutdown(descriptor, Int32(SHUT_WR))
    }

    func close() {
        // Linux releases the descriptor even when close reports EINTR: never retry.
        _ = Glibc.close(descriptor)
    }

    /// Closes with a reset (SO_LINGER 0) rather than an orderly end: for an answer that must not
    /// look complete to a client that takes the end of the connection as the end of the body.
    func closeWithReset() {
        var immediate = linger(l_onoff: 1, l_linger: 0)
        _ = setsockopt(descriptor, SOL_SOCKET, SO_LINGER, &immediate, socklen_t(MemoryLayout<linger>.size))
        close()
    }

    /// The port a TCP socket is bound to, nil for other families.
    func localPort() -> Int? {
        var address = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard result == 0 else { return nil }
        return withUnsafePointer(to: &address) { storage -> Int? in
            switch Int32(storage.pointee.ss_family) {
            case AF_INET: storage.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
            case AF_INET6: storage.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
            default: nil
            }
        }
    }
}
