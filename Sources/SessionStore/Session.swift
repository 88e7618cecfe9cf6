/// One session as the routes report it (the contract's section 2); tokens are never part of it.
public struct Session: Sendable, Hashable {
    public var id: String
    /// `r`: reads before this one.
    public var reads: Int
    /// `w`: 1 at create, incremented by every set.
    public var writes: Int
    /// For a no_resave session: the seconds that remain.
    public var ttl: Int
    /// Seconds since the last activity, measured before this operation moved it.
    public var idle: Int
    public var ip: String
    public var noResave: Bool
    /// `d`: the stored compact JSON object text, verbatim, nil when the session has no data.
    public var data: String?
    /// `expires_in`: seconds until the absolute end of a session created with max_age, else nil.
    public var expiresIn: Int?

    public init(
        id: String, reads: Int, writes: Int, ttl: Int, idle: Int, ip: String, noResave: Bool, data: String?,
        expiresIn: Int? = nil
    ) {
        self.id = id
        self.reads = reads
        self.writes = writes
        self.ttl = ttl
        self.idle = idle
        self.ip = ip
        self.noResave = noResave
        self.data = data
        self.expiresIn = expiresIn
    }
}
