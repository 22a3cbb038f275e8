public import ESCOCore
import ESCOSystem

/// A streaming reader over an ESCO CSV export (docs/ARCHITECTURE.md#esco-data).
///
/// `open` only locates the files and detects version and language; each `forEach…` or cursor streams one file,
/// so memory stays flat in the size of the input. Errors are `DatasetError`s naming file, line and column.
public struct ESCODataset: Sendable {
    /// The path given to `open`.
    public var path: String
    /// `"1.1.x"` or `"1.2.0"`.
    public var version: String
    /// Language code of the labels, e.g. `"en"`.
    public var language: String
    /// The files used, one per logical name (a `.csv` wins over a `.csv.gz`, which wins over a zip member).
    public var files: [DatasetFile]

    /// Locates the files under `path`: a folder of `.csv`/`.csv.gz` files, an ESCO zip, or a folder of zips.
    public static func open(_ path: String) throws -> ESCODataset {
        let layout = try DatasetLayout.discover(path)
        return ESCODataset(path: path, version: layout.version, language: layout.language, files: layout.files)
    }

    /// The file of a kind, if the dataset has it (required kinds always exist).
    public func file(_ kind: DatasetFile.Kind) -> DatasetFile? { files.first { $0.kind == kind } }

    /// A cursor over `kind`'s rows decoded by `decoder` (given the table, once, to look up its columns); a cursor
    /// with no rows when the (optional) file is absent.
    ///
    /// `expecting` (here and in every public reader): the sha256 of each file's decompressed bytes, by file name,
    /// in the fingerprint the caller works under. The cursor then hashes what it reads and throws
    /// `DatasetError.Code.changed` at the end if the file differs (none given for the file: no check).
    func cursor<Record>(
        _ kind: DatasetFile.Kind, expecting hashes: [String: String] = [:],
        decoder: (CSVTable) -> (CSVTable) throws -> Record
    ) throws -> RecordCursor<Record> {
        guard let file = file(kind) else { return RecordCursor(source: nil, expected: nil) }
        let expected = hashes[file.name]
        let hasher = expected == nil ? nil : SHA256()
        let table = try CSVTable(
            file: file, required: kind.requiredColumns, ragged: kind == .skillsHierarchy, hasher: hasher)
        return RecordCursor(source: (table, decoder(table), hasher), expected: expected)
    }

    /// ISCO groups, skill groups, skills, occupations, pulled one at a time: an ingestion step reads a batch,
    /// awaits its upload, then reads the next (each step reads its file again, so no step holds the dataset).
    public func iscoGroups(expecting hashes: [String: String] = [:]) throws -> RecordCursor<ISCOGroupRecord> {
        try cursor(.iscoGroups, expecting: hashes, decoder: RecordDecoder.iscoGroup)
    }

    public func skillGroups(expecting hashes: [String: String] = [:]) throws -> RecordCursor<SkillGroupRecord> {
        try cursor(.skillGroups, expecting: hashes, decoder: RecordDecoder.skillGroup)
    }

    public func skills(expecting hashes: [String: String] = [:]) throws -> RecordCursor<SkillRecord> {
        try cursor(.skills, expecting: hashes, decoder: RecordDecoder.skill)
    }

    public func occupations(expecting hashes: [String: String] = [:]) throws -> RecordCursor<OccupationRecord> {
        try cursor(.occupations, expecting: hashes, decoder: RecordDecoder.occupation)
    }

    public func forEachISCOGroup(_ body: (ISCOGroupRecord) throws -> Void) throws { try iscoGroups().forEach(body) }
    public func forEachSkillGroup(_ body: (SkillGroupRecord) throws -> Void) throws { try skillGroups().forEach(body) }
    public func forEachSkill(_ body: (SkillRecord) throws -> Void) throws { try skills().forEach(body) }
    public func forEachOccupation(_ body: (OccupationRecord) throws -> Void) throws { try occupations().forEach(body) }

    public func forEachConceptScheme(_ body: (ConceptSchemeRecord) throws -> Void) throws {
        try cursor(.conceptSchemes, decoder: RecordDecoder.conceptScheme).forEach(body)
    }

    /// Members of all collection files present, collection by collection in `CollectionKind` order.
    public func forEachCollectionMember(
        expecting hashes: [String: String] = [:], _ body: (CollectionMemberRecord) throws -> Void
    ) throws {
        for kind in CollectionKind.allCases {
            try cursor(.collection(kind), expecting: hashes) {
                RecordDecoder.collectionMember(kind, $0)
            }.forEach(body)
        }
    }

    public func forEachOccupationSkillRelation(
        expecting hashes: [String: String] = [:], _ body: (OccupationSkillRelation) throws -> Void
    ) throws {
        try cursor(
            .occupationSkillRelations, expecting: hashes,
            decoder: RecordDecoder.occupationSkill
        ).forEach(body)
    }

    public func forEachSkillSkillRelation(
        expecting hashes: [String: String] = [:], _ body: (SkillSkillRelation) throws -> Void
    ) throws {
        try cursor(
            .skillSkillRelations, expecting: hashes,
            decoder: RecordDecoder.skillSkill
        ).forEach(body)
    }

    /// Both pillars: occupation pillar first, then skill pillar.
    public func forEachBroaderRelation(
        expecting hashes: [String: String] = [:], _ body: (BroaderRelation) throws -> Void
    ) throws {
        for pillar in [BroaderRelation.Pillar.occupation, .skill] {
            let kind: DatasetFile.Kind =
                pillar == .occupation ? .broaderRelationsOccPillar : .broaderRelationsSkillPillar
            try cursor(kind, expecting: hashes) { RecordDecoder.broader(pillar, kind, $0) }
                .forEach(body)
        }
    }
}

/// One file's records, pulled one at a time by the caller (an async step that reads a batch, then awaits its
/// upload, cannot run inside a `forEach` closure). Used by one task at a time.
public final class RecordCursor<Record> {
    /// The open file, its row decoder and the hasher the file is checked with; nil for an absent file.
    private let source: (table: CSVTable, decode: (CSVTable) throws -> Record, hasher: SHA256?)?
    private let expected: String?
    private var finished = false

    init(source: (CSVTable, (CSVTable) throws -> Record, SHA256?)?, expected: String?) {
        self.source = source
        self.expected = expected
    }

    /// The next record, or nil at the end of the file (after checking its hash, when the cursor expects one).
    public func next() throws -> Record? {
        guard !finished, let source else { return nil }
        if try source.table.next() { return try source.decode(source.table) }
        finished = true
        if let expected, let actual = source.hasher?.finalize(), actual != expected {
            throw DatasetError(
                code: .changed, file: source.table.reader.name,
                message: "the file changed while it was being ingested (its sha256 is now \(actual.prefix(12))…, "
                    + "was \(expected.prefix(12))… when the run started); nothing read from it is kept as done. "
                    + "Run the ingestion again once the dataset is no longer being replaced")
        }
        return nil
    }

    public func forEach(_ body: (Record) throws -> Void) throws {
        while let record = try next() { try body(record) }
    }
}
