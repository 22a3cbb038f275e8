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
        for (uri, code) in occupationCodes {
            relations.addOccupationISCOCode(occupationUri: uri, code: code, concepts: concepts)
        }
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
        relations.finishBuilding()
        self.relations = relations
        for (c, group) in [iscoGroups, skillGroups, skills, occupations].enumerated() {
            for (i, doc) in group.enumerated() {
                for l in doc.labels.indices { labelIndex.append((UInt8(c), Int32(i), Int16(l))) }
            }
        }
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

    /// Where each Label object comes from: (concept class index, concept index, label index). Label
    /// documents are made on demand from this (about 134k for full ESCO: storing them all cost ~100 MB).
    private var labelIndex: [(UInt8, Int32, Int16)] = []

    public var labelCount: Int { labelIndex.count }

    /// Label documents `range` of all labels, in a stable order.
    public func labels(_ range: Range<Int>) -> [LabelDocument] {
        let groups = [iscoGroups, skillGroups, skills, occupations]
        return labelIndex[range].map { c, i, l in
            let doc = groups[Int(c)][Int(i)]
            let label = doc.labels[Int(l)]
            return LabelDocument(concept: doc, type: label.type, text: label.text)
        }
    }

    /// IDs of every Label object (for pruning).
    public func labelIDs() -> Set<String> {
        // IDs only: building 134k full label documents here cost ~80 MB at the end of a run.
        let groups = [iscoGroups, skillGroups, skills, occupations]
        return Set(
            labelIndex.map { c, i, l in
                let doc = groups[Int(c)][Int(i)]
                return LabelDocument.id(
                    conceptURI: doc.uri, type: doc.labels[Int(l)].type, text: doc.labels[Int(l)].text)
            })
    }

    /// Expected objects per class, for the state's counts and for verification.
    public func expectedCounts(labelVectors: Bool) -> [String: Int] {
        var c = [
            "ISCOGroup": iscoGroups.count, "SkillGroup": skillGroups.count, "SkillCollection": collections.count,
            "Skill": skills.count, "Occupation": occupations.count,
        ]
        if labelVectors { c["Label"] = labelCount }
        return c
    }

    public static let conceptClasses = ["ISCOGroup", "SkillGroup", "SkillCollection", "Skill", "Occupation"]
}
