import ESCOClients
import ESCOConfig
import ESCOCore
import Foundation
import Logging
import TestSupport
import Testing

/// A deterministic vector for a text: its length and first scalar.
func fakeVector(_ text: String) -> [Double] { [Double(text.count), Double(text.unicodeScalars.first?.value ?? 0)] }

func vectorizerReply(_ req: CannedHTTPServer.Request, batch: Bool, delay: Double = 0) -> CannedHTTPServer.Reply {
    if req.method == "GET" && req.path == "/meta" {
        // 1.9.7's HuggingFace path: the AutoConfig dict, whose _name_or_path is the model directory.
        return .respond(
            status: 200, body: #"{"model":{"_name_or_path":"./models/model","model_type":"bert","hidden_size":384}}"#)
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

func makeVectorizer(
    _ url: String, maxInFlight: Int = 4, batchTexts: ESCOConfiguration.BatchTexts = .auto, retries: Int = 2
)
    -> VectorizerClient
{
    VectorizerClient(
        configuration: .init(
            url: url, maxInFlight: maxInFlight, requestTimeout: .seconds(5), retries: retries, batchTexts: batchTexts),
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
        try await withCannedServer({ req in n.next() <= 2 ? .respond(status: 503) : vectorizerReply(req, batch: false) }
        ) {
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
            let client = VectorizerClient(
                configuration: .init(url: server.url, retries: 0, model: "org/some-model", directTokenize: false),
                logger: Logger(label: "test"))
            #expect(await client.isReady())
            let id = try await client.identity()
            // The name and tokenize mode come from the configuration (/meta shows neither), the rest from the server.
            #expect(
                id
                    == VectorizerIdentity(
                        model: "org/some-model", directTokenize: false, modelType: "bert", hiddenSize: 384,
                        dimensions: 2))
            #expect(id.description.contains("org/some-model") && id.description.contains("model_type bert"))
            #expect(try await client.identity() == id)
            let key = try await client.cacheKey()
            #expect(key.hasPrefix("model=org/some-model;tokenize=sentences;meta="), "\(key)")
            // Read once per client; a refresh asks again.
            #expect(server.requests.filter { $0.path == "/meta" }.count == 1)
            _ = try await client.identity(refresh: true)
            #expect(server.requests.filter { $0.path == "/meta" }.count == 2)
        }
    }

    @Test func defaultPathIsOneTextPerRequestWithEightInFlight() async throws {
        let texts = (0..<40).map { "text \($0)" }
        try await withCannedServer({ vectorizerReply($0, batch: true, delay: 0.05) }) { server in
            // The configuration's defaults, as a fresh config file gives them.
            let client = VectorizerClient(configuration: .init(url: server.url), logger: Logger(label: "test"))
            let vectors = try await client.vectorize(texts)
            #expect(vectors == texts.map { fakeVector($0).map(Float.init) })
            let bodies = server.requests.compactMap { $0.bodyJSON as? [String: Any] }
            #expect(bodies.count == texts.count, "one request per text, no {\"texts\"} probe")
            #expect(bodies.allSatisfy { $0["text"] is String && $0["texts"] == nil })
            #expect(server.maxConcurrent <= 8)
            #expect(server.maxConcurrent >= 4, "requests overlap (8 in flight): \(server.maxConcurrent)")
        }
    }

    @Test func errorBodiesOfTheServerAreShownBounded() async throws {
        let replies: [(Int, String, String)] = [
            (500, #"{"error":"'int' object has no attribute 'detach'"}"#, "'int' object has no attribute 'detach'"),
            (
                422, #"{"detail":[{"type":"missing","loc":["body","text"],"msg":"Field required","input":{}}]}"#,
                "body.text: Field required (missing)"
            ),
            (405, #"{"detail":"Method Not Allowed"}"#, "Method Not Allowed"),
            (502, "<html>bad gateway</html>", "<html>bad gateway</html>"),
        ]
        for (status, body, shown) in replies {
            try await withCannedServer({ _ in .respond(status: status, body: body) }) { server in
                do {
                    _ = try await makeVectorizer(server.url, batchTexts: .never, retries: 0).vectorize(["a"])
                    Issue.record("expected HTTP \(status) to fail")
                } catch let e as VectorizerError {
                    #expect(e.status == status)
                    #expect(e.description.contains(shown), "\(e)")
                }
            }
        }
        let long = #"{"error":""# + String(repeating: "x", count: 5_000) + #""}"#
        try await withCannedServer({ _ in .respond(status: 500, body: long) }) { server in
            do {
                _ = try await makeVectorizer(server.url, batchTexts: .never, retries: 0).vectorize(["a"])
                Issue.record("expected a failure")
            } catch let e as VectorizerError {
                #expect(e.description.contains(String(repeating: "x", count: 300) + "…"))
                #expect(e.description.count < 600, "bounded: \(e.description.count) characters")
            }
        }
    }

    @Test func cachingVectorizerSendsOnlyMisses() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vc-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await withCannedServer({ vectorizerReply($0, batch: false) }) { server in
            let caching = CachingVectorizer(
                client: makeVectorizer(server.url, batchTexts: .never),
                cache: try VectorCache(directory: dir))
            let first = try await caching.vectorize(["a", "bb", "a"])
            #expect(first == ["a", "bb", "a"].map { fakeVector($0).map(Float.init) })
            // One identity probe (the cache key needs the vector size and /meta), then one per distinct text.
            let posts1 = server.requests.filter { $0.method == "POST" }.count
            #expect(posts1 == 1 + 2)
            let second = try await caching.vectorize(["bb", "ccc", "a"])
            #expect(second == ["bb", "ccc", "a"].map { fakeVector($0).map(Float.init) })
            #expect(server.requests.filter { $0.method == "POST" }.count == 1 + 3)
            // A fresh process (new cache instance) sees everything already vectorised.
            let reopened = try VectorCache(directory: dir)
            #expect(reopened.count == 3)
        }
    }
}
