import ESCOClients
import ESCOCore

/// Search, show and enrich over a `SearchBackend`, ranked by a `Ranker`.
public struct SearchEngine: Sendable {
    public let backend: any SearchBackend
    public let ranker: any Ranker

    /// The ranker used when none is given: the best measured one (docs/ARCHITECTURE.md#search).
    public static let defaultRanker: any Ranker = FusedRanker()

    public init(backend: any SearchBackend, ranker: any Ranker = SearchEngine.defaultRanker) {
        self.backend = backend
        self.ranker = ranker
    }

    static func normalised(_ s: String) -> String {
        s.lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    static let conceptProperties = ["conceptUri", "preferredLabel", "description"]
    static let labelProperties = ["text", "labelType", "conceptUri", "conceptClass"]

    /// Results for `query`, best first.
    public func search(_ query: SearchQuery) async throws -> [SearchResult] {
        let vectors = try await backend.vectorize([query.text])
        guard let vector = vectors.first, !vector.isEmpty else {
            throw SearchError.unavailable("the vectorizer returned no vector for the query; check the vectorizer")
        }
        return try await search(
            vector: vector, type: query.type, limit: query.limit, minCertainty: query.minCertainty, text: query.text)
    }

    /// Results for an already vectorised text. When `text` is given, a concept whose preferred label is exactly
    /// that text (ignoring case and spacing) scores 1: typing a concept's name must find that concept first,
    /// even when another concept carries the same words as an alternative label (ESCO has many such pairs).
    public func search(
        vector: [Float], type: ConceptType, limit: Int, minCertainty: Double = 0, text: String? = nil
    ) async throws
        -> [SearchResult]
    {
        // One data generation for the whole answer (docs/ARCHITECTURE.md#aliases).
        let backend = try await self.backend.pinned()
        let classes = type.classNames
        let labelPool = ranker.pools.labelPool(limit: limit)
        let conceptPool = ranker.pools.conceptPool(limit: limit)
        var labelHits: [VectorHit] = []
        var conceptHits: [VectorHit] = []
        try await withThrowingTaskGroup(of: (Bool, [VectorHit]).self) { group in
            if ranker.usesLabels {
                let filter: WhereFilter? = type == .all ? nil : .equal(["conceptClass"], .text(classes[0]))
                group.addTask {
                    (
                        true,
                        try await backend.nearVector(
                            className: "Label", vector: vector, filter: filter,
                            limit: labelPool, properties: Self.labelProperties)
                    )
                }
            }
            for cls in classes {
                group.addTask {
                    (
                        false,
                        try await backend.nearVector(
                            className: cls, vector: vector, filter: nil,
                            limit: conceptPool, properties: Self.conceptProperties)
                    )
                }
            }
            for try await (isLabel, hits) in group {
                if isLabel { labelHits = hits } else { conceptHits += hits }
            }
        }

        var bestLabel: [String: VectorHit] = [:]
        for hit in labelHits {
            guard let uri = hit.string("conceptUri") else { continue }
            if let old = bestLabel[uri], ranker.labelScore(old) >= ranker.labelScore(hit) { continue }
            bestLabel[uri] = hit
        }
        var concepts: [String: VectorHit] = [:]
        for hit in conceptHits {
            guard let uri = hit.string("conceptUri") else { continue }
            concepts[uri] = hit
        }

        // A concept found through a label is scored exactly on its concept vector too (a small query: the label
        // pool is bounded). A concept found only through its concept vector has no label in the label pool, so
        // its best label scores at most the pool's lowest: that bound stands in for it (an exact fill-in would
        // filter every Label object by a long URI list, which is slow on large data).
        let missingConcept = bestLabel.keys.filter { concepts[$0] == nil }
        if !missingConcept.isEmpty {
            let byClass = Dictionary(grouping: missingConcept) { bestLabel[$0]?.string("conceptClass") ?? "" }
            for (cls, uris) in byClass where classes.contains(cls) {
                for hit in try await backend.nearVector(
                    className: cls, vector: vector, filter: .containsAny(["conceptUri"], uris.sorted()),
                    limit: uris.count, properties: Self.conceptProperties)
                {
                    if let uri = hit.string("conceptUri") { concepts[uri] = hit }
                }
            }
        }
        let labelFloor: Double? = labelHits.count >= labelPool ? labelHits.map { ranker.labelScore($0) }.min() : nil

        let candidates = Set(concepts.keys).union(bestLabel.keys).map { uri in
            RankingCandidate(
                conceptUri: uri,
                bestLabelCertainty: ranker.usesLabels
                    ? bestLabel[uri].map { ranker.labelScore($0) } ?? labelFloor : nil,
                bestLabel: bestLabel[uri]?.string("text"),
                conceptCertainty: ranker.usesConcepts ? concepts[uri]?.certainty : nil)
        }
        let exact = text.map(Self.normalised)
        var ranked = ranker.rank(candidates)
        if let exact {
            ranked = ranked.map { c, score in
                let label = concepts[c.conceptUri]?.string("preferredLabel").map(Self.normalised)
                return (c, label == exact ? 1.0 : score)
            }
            .sorted { $0.1 > $1.1 || ($0.1 == $1.1 && $0.0.conceptUri < $1.0.conceptUri) }
        }
        var results: [SearchResult] = []
        for (candidate, score) in ranked where score >= minCertainty {
            // Only concepts whose object was found are shown: a label without its concept is stale data.
            guard let hit = concepts[candidate.conceptUri], let type = ConceptType(className: hit.className) else {
                continue
            }
            results.append(
                SearchResult(
                    uri: candidate.conceptUri, id: hit.id, label: hit.string("preferredLabel") ?? "",
                    type: type, score: score, description: TextSummary.short(hit.string("description") ?? ""),
                    matchedLabel: candidate.bestLabel))
            if results.count == limit { break }
        }
        return results
    }
}
