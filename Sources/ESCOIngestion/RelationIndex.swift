public import ESCOCore

/// Every reference list of every concept, in both directions (docs/ARCHITECTURE.md#weaviate-model), built from the
/// dataset's relation files. References whose ends are not concepts of the dataset are counted in
/// `dangling` and left out (docs/ARCHITECTURE.md#esco-data: not fatal).
///
/// Concepts are numbers and a reference is a property number and a target number, five bytes: the whole index for
/// full ESCO (about 315k references) is a few MB, where lists of URI strings in nested dictionaries cost ~100 MB
/// and kept `esco ingest` from fitting a container's memory limit (issue 16).
public struct RelationIndex: Sendable {
    /// A reference target: Weaviate class and conceptUri.
    public struct Target: Sendable, Hashable {
        public var className: String
        public var uri: String
        /// Weaviate object ID of the target (uuid5 of its URI).
        public var id: String
    }

    public private(set) var concepts = Concepts()
    /// Dangling rows per relation file kind.
    public private(set) var dangling: [String: Int] = [:]
    private var propertyNames: [String] = []
    private var propertyNumber: [String: UInt8] = [:]
    /// References as they are added, in dataset order; `finishBuilding` sorts them into the lists below.
    private var pending: [Link] = []
    /// Concept n's references are `targetProperty[start[n] ..< start[n+1]]` and `targetConcept[…]`, grouped by
    /// property, each property's targets in dataset order without duplicates.
    private var start: [Int32] = []
    private var targetProperty: [UInt8] = []
    private var targetConcept: [Int32] = []

    private struct Link {
        var from: Int32
        var property: UInt8
        var to: Int32
    }

    public init() {}

    /// The concepts of the dataset, numbered in the order they are added (dataset order within a class), with
    /// ISCO codes → ISCO group URI. Collections are numbered too, but are not concepts a relation file may name.
    public struct Concepts: Sendable {
        public private(set) var uris: [String] = []
        public private(set) var ids: [String] = []
        public private(set) var classNames: [String] = []
        private var numberOf: [String: Int32] = [:]
        private var collectionNumberOf: [String: Int32] = [:]
        public var iscoURIByCode: [String: String] = [:]
        public init() {}

        public var count: Int { uris.count }

        /// Registers a dataset concept. A URI given twice keeps its last number (the later row wins).
        public mutating func add(_ uri: String, className: String, id: String) {
            numberOf[uri] = append(uri, className: className, id: id)
        }

        private mutating func append(_ uri: String, className: String, id: String) -> Int32 {
            uris.append(uri)
            ids.append(id)
            classNames.append(className)
            return Int32(uris.count - 1)
        }

        /// The number of a dataset concept (nil for a URI the dataset does not have, and for collections).
        func number(_ uri: String) -> Int32? { numberOf[uri] }

        /// The number of `kind`'s collection object, registered on first use.
        mutating func collection(_ kind: CollectionKind) -> Int32 {
            let uri = kind.conceptSchemeURI
            if let n = collectionNumberOf[uri] { return n }
            let n = append(uri, className: "SkillCollection", id: ObjectID.uuid5(uri))
            collectionNumberOf[uri] = n
            return n
        }

        /// The number of the document `className`/`uri` (a dataset concept or a collection).
        func number(_ className: String, _ uri: String) -> Int32? {
            className == "SkillCollection" ? collectionNumberOf[uri] : numberOf[uri]
        }

        public func target(_ n: Int32) -> Target {
            Target(className: classNames[Int(n)], uri: uris[Int(n)], id: ids[Int(n)])
        }
    }

    /// Registers a dataset concept (before any relation is added).
    public mutating func addConcept(_ uri: String, className: String, id: String) {
        concepts.add(uri, className: className, id: id)
    }

    public mutating func addISCOCode(_ code: String, uri: String) { concepts.iscoURIByCode[code] = uri }

    mutating func link(_ a: Int32, _ forward: String, _ b: Int32, _ backward: String) {
        pending.append(Link(from: a, property: property(forward), to: b))
        pending.append(Link(from: b, property: property(backward), to: a))
    }

    private mutating func property(_ name: String) -> UInt8 {
        if let n = propertyNumber[name] { return n }
        let n = UInt8(propertyNames.count)
        propertyNames.append(name)
        propertyNumber[name] = n
        return n
    }

    /// Sorts the references into per-concept lists once every relation is in: by concept, then property, then the
    /// order they were added; a target repeated in one list is kept once, at its first place.
    public mutating func finishBuilding() {
        precondition(concepts.count < 1 << 24 && pending.count < 1 << 32, "more concepts than the index numbers")
        // One 64-bit key per reference: concept (24 bits), property (8), position added (32). Sorting the keys
        // sorts the references and keeps dataset order within a list.
        var keys = pending.indices.map { i in
            UInt64(pending[i].from) << 40 | UInt64(pending[i].property) << 32 | UInt64(i)
        }
        keys.sort()
        var start = [Int32](repeating: 0, count: concepts.count + 1)
        var properties: [UInt8] = []
        var targets: [Int32] = []
        properties.reserveCapacity(keys.count)
        targets.reserveCapacity(keys.count)
        var seenInList = [Int](repeating: -1, count: concepts.count)  // list number that last had this target
        var list = -1
        var previous: UInt64 = .max
        for key in keys {
            let link = pending[Int(key & 0xFFFF_FFFF)]
            if key >> 32 != previous {
                previous = key >> 32
                list += 1
            }
            guard seenInList[Int(link.to)] != list else { continue }
            seenInList[Int(link.to)] = list
            start[Int(link.from) + 1] += 1
            properties.append(link.property)
            targets.append(link.to)
        }
        for n in 0..<concepts.count { start[n + 1] += start[n] }
        pending = []
        self.start = start
        targetProperty = properties
        targetConcept = targets
    }

    /// References of concept `n` by property, in list order.
    private func lists(_ n: Int32) -> [(property: String, targets: [Int32])] {
        guard Int(n) + 1 < start.count else { return [] }
        var out: [(property: String, targets: [Int32])] = []
        for i in Int(start[Int(n)])..<Int(start[Int(n) + 1]) {
            let name = propertyNames[Int(targetProperty[i])]
            if out.last?.property != name { out.append((name, [])) }
            out[out.count - 1].targets.append(targetConcept[i])
        }
        return out
    }

    public func targets(_ className: String, _ uri: String, _ property: String) -> [Target] {
        properties(className, uri)[property] ?? []
    }

    /// Every reference list of the document `className`/`uri`, by property name.
    public func properties(_ className: String, _ uri: String) -> [String: [Target]] {
        guard let n = concepts.number(className, uri) else { return [:] }
        var out: [String: [Target]] = [:]
        for (property, targets) in lists(n) { out[property] = targets.map(concepts.target) }
        return out
    }

    /// References held by the document `className`/`uri`.
    public func referenceCount(_ className: String, _ uri: String) -> Int {
        guard let n = concepts.number(className, uri), Int(n) + 1 < start.count else { return 0 }
        return Int(start[Int(n) + 1] - start[Int(n)])
    }

    /// References held by the documents of `className`.
    public func referenceCount(_ className: String) -> Int {
        guard start.count == concepts.count + 1 else { return 0 }
        return (0..<concepts.count).reduce(0) { sum, n in
            concepts.classNames[n] == className ? sum + Int(start[n + 1] - start[n]) : sum
        }
    }

    // MARK: Building from relation rows

    public mutating func addOccupationISCOCode(occupationUri: String, code: String) {
        guard !code.isEmpty else { return }
        guard let isco = concepts.iscoURIByCode[code] else {
            dangling["occupationIscoCode", default: 0] += 1
            return
        }
        guard let o = concepts.number(occupationUri), let g = concepts.number(isco) else { return }
        link(o, "iscoGroup", g, "occupations")
    }

    public mutating func addBroader(_ r: BroaderRelation) {
        guard let a = concepts.number(r.conceptUri), let b = concepts.number(r.broaderUri) else {
            dangling[
                r.pillar == .occupation ? "broaderRelationsOccPillar" : "broaderRelationsSkillPillar", default: 0] += 1
            return
        }
        switch (concepts.classNames[Int(a)], concepts.classNames[Int(b)]) {
        case ("ISCOGroup", "ISCOGroup"): link(a, "broaderGroup", b, "narrowerGroups")
        case ("Occupation", "ISCOGroup"): link(a, "iscoGroup", b, "occupations")
        case ("Occupation", "Occupation"): link(a, "broaderOccupation", b, "narrowerOccupations")
        case ("SkillGroup", "SkillGroup"): link(a, "broaderGroups", b, "narrowerGroups")
        case ("Skill", "SkillGroup"): link(a, "skillGroups", b, "skills")
        case ("Skill", "Skill"): link(a, "broaderSkills", b, "narrowerSkills")
        default: dangling["broaderUnexpectedKinds", default: 0] += 1
        }
    }

    public mutating func addOccupationSkill(_ r: OccupationSkillRelation) {
        guard let o = concepts.number(r.occupationUri), concepts.classNames[Int(o)] == "Occupation",
            let s = concepts.number(r.skillUri), concepts.classNames[Int(s)] == "Skill"
        else {
            dangling["occupationSkillRelations", default: 0] += 1
            return
        }
        switch r.kind {
        case .essential: link(o, "essentialSkills", s, "essentialForOccupations")
        case .optional: link(o, "optionalSkills", s, "optionalForOccupations")
        }
    }

    public mutating func addSkillSkill(_ r: SkillSkillRelation) {
        guard let a = concepts.number(r.originalSkillUri), concepts.classNames[Int(a)] == "Skill",
            let b = concepts.number(r.relatedSkillUri), concepts.classNames[Int(b)] == "Skill"
        else {
            dangling["skillSkillRelations", default: 0] += 1
            return
        }
        switch r.kind {
        case .essential: link(a, "essentialSkills", b, "essentialForSkills")
        case .optional: link(a, "optionalSkills", b, "optionalForSkills")
        }
    }

    public mutating func addCollectionMember(_ m: CollectionMemberRecord) {
        // Numbered at its first row, dangling or not: a collection is an object as soon as its file has a row.
        let c = concepts.collection(m.collection)
        guard let member = concepts.number(m.conceptUri),
            concepts.classNames[Int(member)] == "Skill" || concepts.classNames[Int(member)] == "Occupation"
        else {
            dangling["collection:" + m.collection.rawValue, default: 0] += 1
            return
        }
        link(member, "collections", c, concepts.classNames[Int(member)] == "Skill" ? "skills" : "occupations")
    }
}
