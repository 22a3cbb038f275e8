/// The steps of `esco ingest` (docs/ARCHITECTURE.md#ingestion), in order, with their checkpoint names.
///
/// Object steps write each concept with its properties and vector; relation steps write each concept
/// again, complete with every reference list. A batch upsert replaces the whole object, so a relation
/// step can be repeated any number of times without duplicating a reference (Weaviate's
/// `/v1/batch/references` appends, section 6), and a crash inside it is repaired by running it again.
public enum IngestionStep: String, Sendable, Hashable, Codable, CaseIterable {
    case schema
    case iscoGroups = "isco-groups"
    case skillGroups = "skill-groups"
    case collections
    case skills
    case occupations
    case labels
    case iscoGroupRelations = "relations-isco-groups"
    case skillGroupRelations = "relations-skill-groups"
    case collectionRelations = "relations-collections"
    case occupationRelations = "relations-occupations"
    case skillRelations = "relations-skills"
    case prune
    case verify

    /// The Weaviate class a step writes, if it writes one.
    public var className: String? {
        switch self {
        case .iscoGroups, .iscoGroupRelations: "ISCOGroup"
        case .skillGroups, .skillGroupRelations: "SkillGroup"
        case .collections, .collectionRelations: "SkillCollection"
        case .skills, .skillRelations: "Skill"
        case .occupations, .occupationRelations: "Occupation"
        case .labels: "Label"
        case .schema, .prune, .verify: nil
        }
    }

    public var isRelationStep: Bool { rawValue.hasPrefix("relations-") }

    /// Steps that must run every time: their effect is not a durable checkpoint for the data
    /// (verify re-checks what is there; schema is cheap and catches an externally changed class).
    public var alwaysRuns: Bool { self == .schema || self == .verify }
}

/// Which steps a run performs, given the checkpoints recorded for the same dataset fingerprint.
public struct IngestionPlan: Sendable, Hashable {
    public let steps: [IngestionStep]
    /// Steps skipped because a checkpoint says they finished for this fingerprint.
    public let skipped: [IngestionStep]

    public init(labelVectors: Bool, completedSteps: Set<String>) {
        let all = IngestionStep.allCases.filter { labelVectors || $0 != .labels }
        self.steps = all
        self.skipped = all.filter { !$0.alwaysRuns && completedSteps.contains($0.rawValue) }
    }

    /// Steps in order, with `k/N` numbering that counts every step (skipped ones included), so progress
    /// lines read the same on a first run and on a resumed one.
    public var numbered: [(index: Int, count: Int, step: IngestionStep, skip: Bool)] {
        steps.enumerated().map {
            (index: $0.offset + 1, count: steps.count, step: $0.element, skip: skipped.contains($0.element))
        }
    }
}

/// The text embedded for a concept (docs/ARCHITECTURE.md#weaviate-model). Its `id` is part of the stored
/// fingerprint, so changing the recipe marks existing data outdated and forces a rebuild.
public enum EmbeddingRecipe {
    public static let id = "concept-text-v1+labels-v1"

    /// "preferred label. alt label 1, alt label 2. description" (empty parts left out).
    public static func conceptText(preferredLabel: String, altLabels: [String], description: String) -> String {
        var parts: [String] = []
        if !preferredLabel.isEmpty { parts.append(preferredLabel) }
        if !altLabels.isEmpty { parts.append(altLabels.joined(separator: ", ")) }
        let d = LabelText.normalise(description)
        if !d.isEmpty { parts.append(d) }
        return parts.joined(separator: ". ")
    }
}
