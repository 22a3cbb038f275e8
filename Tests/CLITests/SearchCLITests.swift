import Foundation
import TestSupport
import Testing

/// Black-box tests of `esco search/show/enrich` (enabled once the root command registers them) and of the
/// `esco-search` binary. No data needed: these check validation, configuration and unreachable services.
@Suite(.serialized) struct SearchCLITests {
    static let config = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("config/weaviate_config.yaml").path
    /// Nothing listens on port 1: every call fails to connect at once.
    static let unreachable = ["WEAVIATE_URL": "http://127.0.0.1:1", "T2V_URL": "http://127.0.0.1:1"]
    static let registered: Bool = (try? runESCO(["search", "--help"]).out.contains("--min-certainty")) ?? false

    @Test(
        .enabled(if: registered),
        arguments: [
            (["search", ""], 64), (["search", "welder", "--limit", "0"], 64),
            (["search", "welder", "--type", "job"], 64),
            (["search", "welder", "--min-certainty", "1.5"], 64), (["show", "not-an-id"], 64),
            (["enrich", "--title", " "], 64), (["search", "welder", "--config", "/nonexistent.yaml"], 78),
            (["search", "welder", "--profile", "local"], 1),
            (["show", "9342d47a-1bab-5709-9869-c840b2eac501", "--profile", "local"], 1),
        ] as [([String], Int32)])
    func exitCodes(arguments: [String], status: Int32) throws {
        var args = arguments
        if !args.contains("--config") { args += ["--config", Self.config] }
        let r = try runESCO(args, environment: Self.unreachable)
        #expect(r.status == status, "\(args): \(r.err)")
        #expect(!r.err.isEmpty && r.out.isEmpty)
        if status == 1 { #expect(r.err.contains("127.0.0.1:1")) }
    }

    @Test(.enabled(if: registered)) func helpDocumentsExitCodes() throws {
        let r = try runESCO(["search", "--help"])
        #expect(r.out.contains("64") && r.out.contains("78") && r.out.contains("--min-certainty"))
    }

    @Test func searchServiceBinaryServesAndStopsOnSIGTERM() throws {
        let binary = URL(fileURLWithPath: DatasetPaths.escoBinary).deletingLastPathComponent()
            .appendingPathComponent("esco-search").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--config", Self.config, "--profile", "local", "--host", "127.0.0.1", "--port", "0"]
        var env = ProcessInfo.processInfo.environment
        env.merge(Self.unreachable) { _, b in b }
        env["ESCO_DATA"] = "/nonexistent"
        env["NOTIFY_SOCKET"] = nil
        process.environment = env
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += chunk
        }
        let first = String(decoding: line, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
        #expect(first.hasPrefix("listening on http://127.0.0.1:"), "\(first)")
        let url = String(first.dropFirst("listening on ".count))
        #expect(try RawHTTP.request(url, "GET", "/healthz").status == 200)
        let ready = try RawHTTP.request(url, "GET", "/readyz")
        #expect(ready.status == 503 && ready.text.contains("Weaviate"))
        // Not ready answers before validation: the data routes never serve a half-loaded index.
        #expect(try RawHTTP.request(url, "GET", "/search?q=welder").status == 503)
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }
}
