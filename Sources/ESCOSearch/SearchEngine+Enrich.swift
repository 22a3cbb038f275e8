import Foundation

/// A validated enrichment request: a job title and its description.
public struct EnrichmentRequest: Sendable, Hashable {
    public static let maxTitleLength = 500
    public static let maxDescriptionLength = 20_000

    public let title: String
    public let description: String

    /// - Throws: `SearchError` (400) when the title is empty or a field is too long.
    public init(title: String, description: String) throws(SearchError) {
        let t = title.trimmingWhiteSpace()
        guard !t.isEmpty else { throw .invalid("title", "the title is empty; pass the job title") }
        guard t.count <= Self.maxTitleLength else {
            throw .invalid("title", "the title has \(t.count) characters; at most \(Self.maxTitleLength) are allowed")
        }
        guard description.count <= Self.maxDescriptionLength else {
            throw .invalid(
                "description",
                "the description has \(description.count) characters; at most \(Self.maxDescriptionLength) are allowed")
        }
        self.title = t
        self.description = description.trimmingWhiteSpace()
    }

    /// Sentences and list items of the description (3 to 300 characters each, at most `maxPhrases`), the
    /// units matched against skills: a whole description's vector is too diluted to match any one skill.
    public func phrases(maxPhrases: Int = 40) -> [String] {
        var out: [String] = []
        var seen = Set<String>()
        let separators = CharacterSet(charactersIn: ".;!?\n•·\u{2022}")
        for piece in description.components(separatedBy: separators) {
            var p = piece.trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: "-*–,:")))
            p = p.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
            guard p.count >= 3 else { continue }
            if p.count > 300 { p = String(p.prefix(300)) }
            if seen.insert(p.lowercased()).inserted { out.append(p) }
            if out.count == maxPhrases { break }
        }
        return out
    }
}

extension SearchEngine {
    /// Tuning of `enrich`.
    public struct EnrichmentOptions: Sendable, Hashable {
        /// Occupations returned.
        public var occupations: Int = 5
        /// Skills kept only at or above this score.
        public var skillThreshold: Double = 0.78
        /// Skills returned at most.
        public var maxSkills: Int = 30
        /// Occupations whose essential skills are compared: the top one, plus others within this score margin.
        public var occupationMargin: Double = 0.02
        public var maxBasedOn: Int = 2
        public init() {}
    }

    static func byScore(_ a: SearchResult, _ b: SearchResult) -> Bool {
        a.score > b.score || (a.score == b.score && a.uri < b.uri)
    }

    /// Likely occupations for a job ad, the skills its text mentions, and the essential skills of the top
    /// occupation(s) it does not mention.
    public func enrich(_ request: EnrichmentRequest, options: EnrichmentOptions = .init()) async throws
        -> EnrichmentResult
    {
        let phrases = request.phrases()
        let full = request.description.isEmpty ? request.title : request.title + ". " + request.description
        let texts = [request.title, full] + phrases
        let vectors = try await backend.vectorize(texts)
        // Every lookup below reads the same data generation (docs/ARCHITECTURE.md#aliases).
        let engine = SearchEngine(backend: try await backend.pinned(), ranker: ranker)
        guard vectors.count == texts.count else {
            throw SearchError.unavailable("the vectorizer returned \(vectors.count) vectors for \(texts.count) texts")
        }

        // Occupations: the title is the strongest signal, the whole text breaks ties between close titles.
        let pool = max(10, options.occupations * 2)
        let byTitle = try await engine.search(vector: vectors[0], type: .occupation, limit: pool)
        let byText = try await engine.search(vector: vectors[1], type: .occupation, limit: pool)
        let floorTitle = byTitle.last?.score ?? 0
        let floorText = byText.last?.score ?? 0
        var merged: [String: SearchResult] = [:]
        for r in byTitle + byText where merged[r.uri] == nil { merged[r.uri] = r }
        let titleScore = Dictionary(byTitle.map { ($0.uri, $0.score) }, uniquingKeysWith: max)
        let textScore = Dictionary(byText.map { ($0.uri, $0.score) }, uniquingKeysWith: max)
        var scored: [SearchResult] = []
        for var r in merged.values {
            let t: Double = titleScore[r.uri] ?? floorTitle
            let x: Double = textScore[r.uri] ?? floorText
            r.score = 0.7 * t + 0.3 * x
            scored.append(r)
        }
        let occupations = scored.sorted(by: Self.byScore).prefix(options.occupations)

        // Skills: each phrase (and the title) on its own; a skill keeps its best phrase.
        var best: [String: SkillMatch] = [:]
        for (text, vector) in zip([request.title] + phrases, [vectors[0]] + vectors.dropFirst(2)) {
            for hit in try await engine.search(
                vector: vector, type: .skill, limit: 3, minCertainty: options.skillThreshold)
            {
                if let old = best[hit.uri], old.skill.score >= hit.score { continue }
                best[hit.uri] = SkillMatch(skill: hit, phrase: text)
            }
        }
        let matched = best.values.sorted { Self.byScore($0.skill, $1.skill) }.prefix(options.maxSkills)

        var basedOn: [ConceptLink] = []
        var missing: [ConceptLink] = []
        let matchedURIs = Set(matched.map(\.skill.uri))
        if let top = occupations.first {
            for occ in occupations.prefix(options.maxBasedOn) where occ.score >= top.score - options.occupationMargin {
                basedOn.append(ConceptLink(uri: occ.uri, id: occ.id, label: occ.label, type: "occupation"))
                let detail = try await engine.concept(.uri(occ.uri))
                for skill in detail.related("essentialSkills")
                where !matchedURIs.contains(skill.uri) && !missing.contains(skill) {
                    missing.append(skill)
                }
            }
        }
        return EnrichmentResult(
            occupations: Array(occupations), matchedSkills: Array(matched), missingEssentialSkills: missing.sorted(),
            basedOn: basedOn)
    }
}
