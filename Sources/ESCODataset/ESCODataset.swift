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
    /// `expecting`: the file's sha256 (of its decompressed bytes) in the fingerprint the caller works under; the
    /// cursor then hashes what it reads and throws `DatasetError.Code.changed` at the end if the file differs.
    func cursor<Record>(
        _ kind: DatasetFile.Kind, expecting sha256: String? = nil,
        decoder: (CSVTable) -> (CSVTable) throws -> Record
    ) throws -> RecordCursor<Record> {
        guard let file = file(kind) else { return RecordCursor(table: nil, hasher: nil, expected: nil) { _ in nil } }
        let hasher = sha256 == nil ? nil : SHA256()
        let table = try CSVTable(
            file: file, required: kind.requiredColumns, ragged: kind == .skillsHierarchy, hasher: hasher)
        let decode = decoder(table)
        return RecordCursor(table: table, hasher: hasher, expected: sha256) { try decode($0) }
    }

    /// ISCO groups, skill groups, skills, occupations, pulled one at a time: an ingestion step reads a batch,
    /// awaits its upload, then reads the next (each step reads its file again, so no step holds the dataset).
    public func iscoGroups(expecting sha256: String? = nil) throws -> RecordCursor<ISCOGroupRecord> {
        try cursor(.iscoGroups, expecting: sha256, decoder: RecordDecoder.iscoGroup)
    }

    public func skillGroups(expecting sha256: String? = nil) throws -> RecordCursor<SkillGroupRecord> {
        try cursor(.skillGroups, expecting: sha256, decoder: RecordDecoder.skillGroup)
    }

    public func skills(expecting sha256: String? = nil) throws -> RecordCursor<SkillRecord> {
        try cursor(.skills, expecting: sha256, decoder: RecordDecoder.skill)
    }

    public func occupations(expecting sha256: String? = nil) throws -> RecordCursor<OccupationRecord> {
        try cursor(.occupations, expecting: sha256, decoder: RecordDecoder.occupation)
    }

    public func forEachISCOGroup(_ body: (ISCOGroupRecord) throws -> Void) throws { try iscoGroups().forEach(body) }
    public func forEachSkillGroup(_ body: (SkillGroupRecord) throws -> Void) throws { try skillGroups().forEach(body) }
    public func forEachSkill(_ body: (SkillRecord) throws -> Void) throws { try skills().forEach(body) }
    public func forEachOccupation(_ body: (OccupationRecord) throws -> Void) throws { try occupations().forEach(body) }

    public func forEachConceptScheme(_ body: (ConceptSchemeRecord) throws -> Void) throws {
        try cursor(.conceptSchemes, decoder: RecordDecoder.conceptScheme).forEach(body)
    }

    /// Members of all collection files present, collection by collection in `CollectionKind` order.
    /// `expecting` (here and in the relation readers): the fingerprint's sha256 per file name; a file that differs
    /// throws `DatasetError.Code.changed` once read (none given: no check).
    public func forEachCollectionMember(
        expecting hashes: [String: String] = [:], _ body: (CollectionMemberRecord) throws -> Void
    ) throws {
        for kind in CollectionKind.allCases {
            try cursor(.collection(kind), expecting: expected(kind: .collection(kind), hashes)) {
                RecordDecoder.collectionMember(kind, $0)
            }.forEach(body)
        }
    }

    public func forEachOccupationSkillRelation(
        expecting hashes: [String: String] = [:], _ body: (OccupationSkillRelation) throws -> Void
    ) throws {
        try cursor(
            .occupationSkillRelations, expecting: expected(kind: .occupationSkillRelations, hashes),
            decoder: RecordDecoder.occupationSkill
        ).forEach(body)
    }

    public func forEachSkillSkillRelation(
        expecting hashes: [String: String] = [:], _ body: (SkillSkillRelation) throws -> Void
    ) throws {
        try cursor(
            .skillSkillRelations, expecting: expected(kind: .skillSkillRelations, hashes),
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
            try cursor(kind, expecting: expected(kind: kind, hashes)) { RecordDecoder.broader(pillar, kind, $0) }
                .forEach(body)
        }
    }

    /// The sha256 `hashes` give for the file of `kind` (nil: absent file, or no hashes given).
    public func expected(kind: DatasetFile.Kind, _ hashes: [String: String]) -> String? {
        file(kind).flatMap { hashes[$0.name] }
    }
}

/// One file's records, pulled one at a time by the caller (an async step that reads a batch, then awaits its
/// upload, cannot run inside a `forEach` closure). Used by one task at a time.
public final class RecordCursor<Record> {
    private let table: CSVTable?
    private let hasher: SHA256?
    private let expected: String?
    private let decode: (CSVTable) throws -> Record?
    private var finished = false

    init(table: CSVTable?, hasher: SHA256?, expected: String?, decode: @escaping (CSVTable) throws -> Record?) {
        self.table = table
        self.hasher = hasher
        self.expected = expected
        self.decode = decode
    }

    /// The next record, or nil at the end of the file (after checking its hash, when the cursor expects one).
    public func next() throws -> Record? {
        guard !finished, let table else { return nil }
        if try table.next(), let record = try decode(table) { return record }
        finished = true
        if let expected, let actual = hasher?.finalize(), actual != expected {
            throw DatasetError(
                code: .changed, file: table.reader.name,
                message: "the file changed while it was being ingested (sha256 \(actual.prefix(12))…, "
                    + "\(expected.prefix(12))… when the run started); nothing read from it is kept as done: "
                    + "run the ingestion again once the dataset is no longer being replaced")
        }
        return nil
    }

    public func forEach(_ body: (Record) throws -> Void) throws {
        while let record = try next() { try body(record) }
    }
}
