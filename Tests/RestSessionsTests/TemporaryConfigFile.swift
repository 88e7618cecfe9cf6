import Foundation

/// A config file in a fresh temporary directory, removed when the value goes away.
final class TemporaryConfigFile {
    let path: String
    private let directory: URL

    convenience init(_ contents: String) throws {
        try self.init(bytes: Array(contents.utf8))
    }

    init(bytes: [UInt8]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("rs-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("rest-sessions.json")
        try Data(bytes).write(to: file)
        path = file.path
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }
}
