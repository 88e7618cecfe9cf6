import CEpoll
#if canImport(Glibc)
import Glibc
#endif

/// What epoll reported for a descriptor. A hang-up or an error counts as both readable and writable:
/// the next read or write is what tells the watcher how the connection ended.
public struct IOEvents: Sendable, Hashable {
    public let rawValue: UInt32

    public init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    private static let endings = EPOLLHUP.rawValue | EPOLLERR.rawValue | EPOLLRDHUP.rawValue

    public var isReadable: Bool { rawValue & (EPOLLIN.rawValue | Self.endings) != 0 }
    public var isWritable: Bool { rawValue & (EPOLLOUT.rawValue | Self.endings) != 0 }
}
