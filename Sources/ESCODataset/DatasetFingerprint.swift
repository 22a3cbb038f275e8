import ESCOSystem

/// Identity of a dataset's content: sha256 of each file's decompressed CSV bytes, so the same data
/// as `.csv`, `.csv.gz` or inside the ESCO zips has the same fingerprint.
public struct DatasetFingerprint: Sendable, Hashable, Codable {
    public var version: String
    public var language: String
    /// Logical file name -> sha256 hex of the decompressed CSV bytes.
    public var files: [String: String]
    /// sha256 over "version\nlanguage\n" and the sorted "name=sha256\n" lines.
    public var overall: String

    public init(version: String, language: String, files: [String: String]) {
        self.version = version
        self.language = language
        self.files = files
        let hasher = SHA256()
        hasher.update("\(version)\n\(language)\n")
        for name in files.keys.sorted() { hasher.update("\(name)=\(files[name]!)\n") }
        overall = hasher.finalize()
    }
}

extension ESCODataset {
    /// Hashes every file's decompressed bytes (no CSV parsing).
    public func fingerprint() throws -> DatasetFingerprint {
        var hashes: [String: String] = [:]
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 * 1024, alignment: 1)
        defer { chunk.deallocate() }
        for file in files {
            let source = try file.openSource()
            let hasher = SHA256()
            while true {
                let n: Int
                do { n = try source.read(into: chunk) } catch let e as SourceError {
                    throw DatasetError(code: .unreadable, file: file.source, message: e.message)
                }
                if n == 0 { break }
                hasher.update(UnsafeRawBufferPointer(rebasing: chunk[0..<n]))
            }
            hashes[file.name] = hasher.finalize()
        }
        return DatasetFingerprint(version: version, language: language, files: hashes)
    }
}
