/// One candidate concept with the evidence the backend found for it.
public struct RankingCandidate: Sendable, Hashable {
    public var conceptUri: String
    /// Certainty (0...1) of the best-matching label vector, and that label; nil when no label vector was scored.
    public var bestLabelCertainty: Double?
    public var bestLabel: String?
    /// Certainty (0...1) of the concept's full-text vector (`EmbeddingRecipe.conceptText`); nil when not scored.
    public var conceptCertainty: Double?

    public init(
        conceptUri: String, bestLabelCertainty: Double? = nil, bestLabel: String? = nil,
        conceptCertainty: Double? = nil
    ) {
        self.conceptUri = conceptUri
        self.bestLabelCertainty = bestLabelCertainty
        self.bestLabel = bestLabel
        self.conceptCertainty = conceptCertainty
    }
}

/// Turns candidates into one score each (0...1, higher is better). The one swappable piece of ranking
/// (docs/ARCHITECTURE.md#search): measure a change with `scripts/bench-ranking` before making it the default.
public protocol Ranker: Sendable {
    /// A short name for reports (`fused(w=0.6)`).
    var name: String { get }
    /// Whether the ranker reads label vectors; when false the engine skips the Label queries.
    var usesLabels: Bool { get }
    /// Whether the ranker reads concept vectors.
    var usesConcepts: Bool { get }
    /// The score of one candidate; nil drops it.
    func score(_ candidate: RankingCandidate) -> Double?
    /// How much a non-preferred (alternative or hidden) label's certainty is lowered, so a query that is
    /// exactly one concept's preferred label and another's alternative label finds the first one first.
    var alternativeLabelPenalty: Double { get }
    /// How many label and concept hits the engine fetches before ranking.
    var pools: CandidatePools { get }
}

/// The candidate pools: the engine fetches the nearest `labels` Label objects and the nearest `concepts`
/// objects of each searched class, widened for large limits (4 labels and 2 concepts per result asked for) up
/// to `maxLabels` and `maxConcepts`. Wide pools matter because the fused order differs from either list's
/// order; they cost larger Weaviate answers.
public struct CandidatePools: Sendable, Hashable {
    public var labels: Int
    public var concepts: Int
    public var maxLabels: Int
    public var maxConcepts: Int

    public init(labels: Int = 60, concepts: Int = 20, maxLabels: Int = 300, maxConcepts: Int = 150) {
        self.labels = max(1, labels)
        self.concepts = max(1, concepts)
        self.maxLabels = max(self.labels, maxLabels)
        self.maxConcepts = max(self.concepts, maxConcepts)
    }

    public func labelPool(limit: Int) -> Int { min(maxLabels, max(labels, limit * 4)) }
    public func conceptPool(limit: Int) -> Int { min(maxConcepts, max(concepts, limit * 2)) }
}

extension Ranker {
    public var alternativeLabelPenalty: Double { 0.01 }
    public var pools: CandidatePools { CandidatePools() }

    /// A label hit's certainty as this ranker weighs it (see `alternativeLabelPenalty`).
    public func labelScore(_ hit: VectorHit) -> Double {
        hit.certainty - (hit.string("labelType") == "preferred" ? 0 : alternativeLabelPenalty)
    }
}

extension Ranker {
    /// Candidates scored and sorted best first; ties broken by URI so results are deterministic.
    public func rank(_ candidates: [RankingCandidate]) -> [(candidate: RankingCandidate, score: Double)] {
        candidates.compactMap { c in score(c).map { (c, min(1, max(0, $0))) } }
            .sorted { $0.1 > $1.1 || ($0.1 == $1.1 && $0.0.conceptUri < $1.0.conceptUri) }
    }
}

/// Best label certainty fused with the concept-vector certainty: `w * label + (1 - w) * concept`.
///
/// One vector per label finds a concept through the one phrase a user typed (a colloquial name, an
/// abbreviation), the full-text vector keeps the description's context; measured with all-MiniLM-L6-v2 the
/// fusion beats either alone (docs/ARCHITECTURE.md#search). A candidate missing one score (data ingested without
/// label vectors, say) is scored by the other alone.
public struct FusedRanker: Ranker {
    /// Weight of the best label's certainty, 0...1.
    public var labelWeight: Double
    public var pools: CandidatePools
    /// How much an alternative or hidden label's certainty is lowered (0...1): ESCO's alternative labels are
    /// noisier than its preferred ones, so a larger penalty trusts them less.
    public var alternativeLabelPenalty: Double

    public init(
        labelWeight: Double = 0.6, pools: CandidatePools = CandidatePools(), alternativeLabelPenalty: Double = 0.01
    ) {
        self.labelWeight = min(1, max(0, labelWeight))
        self.pools = pools
        self.alternativeLabelPenalty = min(1, max(0, alternativeLabelPenalty))
    }

    public var name: String {
        let p = pools == CandidatePools() ? "" : ",pools=\(pools.labels)/\(pools.concepts)"
        let a = alternativeLabelPenalty == 0.01 ? "" : ",alt-\(alternativeLabelPenalty)"
        return "fused(w=\(labelWeight)\(p)\(a))"
    }
    public var usesLabels: Bool { labelWeight > 0 }
    public var usesConcepts: Bool { labelWeight < 1 }

    public func score(_ c: RankingCandidate) -> Double? {
        switch (c.bestLabelCertainty, c.conceptCertainty) {
        case (let l?, let k?): labelWeight * l + (1 - labelWeight) * k
        case (let l?, nil): l
        case (nil, let k?): k
        case (nil, nil): nil
        }
    }
}

/// Best label alone (one vector per label, no description context).
public struct LabelOnlyRanker: Ranker {
    public init() {}
    public var name: String { "label-only" }
    public var usesLabels: Bool { true }
    public var usesConcepts: Bool { false }
    public func score(_ c: RankingCandidate) -> Double? { c.bestLabelCertainty }
}

/// The concept's full-text vector alone: the original single-vector recipe.
public struct ConceptOnlyRanker: Ranker {
    public init() {}
    public var name: String { "concept-only" }
    public var usesLabels: Bool { false }
    public var usesConcepts: Bool { true }
    public func score(_ c: RankingCandidate) -> Double? { c.conceptCertainty }
}
