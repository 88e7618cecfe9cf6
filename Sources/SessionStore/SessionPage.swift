/// One page of a listing: `limit` entries after skipping `offset`, newest first.
struct SessionPage: Sendable, Hashable {
    var offset: Int
    var limit: Int

    /// The script arguments: offset, then limit.
    var arguments: [String] { [String(offset), String(limit)] }
}
