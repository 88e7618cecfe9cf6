import HTTPServer

/// The first input byte picks the limits and a chunk size; the rest is fed to the parser whole and
/// in chunks. Both must give the same requests and the same error: any difference, trap or
/// sanitizer report is a bug. Exported under libFuzzer's name, which its runtime also references.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequestParser(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    guard let start, count > 0 else { return 0 }
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    let control = bytes[0]
    let input = bytes[1...]
    let limits = control & 1 == 0
        ? HTTPParserLimits()
        : HTTPParserLimits(maximumHeaderBytes: 256, maximumHeaderCount: 8, maximumBodyBytes: 128)
    let chunkSize = Int(control >> 1) + 1
    let whole = FuzzOutcome(parsing: [input], limits: limits)
    let chunked = FuzzOutcome(parsing: stride(from: input.startIndex, to: input.endIndex, by: chunkSize).map {
        input[$0..<min($0 + chunkSize, input.endIndex)]
    }, limits: limits)
    guard whole == chunked else {
        fatalError("splitting the input changed the outcome:\n\(whole)\n\(chunked)")
    }
    return 0
}
