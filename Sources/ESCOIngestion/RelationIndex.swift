public import ESCOCore

/// Every reference list of every concept, in both directions (docs/ARCHITECTURE.md#weaviate-model), built from the
/// dataset's relation files. References whose ends are not concepts of the dataset are counted in
/// `dangling` and left out (docs/ARCHITECTURE.md#esco-data: not fatal).
public struct RelationIndex: Sendable {
    /// A reference target: Weaviate class and conceptUri.
    public struct Target: Sendable, Hashable {
        public var className: String
        public var uri: String
        /// Weaviate object ID of the target (uuid5 of its URI).
        public var id: String
    }

    /// `refs[className][conceptUri][property]` = targets in dataset order, without duplicates.
    public private(set) var refs: [String: [String: [String: [Target]]]] = [:]
    /// Dangling rows per relation file kind.
    public private(set) var dangling: [String: Int] = [:]

    public init() {}

    /// Concept URIs of the dataset, per Weaviate class, and ISCO codes → ISCO group URI.
    public struct Concepts: Sendable {
        public var classOf: [String: String] = [:]
        public var idOf: [String: String] = [:]
        public var iscoURIByCode: [String: String] = [:]
        public init() {}

        public mutating func add(_ uri: String, className: String, id: String) {
            classOf[uri] = className
            idOf[uri] = id
        }

        /// The stored key string is reused so that 300k references share the concepts' URI and ID buffers.
        func target(_ uri: String) -> Target? {
            guard let i = classOf.index(forKey: uri), let id = idOf[uri] else { return nil }
            return Target(className: classOf[i].value, uri: classOf[i].key, id: id)
        }
    }

    mutating func add(_ from: Target, _ property: String, _ to: Target) {
        // De-duplicate by scanning the list: lists are short, and a set of 300k composite keys cost ~60 MB.
        refs[from.className, default: [:]][from.uri, default: [:]][property, default: []].appendIfAbsent(to)
    }

    mutating func link(_ a: Target, _ forward: String, _ b: Target, _ backward: String) {
        add(a, forward, b)
        add(b, backward, a)
    }

    /// Trims spare capacity of the reference lists once every relation is in.
    public mutating func finishBuilding() {
        for (c, byURI) in refs {
            refs[c] = byURI.mapValues { $0.mapValues { Array($0) } }
        }
    }

    public func targets(_ className: String, _ uri: String, _ property: String) -> [Target] {
        refs[className]?[uri]?[property] ?? []
    }

    public func properties(_ className: String, _ uri: String) -> [String: [Target]] {
        refs[className]?[uri] ?? [:]
    }

    // MARK: Building from relation rows

    public mutating func addOccupationISCOCode(occupationUri: String, code: String, concepts: Concepts) {
        guard !code.isEmpty else { return }
        guard let isco = concepts.iscoURIByCode[code] else {
            dangling["occupationIscoCode", default: 0] += 1
            return
        }
        guard let o = concepts.target(occupationUri), let g = concepts.target(isco) else { return }
        link(o, "iscoGroup", g, "occupations")
    }

    public mutating func addBroader(_ r: BroaderRelation, concepts: Concepts) {
        guard let a = concepts.target(r.conceptUri), let b = concepts.target(r.broaderUri) else {
            dangling[
                r.pillar == .occupation ? "broaderRelationsOccPillar" : "broaderRelationsSkillPillar", default: 0] += 1
            return
        }
        switch (a.className, b.className) {
        case ("ISCOGroup", "ISCOGroup"): link(a, "broaderGroup", b, "narrowerGroups")
        case ("Occupation", "ISCOGroup"): link(a, "iscoGroup", b, "occupations")
        case ("Occupation", "Occupation"): link(a, "broaderOccupation", b, "narrowerOccupations")
        case ("SkillGroup", "SkillGroup"): link(a, "broaderGroups", b, "narrowerGroups")
        case ("Skill", "SkillGroup"): link(a, "skillGroups", b, "skills")
        case ("Skill", "Skill"): link(a, "broaderSkills", b, "narrowerSkills")
        default: dangling["broaderUnexpectedKinds", default: 0] += 1
        }
    }

    public mutating func addOccupationSkill(_ r: OccupationSkillRelation, concepts: Concepts) {
        guard let o = concepts.target(r.occupationUri), o.className == "Occupation",
            let s = concepts.target(r.skillUri), s.className == "Skill"
        else {
            dangling["occupationSkillRelations", default: 0] += 1
            return
        }
        switch r.kind {
        case .essential: link(o, "essentialSkills", s, "essentialForOccupations")
        case .optional: link(o, "optionalSkills", s, "optionalForOccupations")
        }
    }

    public mutating func addSkillSkill(_ r: SkillSkillRelation, concepts: Concepts) {
        guard let a = concepts.target(r.originalSkillUri), a.className == "Skill",
            let b = concepts.target(r.relatedSkillUri), b.className == "Skill"
        else {
            dangling["skillSkillRelations", default: 0] += 1
            return
        }
        switch r.kind {
        case .essential: link(a, "essentialSkills", b, "essentialForSkills")
        case .optional: link(a, "optionalSkills", b, "optionalForSkills")
        }
    }

    public mutating func addCollectionMember(_ m: CollectionMemberRecord, concepts: Concepts) {
        guard let member = concepts.target(m.conceptUri),
            member.className == "Skill" || member.className == "Occupation"
        else {
            dangling["collection:" + m.collection.rawValue, default: 0] += 1
            return
        }
        let uri = m.collection.conceptSchemeURI
        let c = Target(className: "SkillCollection", uri: uri, id: ObjectID.uuid5(uri))
        link(member, "collections", c, member.className == "Skill" ? "skills" : "occupations")
    }
}

extension Array where Element == RelationIndex.Target {
    mutating func appendIfAbsent(_ t: Element) {
        if !contains(where: { $0.id == t.id }) { append(t) }
    }
}
