import Foundation

/// Compressed copies of a dataset, for tests of what a `.csv.gz` mount changes (the fingerprint cache).
public enum GzipFixture {
    /// Every `*.csv` of `source` as `<name>.csv.gz` in `destination` (created). Returns the `.gz` names, sorted.
    @discardableResult
    public static func compressFolder(_ source: String, to destination: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: destination, withIntermediateDirectories: true)
        var names: [String] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: source).sorted() where name.hasSuffix(".csv") {
            try gzip(["-c", "-n"], from: source + "/" + name, to: destination + "/" + name + ".gz")
            names.append(name + ".gz")
        }
        return names
    }

    /// Rewrites the `.gz` at `path` with one byte of its decompressed content changed (the middle byte, to a
    /// different letter), compressed again.
    public static func changeOneByte(inGzip path: String) throws {
        let plain = path + ".plain"
        defer { try? FileManager.default.removeItem(atPath: plain) }
        try gzip(["-d", "-c"], from: path, to: plain)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: plain)))
        let middle = bytes.count / 2
        bytes[middle] = bytes[middle] == UInt8(ascii: "a") ? UInt8(ascii: "b") : UInt8(ascii: "a")
        try Data(bytes).write(to: URL(fileURLWithPath: plain))
        try gzip(["-c", "-n"], from: plain, to: path)
    }

    /// Runs gzip with stdin from `input` and stdout to `output` (replaced).
    static func gzip(_ arguments: [String], from input: String, to output: String) throws {
        FileManager.default.createFile(atPath: output, contents: nil)
        guard let source = FileHandle(forReadingAtPath: input), let sink = FileHandle(forWritingAtPath: output) else {
            throw GzipFixtureError(message: "cannot open \(input) or \(output)")
        }
        defer {
            try? source.close()
            try? sink.close()
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip"] + arguments
        process.standardInput = source
        process.standardOutput = sink
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw GzipFixtureError(message: "gzip \(arguments.joined(separator: " ")) < \(input) failed")
        }
    }
}

struct GzipFixtureError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
