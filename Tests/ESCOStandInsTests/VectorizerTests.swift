import ESCOStandIns
import Foundation
import TestSupport
import Testing

@Suite("Vectorizer stand-in")
struct VectorizerTests {
    func vector(_ url: String, _ text: String) throws -> [Double] {
        let r = try call(url, "POST", "/vectors", ["text": text])
        #expect(r.status == 200)
        let body = dict(r.json)
        #expect(body["text"] as? String == text)
        #expect(body["dim"] as? Int == 384)
        return body["vector"] as? [Double] ?? []
    }

    func cosine(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).map(*).reduce(0, +) }

    @Test func endpointsAndDeterministicEmbedding() async throws {
        try await withVectorizerStandIn { (url: String) async throws in
            #expect(try RawHTTP.request(url, "GET", "/.well-known/ready").status == 204)
            #expect(try RawHTTP.request(url, "GET", "/.well-known/live").status == 204)
            let meta = dict(dict(try call(url, "GET", "/meta").json)["model"])
            #expect(meta["hidden_size"] as? Int == 384)
            let a = try vector(url, "Manage kitchen staff")
            #expect(a.count == 384)
            #expect(abs(cosine(a, a) - 1) < 1e-4)
            #expect(try vector(url, "Manage kitchen staff") == a)
            #expect(HashedEmbedding.embed("Manage kitchen staff") == a.map { Float($0) })
            let near = try vector(url, "kitchen staff supervision")
            let far = try vector(url, "quantum chromodynamics lecture")
            #expect(cosine(a, near) > cosine(a, far) + 0.2)
        }
        try await withVectorizerStandIn(.init(directTokenize: true)) { (url: String) async throws in
            // Encoded whole, the empty text has a vector (1.9.7: the tokenizer still yields [CLS] [SEP]).
            let empty = try vector(url, "")
            #expect(abs(cosine(empty, empty) - 1) < 1e-4)
        }
    }

    @Test func batchOnAndOff() async throws {
        try await withVectorizerStandIn(.init(acceptBatches: true)) { (url: String) async throws in
            let r = try call(url, "POST", "/vectors", ["texts": ["a b", "c"]])
            #expect(r.status == 200)
            let body = dict(r.json)
            #expect(body["dims"] as? Int == 384)
            let vs = body["vectors"] as? [[Double]] ?? []
            #expect(vs.count == 2)
            #expect(vs[1].map { Float($0) } == HashedEmbedding.embed("c"))
        }
        try await withVectorizerStandIn(.init(acceptBatches: false)) { (url: String) async throws in
            #expect(try call(url, "POST", "/vectors", ["texts": ["a"]]).status == 422)
        }
    }

    @Test func workersLimitAndBusyStats() async throws {
        try await withVectorizerStandIn(.init(costMs: 40, workers: 2)) { (url: String) async throws in
            let t0 = Date()
            onThreads(6) { n in _ = try? call(url, "POST", "/vectors", ["text": "t\(n)"]) }
            let elapsed = Date().timeIntervalSince(t0)
            let stats = dict(try call(url, "GET", "/_standin/stats").json)
            #expect(stats["maxInFlight"] as? Int == 2)
            #expect(stats["texts"] as? Int == 6)
            #expect(stats["requests"] as? Int == 6)
            // 6 texts × 40 ms on 2 slots needs at least 120 ms.
            #expect(elapsed >= 0.115)
            let busy = stats["busyMs"] as? Double ?? 0
            #expect(busy >= 235 && busy < 1000)
            let fraction = busy / (2 * (stats["uptimeMs"] as? Double ?? 1))
            #expect(fraction > 0 && fraction <= 1)
        }
    }

    @Test func binaryServesVectorizer() async throws {
        let p = try StandInProcess(arguments: ["vectorizer", "--port", "0", "--workers", "1"])
        defer { p.terminate() }
        #expect(p.url.hasPrefix("http://127.0.0.1:"))
        _ = try vector(p.url, "hello")
        #expect(try call(p.url, "POST", "/vectors", ["texts": ["a"]]).status == 422, "batches are refused by default")
        #expect(try call(p.url, "POST", "/vectors", ["text": ""]).status == 500, "sentence splitting by default")
        p.send(SIGTERM)
        #expect(try p.waitForExit() == 0)

        let options = ["vectorizer", "--port", "0", "--accept-batches", "--model-type", "bert", "--dimensions", "16"]
        let q = try StandInProcess(arguments: options + ["--direct-tokenize"])
        defer { q.terminate() }
        #expect(try call(q.url, "POST", "/vectors", ["texts": ["a", "b"]]).status == 200)
        #expect(try call(q.url, "POST", "/vectors", ["text": ""]).status == 200)
        let meta = dict(dict(try call(q.url, "GET", "/meta").json)["model"])
        #expect(meta["model_type"] as? String == "bert" && meta["hidden_size"] as? Int == 16)
        q.send(SIGTERM)
        #expect(try q.waitForExit() == 0)
    }
}
