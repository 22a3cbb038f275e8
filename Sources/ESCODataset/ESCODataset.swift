public import ESCOCore

/// A streaming reader over an ESCO CSV export (docs/ARCHITECTURE.md#esco-data).
///
/// `open` only locates the files and detects version and language; each `forEach…` streams one file,
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

    /// Streams `kind`'s rows; nil when the (optional) file is absent. Returns the finished table for counts.
    @discardableResult
    func scan(
        _ kind: DatasetFile.Kind, _ body: (CSVTable) throws -> Void
    ) throws -> CSVTable? {
        guard let file = file(kind) else { return nil }
        let table = try CSVTable(
            file: file, required: kind.requiredColumns, ragged: kind == .skillsHierarchy)
        while try table.next() { try body(table) }
        return table
    }

    public func forEachISCOGroup(_ body: (ISCOGroupRecord) throws -> Void) throws {
        try scanISCOGroups(body)
    }

    @discardableResult
    func scanISCOGroups(_ body: (ISCOGroupRecord) throws -> Void) throws -> CSVTable? {
        var c: [Int] = []
        return try scan(.iscoGroups) { t in
            if c.isEmpty {
                c = ["conceptUri", "code", "preferredLabel", "altLabels", "status", "description", "inScheme"].map {
                    t.column($0)
                }
            }
            let r = t.record
            try body(
                ISCOGroupRecord(
                    uri: r.string(c[0]), code: r.string(c[1]), preferredLabel: LabelText.normalise(r.string(c[2])),
                    altLabels: ListField.labels(r.string(c[3])), status: r.string(c[4]), description: r.string(c[5]),
                    inScheme: ListField.uris(r.string(c[6]))))
        }
    }

    public func forEachSkillGroup(_ body: (SkillGroupRecord) throws -> Void) throws {
        try scanSkillGroups(body)
    }

    @discardableResult
    func scanSkillGroups(_ body: (SkillGroupRecord) throws -> Void) throws -> CSVTable? {
        var c: [Int] = []
        return try scan(.skillGroups) { t in
            if c.isEmpty {
                c = [
                    "conceptUri", "code", "preferredLabel", "altLabels", "hiddenLabels", "status", "scopeNote",
                    "description", "inScheme",
                ].map { t.column($0) }
            }
            let r = t.record
            try body(
                SkillGroupRecord(
                    uri: r.string(c[0]), code: r.string(c[1]), preferredLabel: LabelText.normalise(r.string(c[2])),
                    altLabels: ListField.labels(r.string(c[3])), hiddenLabels: ListField.labels(r.string(c[4])),
                    status: r.string(c[5]), scopeNote: r.string(c[6]), description: r.string(c[7]),
                    inScheme: ListField.uris(r.string(c[8]))))
        }
    }

    public func forEachSkill(_ body: (SkillRecord) throws -> Void) throws { try scanSkills(body) }

    @discardableResult
    func scanSkills(_ body: (SkillRecord) throws -> Void) throws -> CSVTable? {
        var c: [Int] = []
        return try scan(.skills) { t in
            if c.isEmpty {
                c = [
                    "conceptUri", "skillType", "reuseLevel", "preferredLabel", "altLabels", "hiddenLabels", "status",
                    "scopeNote", "definition", "description", "inScheme",
                ].map { t.column($0) }
            }
            let r = t.record
            try body(
                SkillRecord(
                    uri: r.string(c[0]), skillType: r.string(c[1]), reuseLevel: r.string(c[2]),
                    preferredLabel: LabelText.normalise(r.string(c[3])), altLabels: ListField.labels(r.string(c[4])),
                    hiddenLabels: ListField.labels(r.string(c[5])), status: r.string(c[6]), scopeNote: r.string(c[7]),
                    definition: r.string(c[8]), description: r.string(c[9]), inScheme: ListField.uris(r.string(c[10]))))
        }
    }

    public func forEachOccupation(_ body: (OccupationRecord) throws -> Void) throws {
        try scanOccupations(body)
    }

    @discardableResult
    func scanOccupations(_ body: (OccupationRecord) throws -> Void) throws -> CSVTable? {
        var c: [Int] = []
        return try scan(.occupations) { t in
            if c.isEmpty {
                c = [
                    "conceptUri", "code", "iscoGroup", "preferredLabel", "altLabels", "hiddenLabels", "status",
                    "regulatedProfessionNote", "scopeNote", "definition", "description", "inScheme", "naceCode",
                ]
                .map { t.column($0) }
            }
            let r = t.record
            try body(
                OccupationRecord(
                    uri: r.string(c[0]), code: r.string(c[1]), iscoGroupCode: r.string(c[2]),
                    preferredLabel: LabelText.normalise(r.string(c[3])), altLabels: ListField.labels(r.string(c[4])),
                    hiddenLabels: ListField.labels(r.string(c[5])), status: r.string(c[6]),
                    regulatedProfessionNote: r.string(c[7]), scopeNote: r.string(c[8]), definition: r.string(c[9]),
                    description: r.string(c[10]), inScheme: ListField.uris(r.string(c[11])),
                    naceCodes: ListField.uris(r.string(c[12]))))
        }
    }

    public func forEachConceptScheme(_ body: (ConceptSchemeRecord) throws -> Void) throws {
        try scanConceptSchemes(body)
    }

    @discardableResult
    func scanConceptSchemes(_ body: (ConceptSchemeRecord) throws -> Void) throws -> CSVTable? {
        var c: [Int] = []
        return try scan(.conceptSchemes) { t in
            if c.isEmpty {
                c = ["conceptSchemeUri", "preferredLabel", "title", "status", "description", "hasTopConcept"].map {
                    t.column($0)
                }
            }
            let r = t.record
            try body(
                ConceptSchemeRecord(
                    uri: r.string(c[0]), preferredLabel: LabelText.normalise(r.string(c[1])), title: r.string(c[2]),
                    status: r.string(c[3]), description: r.string(c[4]), hasTopConcept: ListField.uris(r.string(c[5]))))
        }
    }

    /// Members of all collection files present, collection by collection in `CollectionKind` order.
    public func forEachCollectionMember(_ body: (CollectionMemberRecord) throws -> Void) throws {
        for kind in CollectionKind.allCases { try scanCollection(kind, body) }
    }

    @discardableResult
    func scanCollection(
        _ kind: CollectionKind, _ body: (CollectionMemberRecord) throws -> Void
    ) throws -> CSVTable? {
        var c: [Int] = []
        return try scan(.collection(kind)) { t in
            if c.isEmpty {
                c = ["conceptType", "conceptUri", "preferredLabel", "broaderConceptUri"].map { t.column($0) }
            }
            let r = t.record
            try body(
                CollectionMemberRecord(
                    collection: kind, conceptType: r.string(c[0]), conceptUri: r.string(c[1]),
                    preferredLabel: LabelText.normalise(r.string(c[2])),
                    broaderConceptUris: ListField.pipes(r.string(c[3]))))
        }
    }

    public func forEachOccupationSkillRelation(_ body: (OccupationSkillRelation) throws -> Void) throws {
        try scanOccupationSkillRelations(body)
    }

    @discardableResult
    func scanOccupationSkillRelations(
        _ body: (OccupationSkillRelation) throws -> Void
    ) throws -> CSVTable? {
        let names = DatasetFile.Kind.occupationSkillRelations.requiredColumns
        var c: [Int] = []
        return try scan(.occupationSkillRelations) { t in
            if c.isEmpty { c = names.map { t.column($0) } }
            let r = t.record
            try body(
                OccupationSkillRelation(
                    occupationUri: r.string(c[0]), kind: try relationKind(t, c[1]), skillType: r.string(c[2]),
                    skillUri: r.string(c[3])))
        }
    }

    public func forEachSkillSkillRelation(_ body: (SkillSkillRelation) throws -> Void) throws {
        try scanSkillSkillRelations(body)
    }

    @discardableResult
    func scanSkillSkillRelations(
        _ body: (SkillSkillRelation) throws -> Void
    ) throws -> CSVTable? {
        let names = DatasetFile.Kind.skillSkillRelations.requiredColumns
        var c: [Int] = []
        return try scan(.skillSkillRelations) { t in
            if c.isEmpty { c = names.map { t.column($0) } }
            let r = t.record
            try body(
                SkillSkillRelation(
                    originalSkillUri: r.string(c[0]), kind: try relationKind(t, c[1]), relatedSkillUri: r.string(c[2])))
        }
    }

    /// Both pillars: occupation pillar first, then skill pillar.
    public func forEachBroaderRelation(_ body: (BroaderRelation) throws -> Void) throws {
        try scanBroader(.occupation, body)
        try scanBroader(.skill, body)
    }

    @discardableResult
    func scanBroader(
        _ pillar: BroaderRelation.Pillar, _ body: (BroaderRelation) throws -> Void
    ) throws -> CSVTable? {
        var c: [Int] = []
        let kind: DatasetFile.Kind = pillar == .occupation ? .broaderRelationsOccPillar : .broaderRelationsSkillPillar
        let names = kind.requiredColumns
        return try scan(kind) { t in
            if c.isEmpty { c = names.map { t.column($0) } }
            let r = t.record
            try body(
                BroaderRelation(
                    pillar: pillar, conceptType: r.string(c[0]), conceptUri: r.string(c[1]),
                    broaderType: r.string(c[2]),
                    broaderUri: r.string(c[3])))
        }
    }

    private func relationKind(_ t: CSVTable, _ column: Int) throws -> OccupationSkillRelation.Kind {
        let value = t.record.string(column)
        guard let kind = OccupationSkillRelation.Kind(rawValue: value) else {
            throw DatasetError(
                code: .malformed, file: t.reader.name, line: t.record.line, column: 1,
                message: "relationType is \"\(value)\"; expected essential or optional")
        }
        return kind
    }
}
