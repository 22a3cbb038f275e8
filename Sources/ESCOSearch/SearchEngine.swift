import ESCOClients
import ESCOCore

/// Search, show and enrich over a `SearchBackend`, ranked by a `Ranker`.
public struct SearchEngine: Sendable {
    public let backend: any SearchBackend
    public let ranker: any Ranker

    public init(backend: any SearchBackend, ranker: any Ranker = FusedRanker()) {
        self.backend = backend
        self.ranker = ranker
    }

    static let conceptProperties = ["conceptUri", "preferredLabel", "description"]
    static let labelProperties = ["text", "labelType", "conceptUri", "conceptClass"]

    /// Results for `query`, best first.
    public func search(_ query: SearchQuery) async throws -> [SearchResult] {
        let vectors = try await backend.vectorize([query.text])
        guard let vector = vectors.first, !vector.isEmpty else {
            throw SearchError.unavailable("the vectorizer returned no vector for the query; check the vectorizer")
        }
        return try await search(vector: vector, type: query.type, limit: query.limit, minCertainty: query.minCertainty)
    }

    /// Results for an already vectorised text.
    public func search(vector: [Float], type: ConceptType, limit: Int, minCertainty: Double = 0) async throws
        -> [SearchResult]
    {
        let classes = type.classNames
        // Wide candidate pools: the fused order differs from either list's order.
        let labelPool = max(50, limit * 5)
        let conceptPool = max(20, limit * 3)
        var labelHits: [VectorHit] = []
        var conceptHits: [VectorHit] = []
        try await withThrowingTaskGroup(of: (Bool, [VectorHit]).self) { group in
            if ranker.usesLabels {
                let filter: WhereFilter? = type == .all ? nil : .containsAny(["conceptClass"], classes)
                group.addTask {
                    (true, try await backend.nearVector(className: "Label", vector: vector, filter: filter,
                                                        limit: labelPool, properties: Self.labelProperties))
                }
            }
            for cls in classes {
                group.addTask {
                    (false, try await backend.nearVector(className: cls, vector: vector, filter: nil,
                                                         limit: conceptPool, properties: Self.conceptProperties))
                }
            }
            for try await (isLabel, hits) in group {
                if isLabel { labelHits = hits } else { conceptHits += hits }
            }
        }

        var bestLabel: [String: VectorHit] = [:]
        for hit in labelHits {
            guard let uri = hit.string("conceptUri") else { continue }
            if let old = bestLabel[uri], old.certainty >= hit.certainty { continue }
            bestLabel[uri] = hit
        }
        var concepts: [String: VectorHit] = [:]
        for hit in conceptHits {
            guard let uri = hit.string("conceptUri") else { continue }
            concepts[uri] = hit
        }

        // Score every candidate on both signals: a concept found through a label is scored exactly on its
        // concept vector too (and the other way round), instead of guessing the missing score.
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
        if ranker.usesLabels, !labelHits.isEmpty {
            let missingLabel = concepts.keys.filter { bestLabel[$0] == nil }.sorted()
            if !missingLabel.isEmpty {
                for hit in try await backend.nearVector(
                    className: "Label", vector: vector, filter: .containsAny(["conceptUri"], missingLabel),
                    limit: min(10_000, missingLabel.count * 100), properties: Self.labelProperties)
                {
                    guard let uri = hit.string("conceptUri") else { continue }
                    if let old = bestLabel[uri], old.certainty >= hit.certainty { continue }
                    bestLabel[uri] = hit
                }
            }
        }

        let candidates = Set(concepts.keys).union(bestLabel.keys).map { uri in
            RankingCandidate(
                conceptUri: uri, bestLabelCertainty: ranker.usesLabels ? bestLabel[uri]?.certainty : nil,
                bestLabel: bestLabel[uri]?.string("text"),
                conceptCertainty: ranker.usesConcepts ? concepts[uri]?.certainty : nil)
        }
        var results: [SearchResult] = []
        for (candidate, score) in ranker.rank(candidates) where score >= minCertainty {
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
