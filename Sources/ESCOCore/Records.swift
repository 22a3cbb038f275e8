/// ESCO records as the dataset reader produces them (docs/ARCHITECTURE.md#esco-data).
///
/// Labels are whitespace-normalised by the reader; other text is kept as published.
/// List fields are already split by each file's own separator convention.

/// An ESCO occupation (`occupations_en.csv`).
public struct OccupationRecord: Sendable, Hashable, Codable {
    public var uri: String
    public var code: String
    public var iscoGroupCode: String
    public var preferredLabel: String
    public var altLabels: [String]
    public var hiddenLabels: [String]
    public var status: String
    public var regulatedProfessionNote: String
    public var scopeNote: String
    public var definition: String
    public var description: String
    public var inScheme: [String]
    /// v1.2.0 only; empty for v1.1.x.
    public var naceCodes: [String]

    public init(
        uri: String, code: String = "", iscoGroupCode: String = "", preferredLabel: String,
        altLabels: [String] = [], hiddenLabels: [String] = [], status: String = "",
        regulatedProfessionNote: String = "", scopeNote: String = "", definition: String = "",
        description: String = "", inScheme: [String] = [], naceCodes: [String] = []
    ) {
        self.uri = uri
        self.code = code
        self.iscoGroupCode = iscoGroupCode
        self.preferredLabel = preferredLabel
        self.altLabels = altLabels
        self.hiddenLabels = hiddenLabels
        self.status = status
        self.regulatedProfessionNote = regulatedProfessionNote
        self.scopeNote = scopeNote
        self.definition = definition
        self.description = description
        self.inScheme = inScheme
        self.naceCodes = naceCodes
    }
}

/// An ESCO skill or knowledge concept (`skills_en.csv`).
public struct SkillRecord: Sendable, Hashable, Codable {
    public var uri: String
    /// `skill/competence`, `knowledge`, or empty (a handful of real rows).
    public var skillType: String
    /// `sector-specific`, `cross-sector`, `occupation-specific`, `transversal`, or empty.
    public var reuseLevel: String
    public var preferredLabel: String
    public var altLabels: [String]
    public var hiddenLabels: [String]
    public var status: String
    public var scopeNote: String
    public var definition: String
    public var description: String
    public var inScheme: [String]

    public init(
        uri: String, skillType: String = "", reuseLevel: String = "", preferredLabel: String,
        altLabels: [String] = [], hiddenLabels: [String] = [], status: String = "", scopeNote: String = "",
        definition: String = "", description: String = "", inScheme: [String] = []
    ) {
        self.uri = uri
        self.skillType = skillType
        self.reuseLevel = reuseLevel
        self.preferredLabel = preferredLabel
        self.altLabels = altLabels
        self.hiddenLabels = hiddenLabels
        self.status = status
        self.scopeNote = scopeNote
        self.definition = definition
        self.description = description
        self.inScheme = inScheme
    }
}

/// An ISCO-08 group (`ISCOGroups_en.csv`). Level = number of digits in `code` (1...4).
public struct ISCOGroupRecord: Sendable, Hashable, Codable {
    public var uri: String
    public var code: String
    public var preferredLabel: String
    public var altLabels: [String]
    public var status: String
    public var description: String
    public var inScheme: [String]

    public init(
        uri: String, code: String, preferredLabel: String, altLabels: [String] = [], status: String = "",
        description: String = "", inScheme: [String] = []
    ) {
        self.uri = uri
        self.code = code
        self.preferredLabel = preferredLabel
        self.altLabels = altLabels
        self.status = status
        self.description = description
        self.inScheme = inScheme
    }

    public var level: Int { code.count }
}

/// A skill group (`skillGroups_en.csv`).
public struct SkillGroupRecord: Sendable, Hashable, Codable {
    public var uri: String
    public var code: String
    public var preferredLabel: String
    public var altLabels: [String]
    public var hiddenLabels: [String]
    public var status: String
    public var scopeNote: String
    public var description: String
    public var inScheme: [String]

    public init(
        uri: String, code: String = "", preferredLabel: String, altLabels: [String] = [],
        hiddenLabels: [String] = [], status: String = "", scopeNote: String = "", description: String = "",
        inScheme: [String] = []
    ) {
        self.uri = uri
        self.code = code
        self.preferredLabel = preferredLabel
        self.altLabels = altLabels
        self.hiddenLabels = hiddenLabels
        self.status = status
        self.scopeNote = scopeNote
        self.description = description
        self.inScheme = inScheme
    }
}

/// A concept scheme (`conceptSchemes_en.csv`).
public struct ConceptSchemeRecord: Sendable, Hashable, Codable {
    public var uri: String
    public var preferredLabel: String
    public var title: String
    public var status: String
    public var description: String
    public var hasTopConcept: [String]

    public init(
        uri: String, preferredLabel: String, title: String = "", status: String = "", description: String = "",
        hasTopConcept: [String] = []
    ) {
        self.uri = uri
        self.preferredLabel = preferredLabel
        self.title = title
        self.status = status
        self.description = description
        self.hasTopConcept = hasTopConcept
    }
}

/// The seven ESCO collections, one CSV file each. Each is stored as a `SkillCollection` object whose
/// conceptUri is the ESCO concept scheme that publishes it.
public enum CollectionKind: String, Sendable, Hashable, Codable, CaseIterable {
    case digComp, digital, green, language, researchSkills, researchOccupations, transversal

    /// File stem in the export (`<stem>_en.csv` in v1.1.x and v1.2.0).
    public var fileStem: String {
        switch self {
        case .digComp: "digCompSkillsCollection"
        case .digital: "digitalSkillsCollection"
        case .green: "greenSkillsCollection"
        case .language: "languageSkillsCollection"
        case .researchSkills: "researchSkillsCollection"
        case .researchOccupations: "researchOccupationsCollection"
        case .transversal: "transversalSkillsCollection"
        }
    }

    /// The concept scheme URI of the collection, as listed in `conceptSchemes_en.csv` (v1.1.1).
    public var conceptSchemeURI: String {
        switch self {
        case .digComp: "http://data.europa.eu/esco/concept-scheme/digcomp"
        case .digital: "http://data.europa.eu/esco/concept-scheme/6c930acd-c104-4ece-acf7-f44fd7333036"
        case .green: "http://data.europa.eu/esco/concept-scheme/green"
        case .language: "http://data.europa.eu/esco/concept-scheme/skill-language-groups"
        case .researchSkills: "http://data.europa.eu/esco/concept-scheme/research"
        case .researchOccupations: "http://data.europa.eu/esco/concept-scheme/8ae4b9f3-507e-4057-a145-2f96f0132613"
        case .transversal: "http://data.europa.eu/esco/concept-scheme/skill-transversal-groups"
        }
    }

    public var displayName: String {
        switch self {
        case .digComp: "DigComp"
        case .digital: "Digital"
        case .green: "Green"
        case .language: "Language"
        case .researchSkills: "Research skills"
        case .researchOccupations: "Research occupations"
        case .transversal: "Transversal"
        }
    }
}

/// One row of a collection file: a concept that belongs to the collection.
public struct CollectionMemberRecord: Sendable, Hashable, Codable {
    public var collection: CollectionKind
    /// `KnowledgeSkillCompetence` or `Occupation`.
    public var conceptType: String
    public var conceptUri: String
    public var preferredLabel: String
    public var broaderConceptUris: [String]

    public init(
        collection: CollectionKind, conceptType: String, conceptUri: String, preferredLabel: String,
        broaderConceptUris: [String] = []
    ) {
        self.collection = collection
        self.conceptType = conceptType
        self.conceptUri = conceptUri
        self.preferredLabel = preferredLabel
        self.broaderConceptUris = broaderConceptUris
    }
}

/// `occupationSkillRelations.csv` (v1.1.x) / `occupationSkillRelations_en.csv` (v1.2.0).
public struct OccupationSkillRelation: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable { case essential, optional }
    public var occupationUri: String
    public var kind: Kind
    public var skillType: String
    public var skillUri: String

    public init(occupationUri: String, kind: Kind, skillType: String = "", skillUri: String) {
        self.occupationUri = occupationUri
        self.kind = kind
        self.skillType = skillType
        self.skillUri = skillUri
    }
}

/// `skillSkillRelations.csv`: original skill → related skill, essential or optional.
public struct SkillSkillRelation: Sendable, Hashable, Codable {
    public var originalSkillUri: String
    public var kind: OccupationSkillRelation.Kind
    public var relatedSkillUri: String

    public init(originalSkillUri: String, kind: OccupationSkillRelation.Kind, relatedSkillUri: String) {
        self.originalSkillUri = originalSkillUri
        self.kind = kind
        self.relatedSkillUri = relatedSkillUri
    }
}

/// A broader relation from `broaderRelationsOccPillar.csv` or `broaderRelationsSkillPillar.csv`.
public struct BroaderRelation: Sendable, Hashable, Codable {
    public enum Pillar: String, Sendable, Hashable, Codable { case occupation, skill }
    public var pillar: Pillar
    /// As published: `Occupation`, `ISCOGroup`, `KnowledgeSkillCompetence`, `SkillGroup`.
    public var conceptType: String
    public var conceptUri: String
    public var broaderType: String
    public var broaderUri: String

    public init(pillar: Pillar, conceptType: String, conceptUri: String, broaderType: String, broaderUri: String) {
        self.pillar = pillar
        self.conceptType = conceptType
        self.conceptUri = conceptUri
        self.broaderType = broaderType
        self.broaderUri = broaderUri
    }
}

/// Text normalisation for labels: NBSP/zero-width/other Unicode spaces become plain spaces or vanish,
/// runs of whitespace collapse to one space, and the ends are trimmed.
public enum LabelText {
    public static func normalise(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        var pendingSpace = false
        for scalar in s.unicodeScalars {
            switch scalar.value {
            case 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF:
                continue  // zero-width: drop
            default:
                break
            }
            if scalar.properties.isWhitespace {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace {
                out.unicodeScalars.append(" ")
                pendingSpace = false
            }
            out.unicodeScalars.append(scalar)
        }
        return out
    }
}
