import ESCOModel
import Foundation
import Testing

@Suite(
    "all-MiniLM-L6-v2 computed natively", .enabled(if: ModelFixture.available, .init(rawValue: ModelFixture.skipReason))
)
struct SentenceEmbedderTests {
    @Test("vectors equal the sentence-transformers reference within 1e-4 on every dimension of every text")
    func matchesReference() throws {
        let model = try ModelFixture.model.get()
        let refs = ModelFixture.references
        #expect(refs.count >= 100)
        let vectors = model.embed(refs.map(\.text), maxBatch: 16)
        var worst: Float = 0
        for (ref, v) in zip(refs, vectors) {
            #expect(v.count == 384)
            let diff = zip(ref.vector, v).map { abs($0 - $1) }.max() ?? .infinity
            worst = max(worst, diff)
            #expect(diff < 1e-4, "\(ref.text.debugDescription): max abs difference \(diff)")
        }
        print("native vs reference: max abs difference \(worst) over \(refs.count) texts")
    }

    @Test("related ESCO phrases score far above unrelated ones, as the model scores them")
    func semantics() throws {
        let model = try ModelFixture.model.get()
        let v = model.embed([
            "manage budgets", "plan and monitor the finances of a project", "shear sheep", "bookkeeping",
            "keep financial records", "making production moulds and casts",
        ])
        let related = ModelFixture.cosine(v[0], v[1])
        let unrelated = ModelFixture.cosine(v[0], v[2])
        #expect(related > unrelated + 0.3, "related \(related), unrelated \(unrelated)")
        #expect(ModelFixture.cosine(v[3], v[4]) > ModelFixture.cosine(v[3], v[5]) + 0.2)
    }

    @Test("a text's vector does not depend on the batch it is computed in")
    func batchInvariance() throws {
        let model = try ModelFixture.model.get()
        let texts = ModelFixture.references.prefix(30).map(\.text)
        let together = model.embed(texts, maxBatch: 64)
        for (text, v) in zip(texts, together) {
            let alone = model.embed([text])[0]
            #expect(zip(alone, v).map { abs($0 - $1) }.max()! < 1e-5, "\(text.debugDescription)")
        }
    }

    @Test("concurrent callers of the batching embedder get their own texts' vectors")
    func concurrentBatching() async throws {
        let embedder = BatchingEmbedder(model: try ModelFixture.model.get(), maxBatch: 32)
        defer { embedder.stop() }
        let refs = Array(ModelFixture.references.prefix(40))
        let results = await withTaskGroup(of: (Int, [[Float]]).self) { group in
            for start in stride(from: 0, to: refs.count, by: 5) {
                let texts = refs[start..<start + 5].map(\.text)
                group.addTask { (start, await Task.detached { embedder.embed(texts) }.value) }
            }
            return await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        for (start, vectors) in results {
            for (k, v) in vectors.enumerated() {
                let diff = zip(refs[start + k].vector, v).map { abs($0 - $1) }.max() ?? .infinity
                #expect(diff < 1e-4, "\(refs[start + k].text.debugDescription)")
            }
        }
        #expect(results.count == 8)
        #expect(embedder.rounds <= 8)
    }
}
