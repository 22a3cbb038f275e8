public import ESCOCore
public import ESCODataset

/// Everything the ingestion writes, derived from the dataset in one read: concept documents per class
/// and the complete relation index. About 17k concepts and 300k references for full ESCO: tens of MB.
public struct DatasetModel: Sendable {
    public var iscoGroups: [ConceptDocument] = []
    public var skillGroups: [ConceptDocument] = []
    public var collections: [ConceptDocument] = []
    public var skills: [ConceptDocument] = []
    public var occupations: [ConceptDocument] = []
    public var relations = RelationIndex()
    public var fingerprint: String = ""

    public init(dataset: ESCODataset, fingerprint: String) throws {
        self.fingerprint = fingerprint
        var concepts = RelationIndex.Concepts()
        var iscoGroups: [ConceptDocument] = [], skillGroups: [ConceptDocument] = []
        var skills: [ConceptDocument] = [], occupations: [ConceptDocument] = []
        var occupationCodes: [(String, String)] = []
        try dataset.forEachISCOGroup { r in
            let d = ConceptDocument(r)
            iscoGroups.append(d)
            concepts.add(r.uri, className: "ISCOGroup", id: d.id)
            concepts.iscoURIByCode[r.code] = r.uri
        }
        try dataset.forEachSkillGroup { r in
            let d = ConceptDocument(r)
            skillGroups.append(d)
            concepts.add(r.uri, className: "SkillGroup", id: d.id)
        }
        try dataset.forEachSkill { r in
            let d = ConceptDocument(r)
            skills.append(d)
            concepts.add(r.uri, className: "Skill", id: d.id)
        }
        try dataset.forEachOccupation { r in
            let d = ConceptDocument(r)
            occupations.append(d)
            concepts.add(r.uri, className: "Occupation", id: d.id)
            occupationCodes.append((r.uri, r.iscoGroupCode))
        }
        var relations = RelationIndex()
        var members: [CollectionKind: Int] = [:]
        try dataset.forEachBroaderRelation { relations.addBroader($0, concepts: concepts) }
        for (uri, code) in occupationCodes { relations.addOccupationISCOCode(occupationUri: uri, code: code, concepts: concepts) }
        try dataset.forEachOccupationSkillRelation { relations.addOccupationSkill($0, concepts: concepts) }
        try dataset.forEachSkillSkillRelation { relations.addSkillSkill($0, concepts: concepts) }
        try dataset.forEachCollectionMember { m in
            members[m.collection, default: 0] += 1
            relations.addCollectionMember(m, concepts: concepts)
        }
        self.iscoGroups = iscoGroups
        self.skillGroups = skillGroups
        self.skills = skills
        self.occupations = occupations
        self.collections = CollectionKind.allCases.filter { members[$0] != nil }.map {
            ConceptDocument(collection: $0, memberCount: members[$0] ?? 0)
        }
        self.relations = relations
        self.labels = (iscoGroups + skillGroups + skills + occupations).flatMap { $0.labelDocuments() }
    }

    public func documents(_ className: String) -> [ConceptDocument] {
        switch className {
        case "ISCOGroup": iscoGroups
        case "SkillGroup": skillGroups
        case "SkillCollection": collections
        case "Skill": skills
        case "Occupation": occupations
        default: []
        }
    }

    /// Every Label object (computed once: about 150k for full ESCO).
    public private(set) var labels: [LabelDocument] = []

    /// Expected objects per class, for the state's counts and for verification.
    public func expectedCounts(labelVectors: Bool) -> [String: Int] {
        var c = [
            "ISCOGroup": iscoGroups.count, "SkillGroup": skillGroups.count, "SkillCollection": collections.count,
            "Skill": skills.count, "Occupation": occupations.count,
        ]
        if labelVectors { c["Label"] = labels.count }
        return c
    }

    public static let conceptClasses = ["ISCOGroup", "SkillGroup", "SkillCollection", "Skill", "Occupation"]
}
