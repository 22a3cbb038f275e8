public import ESCOCore
public import ESCODataset
public import Foundation

/// What an ingestion keeps of the dataset for the whole run: the concepts' numbers and IDs, counts, and the
/// complete relation index, from one read of the files. Documents are not kept: each step streams them from
/// their file again (`documents`, `labels`), so memory holds the index and a few batches, not the dataset
/// (issue 16: the documents of full ESCO held in memory cost ~100 MB).
public struct DatasetModel: Sendable {
    public let dataset: ESCODataset
    /// The state fingerprint the run works under.
    public let fingerprint: String
    /// The sha256 of each file the run started with, by file name: every read of a file after the fingerprint
    /// (this model's and each step's) checks it, so a dataset replaced during the run fails instead of mixing
    /// two datasets under one fingerprint.
    public let fileHashes: [String: String]
    public private(set) var relations = RelationIndex()
    /// The collection objects (a few, derived from the collection files): kept.
    public private(set) var collections: [ConceptDocument] = []
    private var counts: [String: Int] = [:]
    public private(set) var labelCount = 0

    /// `files`: the dataset fingerprint's per-file hashes (empty: no checks, for tests that read a fixed sample).
    public init(dataset: ESCODataset, fingerprint: String, files: [String: String] = [:]) throws {
        self.dataset = dataset
        self.fingerprint = fingerprint
        self.fileHashes = files
        var relations = RelationIndex()
        var occupationCodes: [(uri: String, code: String)] = []
        for className in Self.labelledClasses {
            let stream = try documents(className)
            while let d = try stream.next() {
                relations.addConcept(d.uri, className: className, id: d.id)
                counts[className, default: 0] += 1
                labelCount += d.labels.count
                if className == "ISCOGroup", case .string(let code)? = d.properties["code"] {
                    relations.addISCOCode(code, uri: d.uri)
                }
                if className == "Occupation", case .string(let code)? = d.properties["iscoGroupCode"] {
                    occupationCodes.append((d.uri, code))
                }
            }
        }
        var members: [CollectionKind: Int] = [:]
        try dataset.forEachBroaderRelation(expecting: files) { relations.addBroader($0) }
        for (uri, code) in occupationCodes { relations.addOccupationISCOCode(occupationUri: uri, code: code) }
        try dataset.forEachOccupationSkillRelation(expecting: files) { relations.addOccupationSkill($0) }
        try dataset.forEachSkillSkillRelation(expecting: files) { relations.addSkillSkill($0) }
        try dataset.forEachCollectionMember(expecting: files) { m in
            members[m.collection, default: 0] += 1
            relations.addCollectionMember(m)
        }
        collections = CollectionKind.allCases.filter { members[$0] != nil }.map {
            ConceptDocument(collection: $0, memberCount: members[$0] ?? 0)
        }
        counts["SkillCollection"] = collections.count
        relations.finishBuilding()
        self.relations = relations
    }

    /// The classes whose documents come from a concept file and have Label objects, in label order.
    static let labelledClasses = ["ISCOGroup", "SkillGroup", "Skill", "Occupation"]

    public static let conceptClasses = ["ISCOGroup", "SkillGroup", "SkillCollection", "Skill", "Occupation"]

    /// Streams the documents of `className` in dataset order, reading its file again.
    public func documents(_ className: String) throws -> DocumentStream {
        func stream<R>(_ cursor: RecordCursor<R>, _ make: @escaping (R) -> ConceptDocument) -> DocumentStream {
            DocumentStream { try cursor.next().map(make) }
        }
        switch className {
        case "ISCOGroup": return stream(try dataset.iscoGroups(expecting: fileHashes), ConceptDocument.init)
        case "SkillGroup": return stream(try dataset.skillGroups(expecting: fileHashes), ConceptDocument.init)
        case "Skill": return stream(try dataset.skills(expecting: fileHashes), ConceptDocument.init)
        case "Occupation": return stream(try dataset.occupations(expecting: fileHashes), ConceptDocument.init)
        case "SkillCollection":
            var remaining = collections[...]
            return DocumentStream { remaining.popFirst() }
        default: return DocumentStream { nil }
        }
    }

    /// Every document of `className` at once (tests and small datasets; an ingestion streams them).
    public func loadDocuments(_ className: String) throws -> [ConceptDocument] {
        let stream = try documents(className)
        var out: [ConceptDocument] = []
        while let d = try stream.next() { out.append(d) }
        return out
    }

    /// Streams every Label document, in a stable order: class by class (`labelledClasses`), concept by concept,
    /// reading the concept files again.
    public func labels() -> PullStream<LabelDocument> {
        var classes = Self.labelledClasses[...]
        var concepts: DocumentStream?
        var pending: [LabelDocument] = []  // the current concept's labels, last first
        return PullStream {
            while pending.isEmpty {
                if concepts == nil {
                    guard let className = classes.popFirst() else { return nil }
                    concepts = try documents(className)
                }
                guard let doc = try concepts?.next() else {
                    concepts = nil
                    continue
                }
                pending = doc.labels.reversed().map { LabelDocument(concept: doc, type: $0.type, text: $0.text) }
            }
            return pending.popLast()
        }
    }

    /// Documents per class.
    public func count(_ className: String) -> Int { counts[className] ?? 0 }

    public var conceptCount: Int { Self.conceptClasses.reduce(0) { $0 + count($1) } }

    /// Expected objects per class, for the state's counts and for verification.
    public func expectedCounts(labelVectors: Bool) -> [String: Int] {
        var c = Dictionary(uniqueKeysWithValues: Self.conceptClasses.map { ($0, count($0)) })
        if labelVectors { c["Label"] = labelCount }
        return c
    }

    /// IDs of every object of `className` (for pruning), as UUIDs: 134k label IDs as 36-character strings cost
    /// ~10 MB. Ours are uuid5s, so every one parses.
    public func objectIDs(_ className: String) throws -> Set<UUID> {
        var ids: Set<UUID> = []
        if className == "Label" {
            let stream = labels()
            while let label = try stream.next() { ids.insert(UUID(uuidString: label.id)!) }
            return ids
        }
        let c = relations.concepts
        for n in 0..<c.count where c.classNames[n] == className { ids.insert(UUID(uuidString: c.ids[n])!) }
        return ids
    }
}

/// Items pulled one at a time (documents read from their file, labels made from them); used by one task at a
/// time.
public final class PullStream<Element> {
    private let nextItem: () throws -> Element?
    private var held: Element?  // read, but left for the next batch

    init(_ next: @escaping () throws -> Element?) { nextItem = next }

    public func next() throws -> Element? {
        if let item = held {
            held = nil
            return item
        }
        return try nextItem()
    }

    /// Up to `max` items whose `weight`s sum to at most `budget` (a first item heavier than the budget goes
    /// alone); empty at the end.
    public func next(max: Int, budget: Int = .max, weight: (Element) -> Int = { _ in 0 }) throws -> [Element] {
        var out: [Element] = []
        var total = 0
        while out.count < max, let item = try next() {
            let w = weight(item)
            if !out.isEmpty && total + w > budget {
                held = item
                break
            }
            total += w
            out.append(item)
        }
        return out
    }
}

public typealias DocumentStream = PullStream<ConceptDocument>
