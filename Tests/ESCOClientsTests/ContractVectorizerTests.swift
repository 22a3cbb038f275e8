import ESCOClients
import ESCOConfig
import ESCOCore
import ESCOStandIns
import Foundation
import Logging
import TestSupport
import Testing

/// The text2vec-transformers calls: readiness, meta, vectors (single and batched), and the cache in front.
extension ContractTests {
    @Test func vectorizerReadyMetaAndSingleTextVectors() async throws {
        try await withContractVectorizer(batchTexts: .never) { vectorizer, url in
            #expect(await vectorizer.isReady())
            let meta = try await vectorizer.meta()
            #expect(meta["model"] != nil, "GET \(url)/meta names the model: \(meta)")
            let identity = try await vectorizer.identity()
            #expect(identity.modelType != nil && identity.dimensions == 384, "\(identity)")

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
        try await withContractVectorizer(.init(acceptBatches: false), batchTexts: .auto) { vectorizer, url in
            #expect(try await vectorizer.vectorize(texts) == texts.map { HashedEmbedding.embed($0) })
            let stats = try #require(try await contractRaw("GET", url + "/_standin/stats").json)
            #expect(
                stats["requests"]?.intValue == 1 + texts.count,
                "one rejected probe, then one request per text: \(stats)")
            #expect(stats["texts"]?.intValue == texts.count)
            // The answer is remembered: no second probe.
            _ = try await vectorizer.vectorize(["one more"])
            #expect(
                try await contractRaw("GET", url + "/_standin/stats").json?["requests"]?.intValue == texts.count + 2)
        }
        try await withContractVectorizer(.init(acceptBatches: true), batchTexts: .auto) { vectorizer, url in
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
                // One identity probe (vector size), then each distinct text once.
                #expect(try await texts() == 1 + 3, "each distinct text once")
                #expect(first[0] == first[2] && first[0] == HashedEmbedding.embed("alpha"))

                let second = try await caching.vectorize(["beta", "delta", "alpha", "delta"])
                #expect(try await texts() == 1 + 4, "only the miss 'delta' was sent")
                #expect(second == ["beta", "delta", "alpha", "delta"].map { HashedEmbedding.embed($0) })

                // A new process (a new cache over the same directory) sends nothing for known texts.
                let reopened = CachingVectorizer(client: vectorizer, cache: try VectorCache(directory: cache.directory))
                #expect(try await reopened.vectorize(["gamma", "alpha"]) == [first[3], first[0]])
                #expect(try await texts() == 1 + 4, "the same client: no second probe")
            }
        }
    }

    /// Issue 10 item 3: the cache key carries the configured model and tokenize mode and the served model's
    /// `/meta`, so none of them can change without the old vectors being left unread.
    @Test(.enabled(if: ContractEnvironment.vectorizerIsStandIn, "counts texts on the stand-in"))
    func vectorCacheNeverServesVectorsOfAnotherModelOrTokenizeMode() async throws {
        try await withTemporaryDirectory { dir in
            let cacheDir = dir.appendingPathComponent("cache").path
            func caching(_ url: String, model: String, direct: Bool) throws -> CachingVectorizer {
                CachingVectorizer(
                    client: VectorizerClient(
                        configuration: .init(url: url, retries: 0, model: model, directTokenize: direct),
                        logger: Logger(label: "contract")),
                    cache: try VectorCache(directory: cacheDir))
            }
            func sent(_ url: String) async throws -> Int {
                // Texts vectorised, less the one identity probe each client sends.
                try #require(try await contractRaw("GET", url + "/_standin/stats").json?["texts"]?.intValue)
            }
            let text = "Manage kitchen staff. Plan weekly shifts."
            try await withVectorizerStandIn(.init(directTokenize: true)) { url in
                let a = try caching(url, model: "org/model-a", direct: true)
                let first = try await a.vectorize([text])
                #expect(try await sent(url) == 2, "probe + the text")
                #expect(try await caching(url, model: "org/model-a", direct: true).vectorize([text]) == first)
                #expect(try await sent(url) == 3, "a new client probes once and reads the text from the cache")
                _ = try await caching(url, model: "org/model-b", direct: true).vectorize([text])
                #expect(try await sent(url) == 5, "another model: the text is vectorised again")
                _ = try await caching(url, model: "org/model-a", direct: false).vectorize([text])
                #expect(try await sent(url) == 7, "another tokenize mode: the text is vectorised again")
            }
            // Same configuration, but the server now serves another model (another /meta).
            try await withVectorizerStandIn(.init(directTokenize: true, modelType: "swapped")) { url in
                _ = try await caching(url, model: "org/model-a", direct: true).vectorize([text])
                #expect(try await sent(url) == 2, "a changed /meta: the text is vectorised again")
            }
        }
    }
}
