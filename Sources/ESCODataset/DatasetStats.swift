import ESCOSystem
import ESCOCore

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
    /// Keeps only the set of concept URIs in memory.
    public func stats() throws -> DatasetStats {
        var s = DatasetStats()
        s.version = version
        s.language = language
        var hashes: [String: String] = [:]
        var concepts = Set<String>()
        func key(_ v: String) -> String { v.isEmpty ? "(empty)" : v }
        func record(_ kind: DatasetFile.Kind, _ hasher: SHA256, _ table: CSVTable?) {
            guard let table, let file = file(kind) else { return }
            let sha = hasher.finalize()
            hashes[file.name] = sha
            s.files.append(
                .init(name: file.name, format: file.format.rawValue, source: file.source, bytes: table.bytesRead,
                      rows: table.rows, sha256: sha))
        }
        var h = SHA256()
        record(.skills, h, try scanSkills(hasher: h) { r in
            s.skills += 1
            s.skillsBySkillType[key(r.skillType), default: 0] += 1
            s.skillsByReuseLevel[key(r.reuseLevel), default: 0] += 1
            concepts.insert(r.uri)
        })
        h = SHA256()
        record(.occupations, h, try scanOccupations(hasher: h) { r in
            s.occupations += 1
            concepts.insert(r.uri)
        })
        h = SHA256()
        record(.iscoGroups, h, try scanISCOGroups(hasher: h) { r in
            s.iscoGroups += 1
            s.iscoGroupsByLevel[String(r.level), default: 0] += 1
            concepts.insert(r.uri)
        })
        h = SHA256()
        record(.skillGroups, h, try scanSkillGroups(hasher: h) { r in
            s.skillGroups += 1
            concepts.insert(r.uri)
        })
        h = SHA256()
        record(.conceptSchemes, h, try scanConceptSchemes(hasher: h) { _ in s.conceptSchemes += 1 })
        h = SHA256()
        record(.skillsHierarchy, h, try scan(.skillsHierarchy, required: ["Level 0 URI"], ragged: true, hasher: h) { _ in
            s.skillsHierarchyRows += 1
        })
        for kind in CollectionKind.allCases {
            h = SHA256()
            record(.collection(kind), h, try scanCollection(kind, hasher: h) { _ in
                s.collections[kind.rawValue, default: 0] += 1
            })
        }

        func check(_ d: inout DatasetStats.Dangling, _ line: Int, _ a: (String, String), _ b: (String, String)) {
            let missingA = !concepts.contains(a.1)
            let missingB = !concepts.contains(b.1)
            guard missingA || missingB else { return }
            d.rows += 1
            if d.examples.count < 3 {
                let parts = (missingA ? ["\(a.0) \(a.1)"] : []) + (missingB ? ["\(b.0) \(b.1)"] : [])
                d.examples.append("line \(line): " + parts.joined(separator: ", "))
            }
        }
        func name(_ kind: DatasetFile.Kind) -> String { file(kind)?.name ?? kind.stem }

        var d = DatasetStats.Dangling(file: name(.occupationSkillRelations))
        h = SHA256()
        var line = 0
        let osr = try scanOccupationSkillRelations(hasher: h) { r in
            s.occupationSkillRelations.total += 1
            if r.kind == .essential { s.occupationSkillRelations.essential += 1 } else { s.occupationSkillRelations.optional += 1 }
            check(&d, line, ("occupationUri", r.occupationUri), ("skillUri", r.skillUri))
        } lineOf: { line = $0 }
        record(.occupationSkillRelations, h, osr)
        s.dangling.append(d)

        d = DatasetStats.Dangling(file: name(.skillSkillRelations))
        h = SHA256()
        let ssr = try scanSkillSkillRelations(hasher: h) { r in
            s.skillSkillRelations.total += 1
            if r.kind == .essential { s.skillSkillRelations.essential += 1 } else { s.skillSkillRelations.optional += 1 }
            check(&d, line, ("originalSkillUri", r.originalSkillUri), ("relatedSkillUri", r.relatedSkillUri))
        } lineOf: { line = $0 }
        record(.skillSkillRelations, h, ssr)
        s.dangling.append(d)

        for pillar in [BroaderRelation.Pillar.occupation, .skill] {
            let kind: DatasetFile.Kind = pillar == .occupation ? .broaderRelationsOccPillar : .broaderRelationsSkillPillar
            d = DatasetStats.Dangling(file: name(kind))
            h = SHA256()
            var counts = DatasetStats.BroaderCounts()
            let table = try scanBroader(pillar, hasher: h) { r in
                counts.total += 1
                counts.byKinds["\(key(r.conceptType))->\(key(r.broaderType))", default: 0] += 1
                check(&d, line, ("conceptUri", r.conceptUri), ("broaderUri", r.broaderUri))
            } lineOf: { line = $0 }
            record(kind, h, table)
            if pillar == .occupation { s.broaderOccupationPillar = counts } else { s.broaderSkillPillar = counts }
            s.dangling.append(d)
        }
        s.fingerprint = DatasetFingerprint(version: version, language: language, files: hashes)
        return s
    }
}
