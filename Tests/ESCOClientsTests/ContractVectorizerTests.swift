import ESCOClients
import ESCOConfig
import ESCOCore
import ESCOStandIns
import Foundation
import Testing
import TestSupport

/// The text2vec-transformers calls: readiness, meta, vectors (single and batched), and the cache in front.
extension ContractTests {
    @Test func vectorizerReadyMetaAndSingleTextVectors() async throws {
        try await withContractVectorizer(batchTexts: .never) { vectorizer, url in
            #expect(await vectorizer.isReady())
            let meta = try await vectorizer.meta()
            #expect(meta["model"] != nil, "GET \(url)/meta names the model: \(meta)")
            let identity = try await vectorizer.modelIdentity()
            #expect(!identity.hasPrefix("unknown-model"), "\(identity)")

            let texts = ["software developer", "Softwareentwickler", "a \"quoted\" label\nwith a newline"]
            let vectors = try await vectorizer.vectorize(texts)
            #expect(vectors.count == texts.count)
            #expect(vectors.allSatisfy { $0.count == 384 }, "all-MiniLM-L6-v2 (and the stand-in) give 384 dimensions")
            #expect(vectors.allSatisfy { $0.contains { $0 != 0 } })
            // Deterministic: the same text gives the same vector.
            #expect(try await vectorizer.vectorize([texts[0]]) == [vectors[0]])
            if ContractEnvironment.vectorizerIsStandIn {
                #expect(vectors == texts.map { HashedEmbedding.embed($0) })
            }
        }
    }

    @Test func batchedVectorsMatchSingleTextVectors() async throws {
        let texts = (0..<20).map { "skill number \($0) with some words" }
        let single = try await withContractVectorizer(batchTexts: .never) { v, _ in try await v.vectorize(texts) }
        // `.auto` probes `{"texts": [...]}` and falls back to single texts on servers without it.
        let auto = try await withContractVectorizer(batchTexts: .auto) { v, _ in try await v.vectorize(texts) }
        #expect(auto.count == texts.count)
        for (a, b) in zip(auto, single) { #expect(close(a, b, tolerance: 1e-4)) }
    }

    @Test(.enabled(if: ContractEnvironment.vectorizerIsStandIn, "counts requests on the stand-in"))
    func batchProbeFallsBackToSingleTextsWhenTheServerRejectsTexts() async throws {
        let texts = (0..<5).map { "probe text \($0)" }
        try await withContractVectorizer(.init(batch: false)) { vectorizer, url in
            #expect(try await vectorizer.vectorize(texts) == texts.map { HashedEmbedding.embed($0) })
            let stats = try #require(try await contractRaw("GET", url + "/_standin/stats").json)
            #expect(stats["requests"]?.intValue == 1 + texts.count, "one rejected probe, then one request per text: \(stats)")
            #expect(stats["texts"]?.intValue == texts.count)
            // The answer is remembered: no second probe.
            _ = try await vectorizer.vectorize(["one more"])
            #expect(try await contractRaw("GET", url + "/_standin/stats").json?["requests"]?.intValue == texts.count + 2)
        }
        try await withContractVectorizer(.init(batch: true)) { vectorizer, url in
            _ = try await vectorizer.vectorize(texts)
            let stats = try #require(try await contractRaw("GET", url + "/_standin/stats").json)
            #expect(stats["requests"]?.intValue == 1, "a server with {\"texts\"} gets one request for 5 texts")
        }
    }

    @Test(.enabled(if: ContractEnvironment.vectorizerIsStandIn, "counts texts on the stand-in"))
    func cachingVectorizerSendsOnlyMisses() async throws {
        try await withTemporaryDirectory { dir in
            try await withContractVectorizer { vectorizer, url in
                func texts() async throws -> Int {
                    try #require(try await contractRaw("GET", url + "/_standin/stats").json?["texts"]?.intValue)
                }
                let cache = try VectorCache(directory: dir.appendingPathComponent("cache").path)
                let caching = CachingVectorizer(client: vectorizer, cache: cache)
                let first = try await caching.vectorize(["alpha", "beta", "alpha", "gamma"])
                #expect(try await texts() == 3, "each distinct text once")
                #expect(first[0] == first[2] && first[0] == HashedEmbedding.embed("alpha"))

                let second = try await caching.vectorize(["beta", "delta", "alpha", "delta"])
                #expect(try await texts() == 4, "only the miss 'delta' was sent")
                #expect(second == ["beta", "delta", "alpha", "delta"].map { HashedEmbedding.embed($0) })

                // A new process (a new cache over the same directory) sends nothing for known texts.
                let reopened = CachingVectorizer(client: vectorizer, cache: try VectorCache(directory: cache.directory))
                #expect(try await reopened.vectorize(["gamma", "alpha"]) == [first[3], first[0]])
                #expect(try await texts() == 4)
            }
        }
    }
}
