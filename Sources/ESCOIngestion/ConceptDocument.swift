public import ESCOCore

/// One concept as it is written to Weaviate: scalar properties, the text its vector is made from, and
/// (in relation steps) its reference lists. IDs follow docs/ARCHITECTURE.md#object-ids.
public struct ConceptDocument: Sendable, Hashable {
    public var className: String
    public var uri: String
    public var properties: [String: JSONValue]
    /// Text embedded for the concept's vector (EmbeddingRecipe).
    public var text: String
    /// Labels searchable one by one (preferred, alternative, hidden), normalised and de-duplicated.
    public var labels: [(type: String, text: String)]

    /// `ObjectID.uuid5(uri)`, computed once: it is needed for every write and every beacon.
    public let id: String

    public static func == (a: Self, b: Self) -> Bool {
        a.className == b.className && a.uri == b.uri && a.properties == b.properties && a.text == b.text
    }
    public func hash(into h: inout Hasher) { h.combine(className); h.combine(uri) }

    init(
        className: String, uri: String, properties: [String: JSONValue], preferred: String, alt: [String],
        hidden: [String] = [], description: String
    ) {
        self.className = className
        self.uri = uri
        self.id = ObjectID.uuid5(uri)
        var props = properties
        props["conceptUri"] = .string(uri)
        props["preferredLabel"] = .string(preferred)
        props["description"] = .string(description)
        self.properties = props
        self.text = EmbeddingRecipe.conceptText(preferredLabel: preferred, altLabels: alt, description: description)
        var seen: Set<String> = []
        var labels: [(String, String)] = []
        for (type, list) in [("preferred", [preferred]), ("alternative", alt), ("hidden", hidden)] {
            for label in list where !label.isEmpty && seen.insert(label.lowercased()).inserted {
                labels.append((type, label))
            }
        }
        self.labels = labels
    }

    /// Properties plus every reference list from `index`, as beacons.
    public func propertiesWithReferences(_ index: RelationIndex) -> [String: JSONValue] {
        var props = properties
        for (property, targets) in index.properties(className, uri) {
            props[property] = .array(targets.map { Self.beacon($0.className, $0.id) })
        }
        return props
    }

    public static func beacon(_ className: String, _ id: String) -> JSONValue {
        ["beacon": .string("weaviate://localhost/\(className)/\(id)")]
    }
}

/// One searchable label pointing at its concept.
public struct LabelDocument: Sendable, Hashable {
    /// Deterministic ID: the concept URI, the label type and the label text.
    public static func id(conceptURI: String, type: String, text: String) -> String {
        ObjectID.uuid5(conceptURI + "#label/" + type + "/" + text)
    }

    public var id: String
    public var properties: [String: JSONValue]
    public var text: String

    init(concept: ConceptDocument, type: String, text: String) {
        self.id = Self.id(conceptURI: concept.uri, type: type, text: text)
        self.text = text
        self.properties = [
            "text": .string(text), "labelType": .string(type), "conceptUri": .string(concept.uri),
            "conceptClass": .string(concept.className),
            "concept": [ConceptDocument.beacon(concept.className, concept.id)],
        ]
    }
}

private func strings(_ list: [String]) -> JSONValue { .array(list.map { .string($0) }) }

extension ConceptDocument {
    public init(_ r: ISCOGroupRecord) {
        self.init(
            className: "ISCOGroup", uri: r.uri,
            properties: [
                "code": .string(r.code), "level": .number(Double(r.level)), "altLabels": strings(r.altLabels),
                "status": .string(r.status), "inScheme": strings(r.inScheme),
            ], preferred: r.preferredLabel, alt: r.altLabels, description: r.description)
    }

    public init(_ r: SkillGroupRecord) {
        self.init(
            className: "SkillGroup", uri: r.uri,
            properties: [
                "code": .string(r.code), "altLabels": strings(r.altLabels), "hiddenLabels": strings(r.hiddenLabels),
                "scopeNote": .string(r.scopeNote), "status": .string(r.status), "inScheme": strings(r.inScheme),
            ], preferred: r.preferredLabel, alt: r.altLabels, hidden: r.hiddenLabels, description: r.description)
    }

    public init(_ r: SkillRecord) {
        self.init(
            className: "Skill", uri: r.uri,
            properties: [
                "skillType": .string(r.skillType), "reuseLevel": .string(r.reuseLevel),
                "altLabels": strings(r.altLabels), "hiddenLabels": strings(r.hiddenLabels),
                "definition": .string(r.definition), "scopeNote": .string(r.scopeNote), "status": .string(r.status),
                "inScheme": strings(r.inScheme),
            ], preferred: r.preferredLabel, alt: r.altLabels, hidden: r.hiddenLabels, description: r.description)
    }

    public init(_ r: OccupationRecord) {
        self.init(
            className: "Occupation", uri: r.uri,
            properties: [
                "code": .string(r.code), "iscoGroupCode": .string(r.iscoGroupCode),
                "altLabels": strings(r.altLabels), "hiddenLabels": strings(r.hiddenLabels),
                "definition": .string(r.definition), "scopeNote": .string(r.scopeNote),
                "regulatedProfessionNote": .string(r.regulatedProfessionNote), "status": .string(r.status),
                "inScheme": strings(r.inScheme), "naceCodes": strings(r.naceCodes),
            ], preferred: r.preferredLabel, alt: r.altLabels, hidden: r.hiddenLabels, description: r.description)
    }

    /// A collection object; `memberCount` is filled from the collection file.
    public init(collection: CollectionKind, memberCount: Int) {
        self.init(
            className: "SkillCollection", uri: collection.conceptSchemeURI,
            properties: ["collectionId": .string(collection.rawValue), "memberCount": .number(Double(memberCount))],
            preferred: collection.displayName + " collection", alt: [],
            description: "ESCO \(collection.displayName.lowercased()) collection (\(collection.fileStem)).")
        self.labels = []
    }
}
