// Compiled only into the libFuzzer build (`make fuzz-json`), which also enables testability: the
// store's d rules are internal to SessionStore.
#if FUZZING
import JSONText
@testable import SessionStore

/// A request body as the API receives it: parsed as JSON, then checked as a create's and a set's d.
/// Besides traps and sanitizer reports, it fails when what the parser accepted does not survive
/// writing and parsing again unchanged, or when a d the store accepted is not a flat JSON object.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONBody(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    guard let start else { return 0 }
    let body = UnsafeRawBufferPointer(start: start, count: count)
    guard let value = try? JSONParser.parse(body, maximumDepth: 64) else { return 0 }
    let written = JSONWriter.string(value)
    guard let reparsed = try? JSONParser.parse(Array(written.utf8), maximumDepth: 64), reparsed == value,
          JSONWriter.string(reparsed) == written
    else {
        fatalError("written JSON does not parse back to the same value: \(written)")
    }
    if let stored = try? SessionValidation.createData(value) {
        checkStoredData(stored)
    }
    var arguments: [String] = []
    if (try? SessionValidation.appendUpdate(value, to: &arguments)) != nil {
        // Each key goes as a JSON string literal, each value as JSON text ("" deletes the key).
        precondition(arguments.count % 2 == 0, "odd update arguments")
        for pair in stride(from: 0, to: arguments.count, by: 2) {
            guard case .string = try? JSONParser.parse(Array(arguments[pair].utf8)) else {
                fatalError("update key is not a JSON string: \(arguments[pair])")
            }
            if !arguments[pair + 1].isEmpty { checkScalar(arguments[pair + 1]) }
        }
    }
    return 0
}

private func checkStoredData(_ stored: String) {
    guard case .object(let object)? = try? JSONParser.parse(Array(stored.utf8)), !object.isEmpty else {
        fatalError("stored d is not a non-empty JSON object: \(stored)")
    }
    for member in object {
        switch member.value {
        case .string, .number, .bool: continue
        default: fatalError("stored d holds a forbidden value: \(stored)")
        }
    }
}

private func checkScalar(_ text: String) {
    switch try? JSONParser.parse(Array(text.utf8)) {
    case .string?, .number?, .bool?: return
    default: fatalError("update value is not a JSON scalar: \(text)")
    }
}
#endif
