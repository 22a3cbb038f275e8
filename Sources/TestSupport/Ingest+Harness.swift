public import Foundation

/// Black-box helpers for tests that run the built executables against stand-ins.
public enum Harness {
    /// The package root (for resources/schemas and config/).
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// A built executable next to `esco` (`esco-supervise`, `esco-standin`, …).
    public static func binary(_ name: String) -> String {
        URL(fileURLWithPath: DatasetPaths.escoBinary).deletingLastPathComponent().appendingPathComponent(name).path
    }

    /// Writes a config file with one profile `test` pointing at the given services; returns its path.
    /// Label vectors are off by default: they are 80% of the sample's objects and most tests are about
    /// locking and recovery, not search; tests that need them turn them on.
    /// `extra` is YAML merged into the profile (indented by the caller to 4 spaces under a section).
    public static func writeConfig(
        in dir: URL, weaviate: String, vectorizer: String, data: String = DatasetPaths.sample,
        leaseTTLSeconds: Double = 6, heartbeatSeconds: Double = 1, settleMilliseconds: Int = 200,
        lockDirectory: String? = nil, labelVectors: Bool = false, batchSize: Int = 100, retries: Int = 8,
        supervisor: String = ""
    ) throws -> String {
        var yaml = """
            profiles:
              test:
                weaviate:
                  url: \(weaviate)
                  schemaDirectory: \(packageRoot.appendingPathComponent("resources/schemas").path)
                  batchSize: \(batchSize)
                  retries: \(retries)
                  requestTimeoutSeconds: 20
                vectorizer:
                  url: \(vectorizer)
                  cacheDirectory: \(dir.appendingPathComponent("vector-cache").path)
                  retries: \(retries)
                data:
                  path: \(data)
                ingest:
                  leaseTTLSeconds: \(leaseTTLSeconds)
                  heartbeatSeconds: \(heartbeatSeconds)
                  settleMilliseconds: \(settleMilliseconds)
                  labelVectors: \(labelVectors)

            """
        if let lockDirectory { yaml += "    lock:\n      directory: \(lockDirectory)\n" }
        if !supervisor.isEmpty { yaml += "    supervisor:\n" + supervisor }
        let path = dir.appendingPathComponent("config.yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// Starts a process with stdout/stderr captured to files (no pipe deadlocks on large output).
    public static func start(_ executable: String, _ arguments: [String], environment: [String: String] = [:])
        throws -> (Process, URL, URL)
    {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        var env = DatasetPaths.inheritedEnvironment
        env["NON_INTERACTIVE"] = "true"
        env.removeValue(forKey: "NOTIFY_SOCKET")
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("harness-\(UUID().uuidString).out")
        let err = out.deletingPathExtension().appendingPathExtension("err")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        p.standardOutput = try FileHandle(forWritingTo: out)
        p.standardError = try FileHandle(forWritingTo: err)
        p.standardInput = FileHandle.nullDevice
        try p.run()
        return (p, out, err)
    }

    /// Waits for a process started with `start` and collects its output.
    public static func finish(_ p: Process, _ out: URL, _ err: URL, timeout: TimeInterval = 120) async -> Result {
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { try? await Task.sleep(nanoseconds: 20_000_000) }
        if p.isRunning { p.terminate(); p.waitUntilExit() }
        let o = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
        let e = (try? String(contentsOf: err, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(at: out)
        try? FileManager.default.removeItem(at: err)
        return Result(status: p.terminationStatus, stdout: o, stderr: e)
    }

    /// Runs a process to completion.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:],
        timeout: TimeInterval = 120
    ) async throws -> Result {
        let (p, o, e) = try start(executable, arguments, environment: environment)
        return await finish(p, o, e, timeout: timeout)
    }
}
