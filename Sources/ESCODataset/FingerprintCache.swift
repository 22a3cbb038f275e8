import ESCOSystem
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Remembers, per compressed file, the sha256 of its decompressed CSV, keyed by the sha256 of the file's raw
/// bytes (docs/ARCHITECTURE.md#esco-data).
///
/// Hashing the 15 MB of compressed bytes costs a few milliseconds; inflating and hashing the 43 MB they hold is
/// most of a warm start. The raw bytes determine the decompressed bytes, so a hit gives the same canonical
/// fingerprint as `ESCODataset.fingerprint()`, and any changed byte changes the key: the cache skips work,
/// never the check. Plain `.csv` files are hashed directly (their raw bytes are the CSV). Entries are one
/// small file each, written to a temporary name and renamed, so concurrent writers never leave a torn entry;
/// an unreadable, malformed or unwritable entry only costs the recomputation.
public struct FingerprintCache: Sendable {
    /// The folder holding the entries (created on first write).
    public let directory: String

    /// Setting this environment variable to `off` (or `0`) disables the cache: every start inflates and hashes
    /// the whole dataset (benchmarks compare the two; an operator can rule the cache out).
    public static let environmentVariable = "ESCO_FINGERPRINT_CACHE"

    public init(directory: String) { self.directory = directory }

    /// The cache in `<stateDirectory>/dataset-fingerprints`, or nil when there is no such directory or the
    /// environment (default: this process's) disables it.
    public static func under(_ stateDirectory: String?, environment: [String: String]? = nil) -> FingerprintCache? {
        guard let stateDirectory, !stateDirectory.isEmpty else { return nil }
        let environment = environment ?? ProcessInfo.processInfo.environment
        if let value = environment[environmentVariable]?.lowercased(), ["off", "0", "false", "no"].contains(value) {
            return nil
        }
        return FingerprintCache(directory: stateDirectory + "/dataset-fingerprints")
    }

    /// The entry's file name: the raw bytes' hash with the format and zip member, hashed once more so that it
    /// is a fixed-length name whatever the member is called.
    static func entryName(format: DatasetFile.Format, rawSHA256: String, member: String?) -> String {
        let hasher = SHA256()
        hasher.update("esco-fingerprint-v1\0\(format.rawValue)\0\(rawSHA256)\0\(member ?? "")")
        return hasher.finalize()
    }

    func lookup(_ name: String) -> String? {
        guard let data = FileManager.default.contents(atPath: directory + "/" + name), data.count == 65,
            data.last == 0x0A
        else { return nil }
        let hex = data.prefix(64)
        guard hex.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else { return nil }
        return String(decoding: hex, as: UTF8.self)
    }

    /// Best effort: a read-only or full disk leaves the cache cold, never fails the caller.
    func store(_ name: String, decompressedSHA256: String) {
        let fm = FileManager.default
        guard (try? fm.createDirectory(atPath: directory, withIntermediateDirectories: true)) != nil else { return }
        let temporary = directory + "/.\(name).\(getpid()).\(UInt32.random(in: 0 ... .max))"
        guard fm.createFile(atPath: temporary, contents: Data((decompressedSHA256 + "\n").utf8)) else { return }
        if rename(temporary, directory + "/" + name) != 0 { unlink(temporary) }
    }
}

extension ESCODataset {
    /// The same value as `fingerprint()`; with a cache, compressed files whose raw bytes were seen before are
    /// not inflated again.
    public func fingerprint(cache: FingerprintCache?) throws -> DatasetFingerprint {
        var hashes: [String: String] = [:]
        var rawHashes: [String: String] = [:]  // one zip holds many members: hash it once
        for file in files {
            guard let cache, file.format != .csv else {
                hashes[file.name] = try file.decompressedSHA256()
                continue
            }
            let raw: String
            if let known = rawHashes[file.path] {
                raw = known
            } else {
                raw = try file.rawSHA256()
                rawHashes[file.path] = raw
            }
            let entry = FingerprintCache.entryName(format: file.format, rawSHA256: raw, member: file.member)
            if let hit = cache.lookup(entry) {
                hashes[file.name] = hit
            } else {
                let sha = try file.decompressedSHA256()
                cache.store(entry, decompressedSHA256: sha)
                hashes[file.name] = sha
            }
        }
        return DatasetFingerprint(version: version, language: language, files: hashes)
    }
}

extension DatasetFile {
    /// sha256 of the decompressed CSV bytes (the canonical per-file fingerprint).
    func decompressedSHA256() throws -> String {
        let source = try openSource()
        return try hashAll(read: { try source.read(into: $0) })
    }

    /// sha256 of the bytes on disk (the `.csv.gz`, or the whole zip).
    func rawSHA256() throws -> String {
        let file: FileDescriptor
        do { file = try FileDescriptor(path: path) } catch let e as SourceError {
            throw DatasetError(code: .unreadable, file: path, message: e.message)
        }
        return try hashAll(read: { try file.read(into: $0) })
    }

    private func hashAll(read: (UnsafeMutableRawBufferPointer) throws -> Int) throws -> String {
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 * 1024, alignment: 16)
        defer { chunk.deallocate() }
        let hasher = SHA256()
        while true {
            let n: Int
            do { n = try read(chunk) } catch let e as SourceError {
                throw DatasetError(code: .unreadable, file: source, message: e.message)
            }
            if n == 0 { break }
            hasher.update(UnsafeRawBufferPointer(rebasing: chunk[0..<n]))
        }
        return hasher.finalize()
    }
}
