/// What one call of a listing's batch script answers (see BatchedListing).
struct SessionListingBatch: Sendable {
    /// The arguments that continue the listing after this batch; nil once it is complete.
    var cursor: [String]?
    var sessions: [Session]
}
