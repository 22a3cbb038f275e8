/// One search result.
public struct SearchResult: Sendable, Hashable, Codable {
    /// The ESCO concept URI.
    public var uri: String
    /// The Weaviate object id (UUIDv5 of the URI).
    public var id: String
    /// The preferred label.
    public var label: String
    public var type: ConceptType
    /// Ranking score, 0...1, higher is better.
    public var score: Double
    /// The description's first sentence (or about 200 characters).
    public var description: String
    /// The label that matched best (preferred, alternative or hidden), when label vectors were used.
    public var matchedLabel: String?

    public init(
        uri: String, id: String, label: String, type: ConceptType, score: Double, description: String,
        matchedLabel: String?
    ) {
        self.uri = uri
        self.id = id
        self.label = label
        self.type = type
        self.score = score
        self.description = description
        self.matchedLabel = matchedLabel
    }
}

/// A related concept, as listed under a relation.
public struct ConceptLink: Sendable, Hashable, Codable, Comparable {
    public var uri: String
    public var id: String
    public var label: String
    /// `skill`, `occupation`, `isco`, `group` or `collection`.
    public var type: String

    public init(uri: String, id: String, label: String, type: String) {
        self.uri = uri
        self.id = id
        self.label = label
        self.type = type
    }

    public static func < (a: ConceptLink, b: ConceptLink) -> Bool {
        (a.label.lowercased(), a.uri) < (b.label.lowercased(), b.uri)
    }
}

/// One named relation of a concept and its targets (sorted by label).
public struct ConceptRelation: Sendable, Hashable, Codable {
    /// The Weaviate reference property, e.g. `essentialSkills`.
    public var name: String
    /// What an operator reads, e.g. "essential skills".
    public var title: String
    public var concepts: [ConceptLink]
}

/// A concept with its properties and relations (`esco show`, `GET /concepts/{id}`).
public struct ConceptDetail: Sendable, Hashable, Codable {
    public var uri: String
    public var id: String
    public var type: ConceptType
    public var label: String
    public var altLabels: [String]
    public var description: String
    /// Class-specific scalar properties (skillType, reuseLevel, code, iscoGroupCode, ...), only when set.
    public var properties: [String: String]
    /// Relations in a fixed order per type (see `ConceptSchema`), empty ones included.
    public var relations: [ConceptRelation]
    /// The data generation that answered (`g3`), set by esco-search (docs/ARCHITECTURE.md#aliases).
    public var generation: String? = nil

    /// The targets of one relation (empty when the relation is unknown or has none).
    public func related(_ name: String) -> [ConceptLink] {
        relations.first { $0.name == name }?.concepts ?? []
    }
}

/// A skill found in a job description, with the phrase that matched it.
public struct SkillMatch: Sendable, Hashable, Codable {
    public var skill: SearchResult
    /// The phrase of the title or description that matched best.
    public var phrase: String
}

/// `enrich`'s answer: likely occupations, skills the text mentions, and the top occupation's essential
/// skills it does not mention.
public struct EnrichmentResult: Sendable, Hashable, Codable {
    public var occupations: [SearchResult]
    public var matchedSkills: [SkillMatch]
    /// Essential skills of `basedOn` occupations that are not among `matchedSkills`.
    public var missingEssentialSkills: [ConceptLink]
    /// The occupations whose essential skills were compared.
    public var basedOn: [ConceptLink]
    /// The data generation that answered (`g3`), set by esco-search (docs/ARCHITECTURE.md#aliases).
    public var generation: String? = nil
}
