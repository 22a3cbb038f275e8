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
    public func fingerprint() throws -> DatasetFingerprint { try self.fingerprint(cache: nil) }
}
