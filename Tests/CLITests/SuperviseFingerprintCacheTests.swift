import Foundation
import TestSupport
import Testing

extension SuperviseE2E {
    /// The dataset fingerprint cache makes warm starts cheap but never blind (issue 16).
    @Suite struct FingerprintCache {
        @Test func oneChangedByteInAnyMountedFileMarksTheDataOutdated() async throws {
            try await E2EStack.with { stack in
                // The sample as .csv.gz: the cache is for compressed files (a plain .csv is hashed directly).
                let data = stack.dir.appendingPathComponent("data").path
                let names = try GzipFixture.compressFolder(DatasetPaths.sample, to: data)
                let lock = stack.dir.appendingPathComponent("lock").path
                let config = try stack.config(data: data, lockDirectory: lock)

                let cold = try await supervise(config, ["run"])
                #expect(cold.status == 0, "\(cold.process.stderr.suffix(3000))")
                let cache = lock + "/dataset-fingerprints"
                let entries = try FileManager.default.contentsOfDirectory(atPath: cache).filter { !$0.hasPrefix(".") }
                #expect(entries.count == names.count, "one cache entry per compressed file: \(entries)")
                let warm = try await supervise(config, ["status"])
                #expect(warm.status == 0, "\(warm.process.stdout) \(warm.process.stderr)")

                for name in names {
                    let path = data + "/" + name
                    let saved = try Data(contentsOf: URL(fileURLWithPath: path))
                    try GzipFixture.changeOneByte(inGzip: path)
                    let changed = try await supervise(config, ["status"])
                    #expect(changed.status == 2, "\(name): \(changed.process.stdout) \(changed.process.stderr)")
                    #expect(changed.process.stdout.contains("outdated"), "\(name): \(changed.process.stdout)")
                    try saved.write(to: URL(fileURLWithPath: path))
                }
                let restored = try await supervise(config, ["status"])
                #expect(restored.status == 0, "\(restored.process.stdout) \(restored.process.stderr)")

                // Disabled, the supervisor reaches the same verdicts by hashing everything.
                try GzipFixture.changeOneByte(inGzip: data + "/" + names[0])
                let uncached = try await supervise(config, ["status"], environment: ["ESCO_FINGERPRINT_CACHE": "off"])
                #expect(uncached.status == 2)
                #expect(uncached.process.stdout.contains("outdated"), "\(uncached.process.stdout)")
            }
        }
    }
}
