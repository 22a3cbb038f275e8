import ESCOClients
import ESCOConfig
import Foundation
import Logging
import Testing
import TestSupport

/// A deterministic vector for a text: its length and first scalar.
func fakeVector(_ text: String) -> [Double] { [Double(text.count), Double(text.unicodeScalars.first?.value ?? 0)] }

func vectorizerReply(_ req: CannedHTTPServer.Request, batch: Bool, delay: Double = 0) -> CannedHTTPServer.Reply {
    if req.method == "GET" && req.path == "/meta" {
        return .respond(status: 200, body: #"{"model":{"_name_or_path":"sentence-transformers/all-MiniLM-L6-v2","dim":2}}"#)
    }
    if req.method == "GET" { return .respond(status: 204) }
    let json = req.bodyJSON as? [String: Any] ?? [:]
    if let texts = json["texts"] as? [String] {
        guard batch else { return .respond(status: 422, body: #"{"detail":[{"msg":"field required"}]}"#) }
        let vectors = texts.map { "[" + fakeVector($0).map { "\($0)" }.joined(separator: ",") + "]" }
        return .respond(status: 200, body: #"{"vectors":[\#(vectors.joined(separator: ","))],"dims":2}"#, delay: delay)
    }
    let text = json["text"] as? String ?? ""
    let v = fakeVector(text).map { "\($0)" }.joined(separator: ",")
    return .respond(status: 200, body: #"{"text":"x","vector":[\#(v)],"dim":2}"#, delay: delay)
}

func makeVectorizer(_ url: String, maxInFlight: Int = 4, batchTexts: ESCOConfiguration.BatchTexts = .auto, retries: Int = 2)
    -> VectorizerClient
{
    VectorizerClient(
        configuration: .init(url: url, maxInFlight: maxInFlight, requestTimeoutSeconds: 5, retries: retries, batchTexts: batchTexts),
        logger: Logger(label: "test"), retryPolicy: SleepRecorder().policy(retries: retries), textsPerRequest: 4)
}

@Suite("Vectorizer client over loopback")
struct VectorizerTests {
    @Test func singleTextRequestsKeepTheWindowAndOrder() async throws {
        let texts = (0..<24).map { "text number \($0) " + String(repeating: "x", count: $0) }
        try await withCannedServer({ vectorizerReply($0, batch: false, delay: 0.05) }) { server in
            let client = makeVectorizer(server.url, maxInFlight: 4)
            let vectors = try await client.vectorize(texts)
            #expect(vectors == texts.map { fakeVector($0).map(Float.init) })
            // 1 rejected probe + one request per text; never more than maxInFlight at once.
            #expect(server.requests.count == 25)
            #expect(server.maxConcurrent <= 4)
            #expect(server.maxConcurrent >= 2)
            // The probe's answer is remembered.
            _ = try await client.vectorize(["again"])
            #expect(server.requests.count == 26)
        }
    }

    @Test func batchedWhenTheServerAcceptsTexts() async throws {
        let texts = (0..<10).map { "t\($0)" + String(repeating: "y", count: $0) }
        try await withCannedServer({ vectorizerReply($0, batch: true) }) { server in
            let client = makeVectorizer(server.url)
            let vectors = try await client.vectorize(texts)
            #expect(vectors == texts.map { fakeVector($0).map(Float.init) })
            #expect(server.requests.count == 3)  // 4 + 4 + 2 texts
        }
    }

    @Test func retriesAndReportsFailures() async throws {
        let n = Counter()
        try await withCannedServer({ req in n.next() <= 2 ? .respond(status: 503) : vectorizerReply(req, batch: false) }) {
            server in
            let client = makeVectorizer(server.url, batchTexts: .never)
            let v = try await client.vectorize(["a"])
            #expect(v == [fakeVector("a").map(Float.init)])
            #expect(server.requests.count == 3)
        }
        try await withCannedServer({ _ in .respond(status: 500, body: #"{"error":"model crashed"}"#) }) { server in
            let client = makeVectorizer(server.url, batchTexts: .never, retries: 1)
            do {
                _ = try await client.vectorize(["a"])
                Issue.record("expected a failure")
            } catch let e as VectorizerError {
                #expect(e.status == 500 && e.attempts == 2)
                #expect(e.description.hasPrefix("vectorizer at \(server.url): POST /vectors failed with HTTP 500"))
            }
        }
    }

    @Test func readinessMetaAndIdentity() async throws {
        try await withCannedServer({ vectorizerReply($0, batch: false) }) { server in
            let client = makeVectorizer(server.url)
            #expect(await client.isReady())
            let id = try await client.modelIdentity()
            #expect(id.hasPrefix("sentence-transformers/all-MiniLM-L6-v2/"))
            #expect(id.count == "sentence-transformers/all-MiniLM-L6-v2/".count + 16)
            let again = try await client.modelIdentity()
            #expect(again == id)
            #expect(server.requests.filter { $0.path == "/meta" }.count == 1)
        }
    }

    @Test func cachingVectorizerSendsOnlyMisses() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vc-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await withCannedServer({ vectorizerReply($0, batch: false) }) { server in
            let caching = CachingVectorizer(client: makeVectorizer(server.url, batchTexts: .never),
                                            cache: try VectorCache(directory: dir))
            let first = try await caching.vectorize(["a", "bb", "a"])
            #expect(first == ["a", "bb", "a"].map { fakeVector($0).map(Float.init) })
            let posts1 = server.requests.filter { $0.method == "POST" }.count
            #expect(posts1 == 2)
            let second = try await caching.vectorize(["bb", "ccc", "a"])
            #expect(second == ["bb", "ccc", "a"].map { fakeVector($0).map(Float.init) })
            #expect(server.requests.filter { $0.method == "POST" }.count == 3)
            // A fresh process (new cache instance) sees everything already vectorised.
            let reopened = try VectorCache(directory: dir)
            #expect(reopened.count == 3)
        }
    }
}
