import ESCOCore
import ESCOSystem

/// What `esco dataset stats` reports: where each file came from, the fingerprint, counts per kind,
/// and dangling references. Keys of breakdowns use "(empty)" for an empty value.
public struct DatasetStats: Sendable, Codable {
    public struct File: Sendable, Codable, Hashable {
        public var name: String
        /// `csv`, `gzip` or `zip`.
        public var format: String
        public var source: String
        /// Decompressed bytes.
        public var bytes: Int
        /// Data rows after the header.
        public var rows: Int
        public var sha256: String
    }

    public struct RelationCounts: Sendable, Codable, Hashable {
        public var total = 0
        public var essential = 0
        public var optional = 0
    }

    /// Broader relations of one pillar by "sourceType->targetType".
    public struct BroaderCounts: Sendable, Codable, Hashable {
        public var total = 0
        public var byKinds: [String: Int] = [:]
    }

    /// Rows of one relation file with an end (or broader URI) that is not a concept of the dataset.
    public struct Dangling: Sendable, Codable, Hashable {
        public var file: String
        public var rows = 0
        /// Up to 3, as "line N: column uri".
        public var examples: [String] = []
    }

    public var version = ""
    public var language = ""
    public var files: [File] = []
    public var fingerprint = DatasetFingerprint(version: "", language: "", files: [:])
    public var skills = 0
    public var skillsBySkillType: [String: Int] = [:]
    public var skillsByReuseLevel: [String: Int] = [:]
    public var occupations = 0
    public var iscoGroups = 0
    /// ISCO groups by level ("1"..."4", the number of digits in the code).
    public var iscoGroupsByLevel: [String: Int] = [:]
    public var skillGroups = 0
    public var conceptSchemes = 0
    public var skillsHierarchyRows = 0
    /// Members per collection, keyed by `CollectionKind.rawValue` (present files only).
    public var collections: [String: Int] = [:]
    public var occupationSkillRelations = RelationCounts()
    public var skillSkillRelations = RelationCounts()
    public var broaderOccupationPillar = BroaderCounts()
    public var broaderSkillPillar = BroaderCounts()
    /// One entry per relation file, in file order.
    public var dangling: [Dangling] = []

    public init() {}
}

extension ESCODataset {
    /// Reads every file once: counts, per-file sha256 of the decompressed bytes, dangling references.
    /// Fields are looked at as bytes in the reader's buffer, never made into strings (only breakdown keys and
    /// dangling examples are); memory is the concept URIs. `fingerprint: false` skips the hashing (the sha256
    /// fields and the fingerprint are then empty).
    public func stats(fingerprint: Bool = true) throws -> DatasetStats {
        var s = DatasetStats()
        s.version = version
        s.language = language
        var hashes: [String: String] = [:]
        var concepts = ByteStringTable(capacity: 32_768)

        /// Streams one file (if present) through `body` and records its size, rows and hash.
        func scan(_ kind: DatasetFile.Kind, _ body: (CSVTable, CSVRecord) throws -> Void) throws {
            guard let file = file(kind) else { return }
            let hasher = fingerprint ? SHA256() : nil
            let table = try CSVTable(
                file: file, required: kind.requiredColumns, ragged: kind == .skillsHierarchy, hasher: hasher)
            while try table.next() { try body(table, table.record) }
            let sha = hasher?.finalize() ?? ""
            if fingerprint { hashes[file.name] = sha }
            s.files.append(
                .init(
                    name: file.name, format: file.format.rawValue, source: file.source, bytes: table.bytesRead,
                    rows: table.rows, sha256: sha))
        }
        func columns(_ t: CSVTable, _ names: [String], _ c: inout [Int]) {
            if c.isEmpty { c = names.map { t.column($0) } }
        }
        /// Counts per distinct value, keyed "(empty)" for an empty one.
        struct Breakdown {
            var keys = ByteStringTable()
            var counts: [Int] = []
            mutating func add(_ bytes: UnsafeBufferPointer<UInt8>) {
                let id = keys.insert(bytes)
                if id == counts.count { counts.append(0) }
                counts[id] += 1
            }
            var dictionary: [String: Int] {
                var out: [String: Int] = [:]
                for (id, n) in counts.enumerated() {
                    let key = keys.key(id)
                    out[key.isEmpty ? "(empty)" : key, default: 0] += n
                }
                return out
            }
        }
        func addConcept(_ r: CSVRecord, _ column: Int) { _ = r.withField(column) { concepts.insert($0) } }

        var c: [Int] = []
        var skillTypes = Breakdown()
        var reuseLevels = Breakdown()
        try scan(.skills) { t, r in
            columns(t, ["conceptUri", "skillType", "reuseLevel"], &c)
            s.skills += 1
            r.withField(c[1]) { skillTypes.add($0) }
            r.withField(c[2]) { reuseLevels.add($0) }
            addConcept(r, c[0])
        }
        s.skillsBySkillType = skillTypes.dictionary
        s.skillsByReuseLevel = reuseLevels.dictionary
        c = []
        try scan(.occupations) { t, r in
            columns(t, ["conceptUri"], &c)
            s.occupations += 1
            addConcept(r, c[0])
        }
        c = []
        try scan(.iscoGroups) { t, r in
            columns(t, ["conceptUri", "code"], &c)
            s.iscoGroups += 1
            // The level is the number of digits (characters) of the code.
            let level = r.withField(c[1]) { code in code.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) } }
            s.iscoGroupsByLevel[String(level), default: 0] += 1
            addConcept(r, c[0])
        }
        c = []
        try scan(.skillGroups) { t, r in
            columns(t, ["conceptUri"], &c)
            s.skillGroups += 1
            addConcept(r, c[0])
        }
        try scan(.conceptSchemes) { _, _ in s.conceptSchemes += 1 }
        try scan(.skillsHierarchy) { _, _ in s.skillsHierarchyRows += 1 }
        for kind in CollectionKind.allCases {
            try scan(.collection(kind)) { _, _ in s.collections[kind.rawValue, default: 0] += 1 }
        }

        func name(_ kind: DatasetFile.Kind) -> String { file(kind)?.name ?? kind.stem }
        func isEssential(_ t: CSVTable, _ column: Int) throws -> Bool {
            let r = t.record
            if r.field(column, is: "essential") { return true }
            if r.field(column, is: "optional") { return false }
            throw DatasetError(
                code: .malformed, file: t.reader.name, line: r.line, column: 1,
                message: "relationType is \"\(r.string(column))\"; expected essential or optional")
        }

        for (kind, names) in [
            (DatasetFile.Kind.occupationSkillRelations, ["occupationUri", "relationType", "skillUri"]),
            (.skillSkillRelations, ["originalSkillUri", "relationType", "relatedSkillUri"]),
        ] {
            var d = DanglingCheck(file: name(kind))
            var counts = DatasetStats.RelationCounts()
            c = []
            try scan(kind) { t, _ in
                columns(t, names, &c)
                counts.total += 1
                if try isEssential(t, c[1]) { counts.essential += 1 } else { counts.optional += 1 }
                d.add(t, c[0], c[2], concepts: concepts)
            }
            d.flush(concepts)
            if kind == .occupationSkillRelations {
                s.occupationSkillRelations = counts
            } else {
                s.skillSkillRelations = counts
            }
            s.dangling.append(d.result)
        }

        for pillar in [BroaderRelation.Pillar.occupation, .skill] {
            let kind: DatasetFile.Kind =
                pillar == .occupation ? .broaderRelationsOccPillar : .broaderRelationsSkillPillar
            var d = DanglingCheck(file: name(kind))
            var total = 0
            var kinds = Breakdown()
            var pair: [UInt8] = []
            c = []
            try scan(kind) { t, r in
                columns(t, ["conceptType", "conceptUri", "broaderType", "broaderUri"], &c)
                total += 1
                pair.removeAll(keepingCapacity: true)
                r.withField(c[0]) { if $0.isEmpty { pair += emptyKey } else { pair.append(contentsOf: $0) } }
                pair += arrow
                r.withField(c[2]) { if $0.isEmpty { pair += emptyKey } else { pair.append(contentsOf: $0) } }
                pair.withUnsafeBufferPointer { kinds.add($0) }
                d.add(t, c[1], c[3], concepts: concepts)
            }
            d.flush(concepts)
            let counts = DatasetStats.BroaderCounts(total: total, byKinds: kinds.dictionary)
            if pillar == .occupation { s.broaderOccupationPillar = counts } else { s.broaderSkillPillar = counts }
            s.dangling.append(d.result)
        }
        if fingerprint { s.fingerprint = DatasetFingerprint(version: version, language: language, files: hashes) }
        return s
    }
}

/// "(empty)", for a breakdown key made of an empty field.
private let emptyKey: [UInt8] = Array("(empty)".utf8)
private let arrow: [UInt8] = Array("->".utf8)
