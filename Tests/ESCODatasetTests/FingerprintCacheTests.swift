import Foundation
import TestSupport
import Testing

@testable import ESCODataset

/// The fingerprint cache (issue 16) only skips inflating: the value is the canonical one, and any changed byte
/// of a mounted file changes it.
@Suite struct FingerprintCacheTests {
    /// The sample as `.csv.gz` in `dir/data`, and a cache in `dir/state`.
    func withCompressedSample<T>(_ body: (String, [String], FingerprintCache) throws -> T) async throws -> T {
        try await withTemporaryDirectory { dir in
            let data = dir.appendingPathComponent("data").path
            let names = try GzipFixture.compressFolder(DatasetPaths.sample, to: data)
            let cache = try #require(FingerprintCache.under(dir.appendingPathComponent("state").path, environment: [:]))
            return try body(data, names, cache)
        }
    }

    func entries(_ cache: FingerprintCache) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: cache.directory)) ?? []).filter { !$0.hasPrefix(".") }
    }

    @Test func cachedValueIsTheCanonicalFingerprintOfTheDecompressedCSV() async throws {
        try await withCompressedSample { data, names, cache in
            let plain = try ESCODataset.open(DatasetPaths.sample).fingerprint()
            let dataset = try ESCODataset.open(data)
            #expect(dataset.files.allSatisfy { $0.format == .gzip })
            let cold = try dataset.fingerprint(cache: cache)
            #expect(entries(cache).count == names.count)
            let warm = try dataset.fingerprint(cache: cache)
            // The same value as the uncompressed files: existing deployments stay `completed`.
            #expect(cold == plain)
            #expect(warm == plain)
            #expect(try dataset.fingerprint() == plain)
        }
    }

    @Test func oneChangedByteInAnyMountedFileChangesTheCachedFingerprint() async throws {
        try await withCompressedSample { data, names, cache in
            let original = try ESCODataset.open(data).fingerprint(cache: cache)
            for name in names {
                let path = data + "/" + name
                let saved = try Data(contentsOf: URL(fileURLWithPath: path))
                try GzipFixture.changeOneByte(inGzip: path)
                let changed = try ESCODataset.open(data).fingerprint(cache: cache)
                #expect(changed.overall != original.overall, "\(name): one changed byte not seen")
                let csv = String(name.dropLast(3))
                #expect(changed.files[csv] != original.files[csv], "\(name)")
                #expect(changed.files.filter { $0.key != csv } == original.files.filter { $0.key != csv }, "\(name)")
                #expect(try ESCODataset.open(data).fingerprint() == changed, "\(name): cache and full hash disagree")
                try saved.write(to: URL(fileURLWithPath: path))
                #expect(try ESCODataset.open(data).fingerprint(cache: cache) == original, "\(name) restored")
            }
        }
    }

    @Test func rawBytesChangedWithoutChangingTheCSVGiveTheSameFingerprint() async throws {
        try await withCompressedSample { data, names, cache in
            let original = try ESCODataset.open(data).fingerprint(cache: cache)
            let path = data + "/" + names[0]
            var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            bytes[4] ^= 0xFF  // gzip header MTIME: other raw bytes, a cache miss, the same CSV
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            #expect(try ESCODataset.open(data).fingerprint(cache: cache) == original)
            #expect(entries(cache).count == names.count + 1)
        }
    }

    @Test func corruptCompressedBytesAreAnErrorNeverACacheHit() async throws {
        try await withCompressedSample { data, names, cache in
            _ = try ESCODataset.open(data).fingerprint(cache: cache)
            let path = data + "/" + names[names.count / 2]
            var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            bytes[bytes.count / 2] ^= 0x55
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            #expect(throws: DatasetError.self) { try ESCODataset.open(data).fingerprint(cache: cache) }
        }
    }

    @Test func malformedEntryIsRecomputedAndDisabledCacheIsNil() async throws {
        try await withCompressedSample { data, _, cache in
            let original = try ESCODataset.open(data).fingerprint(cache: cache)
            for entry in entries(cache) {
                try Data("0000\n".utf8).write(to: URL(fileURLWithPath: cache.directory + "/" + entry))
            }
            #expect(try ESCODataset.open(data).fingerprint(cache: cache) == original)
            #expect(FingerprintCache.under("/tmp/x", environment: ["ESCO_FINGERPRINT_CACHE": "off"]) == nil)
            #expect(FingerprintCache.under(nil, environment: [:]) == nil)
        }
    }
}
