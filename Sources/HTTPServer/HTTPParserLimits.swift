public struct HTTPParserLimits: Sendable, Hashable {
    public var maximumHeaderBytes: Int
    public var maximumHeaderCount: Int
    public var maximumBodyBytes: Int

    public init(maximumHeaderBytes: Int = 16 * 1024, maximumHeaderCount: Int = 100, maximumBodyBytes: Int = 64 * 1024) {
        self.maximumHeaderBytes = maximumHeaderBytes
        self.maximumHeaderCount = maximumHeaderCount
        self.maximumBodyBytes = maximumBodyBytes
    }
}
