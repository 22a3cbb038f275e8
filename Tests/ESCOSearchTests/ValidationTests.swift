import ESCOCore
import ESCOSearch
import Foundation
import Testing

@Suite struct ValidationTests {
    @Test(arguments: [
        ("", "q"), ("   \n ", "q"), (String(repeating: "a", count: 501), "q"),
    ])
    func rejectsBadQueryText(text: String, parameter: String) {
        #expect(throws: SearchError.self) { try SearchQuery(text: text) }
        do { _ = try SearchQuery(text: text) } catch { #expect(error.parameter == parameter && error.status == 400) }
    }

    @Test func acceptsBoundaries() throws {
        let q = try SearchQuery(
            text: "  " + String(repeating: "a", count: 500) + " ", type: .skill, limit: 100, minCertainty: 1)
        #expect(q.text.count == 500 && q.limit == 100)
        #expect(try SearchQuery(text: "x", limit: 1, minCertainty: 0).limit == 1)
    }

    @Test(
        arguments: [
            (nil, "x", nil, nil, "q"), ("a", "job", nil, nil, "type"), ("a", nil, "0", nil, "limit"),
            ("a", nil, "101", nil, "limit"), ("a", nil, "ten", nil, "limit"), ("a", nil, nil, "1.5", "min_certainty"),
            ("a", nil, nil, "-0.1", "min_certainty"), ("a", nil, nil, "nan", "min_certainty"),
            ("a", nil, nil, "high", "min_certainty"),
        ] as [(String?, String?, String?, String?, String)])
    func parseNamesTheParameter(q: String?, type: String?, limit: String?, certainty: String?, parameter: String) {
        do {
            _ = try SearchQuery.parse(text: q, type: type, limit: limit, minCertainty: certainty)
            Issue.record("accepted bad input for \(parameter)")
        } catch {
            #expect(error.parameter == parameter)
            #expect(error.status == 400)
        }
    }

    @Test func typesMapToClasses() throws {
        #expect(try ConceptType.parse("ISCO").classNames == ["ISCOGroup"])
        #expect(ConceptType.all.classNames == ["Skill", "Occupation", "ISCOGroup", "SkillGroup"])
        #expect(ConceptType(className: "SkillGroup") == .group)
    }

    @Test func conceptReferences() throws {
        let uri = "http://data.europa.eu/esco/skill/0005c151-5b5a-4a66-8aac-60e734beb1ab"
        #expect(try ConceptReference.parse(uri) == .uri(uri))
        #expect(try ConceptReference.parse(uri.replacingOccurrences(of: "http:", with: "https:")) == .uri(uri))
        #expect(try ConceptReference.parse(uri).objectID == ObjectID.uuid5(uri))
        #expect(
            try ConceptReference.parse("9342D47A-1BAB-5709-9869-C840B2EAC501")
                == .id("9342d47a-1bab-5709-9869-c840b2eac501"))
        for bad in [
            "", "hello", "http://example.com/esco/skill/x", "http://data.europa.eu/esco/", "9342d47a-1bab-5709-9869",
            "http://data.europa.eu/esco/skill/a\"b", "http://data.europa.eu/esco/skill/a b",
            "ftp://data.europa.eu/esco/x",
        ] {
            #expect(throws: SearchError.self, "\(bad)") { try ConceptReference.parse(bad) }
        }
    }

    @Test func enrichmentRequest() throws {
        #expect(throws: SearchError.self) { try EnrichmentRequest(title: " ", description: "x") }
        #expect(throws: SearchError.self) {
            try EnrichmentRequest(title: "t", description: String(repeating: "x", count: 20_001))
        }
        let r = try EnrichmentRequest(
            title: "Welder", description: "We need a welder.\n- Read blueprints; operate cranes\n• safety first!! ok")
        #expect(r.phrases() == ["We need a welder", "Read blueprints", "operate cranes", "safety first"])
    }

    @Test func shortDescriptions() {
        #expect(TextSummary.short("Weld metal parts. Then grind them.") == "Weld metal parts.")
        #expect(TextSummary.short("  a\n b  ") == "a b")
        let long = String(repeating: "word ", count: 100)
        let s = TextSummary.short(long)
        #expect(s.count <= 201 && s.hasSuffix("…"))
        #expect(TextSummary.short("e.g. something small") == "e.g. something small")
    }
}

@Suite struct RankerTests {
    @Test func fusedWeighsLabelAndConcept() {
        let r = FusedRanker(labelWeight: 0.6)
        #expect(
            abs(r.score(RankingCandidate(conceptUri: "a", bestLabelCertainty: 1, conceptCertainty: 0.5))! - 0.8) < 1e-9)
        #expect(r.score(RankingCandidate(conceptUri: "a", bestLabelCertainty: 0.9)) == 0.9)
        #expect(r.score(RankingCandidate(conceptUri: "a")) == nil)
        #expect(FusedRanker(labelWeight: 7).labelWeight == 1)
    }

    @Test func fusionCanOvertakeEitherSignal() {
        // b has the better label, a the better concept vector; the fusion decides by the weight.
        let a = RankingCandidate(conceptUri: "a", bestLabelCertainty: 0.80, conceptCertainty: 0.95)
        let b = RankingCandidate(conceptUri: "b", bestLabelCertainty: 0.90, conceptCertainty: 0.70)
        #expect(FusedRanker(labelWeight: 0.6).rank([a, b]).map(\.candidate.conceptUri) == ["a", "b"])
        #expect(LabelOnlyRanker().rank([a, b]).map(\.candidate.conceptUri) == ["b", "a"])
        #expect(ConceptOnlyRanker().rank([a, b]).map(\.candidate.conceptUri) == ["a", "b"])
        #expect(FusedRanker(labelWeight: 0.95).rank([a, b]).map(\.candidate.conceptUri) == ["b", "a"])
    }

    @Test func alternativeLabelPenaltyLowersOnlyNonPreferredLabels() {
        func hit(_ type: String) -> VectorHit {
            VectorHit(className: "Label", id: type, properties: ["labelType": .string(type)], certainty: 0.9)
        }
        let strict = FusedRanker(alternativeLabelPenalty: 0.05)
        #expect(strict.labelScore(hit("preferred")) == 0.9)
        #expect(abs(strict.labelScore(hit("alternative")) - 0.85) < 1e-9)
        #expect(abs(strict.labelScore(hit("hidden")) - 0.85) < 1e-9)
        #expect(abs(FusedRanker().labelScore(hit("alternative")) - 0.89) < 1e-9)
        #expect(FusedRanker(alternativeLabelPenalty: 0).labelScore(hit("alternative")) == 0.9)
        #expect(strict.name == "fused(w=0.6,alt-0.05)")
        #expect(FusedRanker(alternativeLabelPenalty: -1).alternativeLabelPenalty == 0)
    }

    @Test func tiesAreDeterministic() {
        let c = ["z", "m", "a"].map { RankingCandidate(conceptUri: $0, conceptCertainty: 0.7) }
        #expect(ConceptOnlyRanker().rank(c).map(\.candidate.conceptUri) == ["a", "m", "z"])
    }

    /// The default pools are the engine's former fixed ones: 60 labels and 20 concepts, 4 and 2 per result
    /// asked for, at most 300 and 150.
    @Test func defaultPoolsWidenWithTheLimitUpToTheirMaximum() {
        let pools = SearchEngine.defaultRanker.pools
        #expect([1, 10, 20, 50, 100, 1000].map { pools.labelPool(limit: $0) } == [60, 60, 80, 200, 300, 300])
        #expect([1, 10, 20, 50, 100, 1000].map { pools.conceptPool(limit: $0) } == [20, 20, 40, 100, 150, 150])
        let wide = CandidatePools(labels: 400, concepts: 200)
        #expect(wide.labelPool(limit: 10) == 400 && wide.conceptPool(limit: 10) == 200)
        #expect(FusedRanker(pools: wide).name == "fused(w=0.6,pools=400/200)" && FusedRanker().name == "fused(w=0.6)")
    }
}

@Suite struct OutputTests {
    let result = SearchResult(
        uri: "http://data.europa.eu/esco/occupation/x", id: "id", label: "welder", type: .occupation, score: 0.8765,
        description: "Joins metal.", matchedLabel: "metal welder")

    @Test func plainHasNoEscapes() {
        let s = SearchOutput(colour: false).results([result], query: "welder")
        #expect(!s.contains("\u{1B}"))
        #expect(
            s.contains("0.877") && s.contains("occupation") && s.contains("welder")
                && s.contains("matched: metal welder"))
        #expect(s.contains("http://data.europa.eu/esco/occupation/x") && s.contains("Joins metal."))
    }

    @Test func colourUsesANSI() {
        #expect(SearchOutput(colour: true).results([result], query: "w").contains("\u{1B}[1mwelder\u{1B}[0m"))
        #expect(SearchOutput(colour: false).results([], query: "w") == "no results for \"w\"\n")
    }
}
