import ESCOStandIns
import Foundation
import TestSupport
import Testing

/// The vectorizer stand-in answers as text2vec-transformers 1.9.7 does (app.py, vectorizer.py, meta.py at
/// that tag; FastAPI 0.115 and pydantic 2 bodies observed on those versions). Each test names the row of
/// docs/weaviate-compat.md it pins. Default options only, so these also run against older stand-ins.
@Suite("Vectorizer stand-in fidelity to t2v-transformers 1.9.7")
struct VectorizerFidelityTests {
    /// POST /vectors with a raw body; `contentType` nil sends no Content-Type (FastAPI then parses JSON).
    func post(_ url: String, _ body: String, contentType: String? = "application/json") throws -> (Int, Any?) {
        let headers = ["Content-Type": contentType ?? ""]
        let r = try RawHTTP.request(url, "POST", "/vectors", body: Data(body.utf8), headers: headers)
        return (r.status, r.body.isEmpty ? nil : try r.json())
    }

    /// The single entry of a 422 `{"detail": [...]}` body.
    func detail(_ json: Any?) -> [[String: Any]] { list(dict(json)["detail"]).map { dict($0) } }

    @Test func batchFormIsRefusedWith422LikeTheReleasedImage() async throws {
        try await withVectorizerStandIn { (url: String) async throws in
            let (status, json) = try post(url, #"{"texts": ["a", "b"]}"#)
            #expect(status == 422)
            let d = detail(json)
            #expect(d.count == 1)
            #expect(d.first?["type"] as? String == "missing")
            #expect(d.first?["loc"] as? [String] == ["body", "text"])
            #expect(d.first?["msg"] as? String == "Field required")
            #expect(dict(d.first?["input"])["texts"] as? [String] == ["a", "b"], "pydantic 2 echoes the input")
            // Unknown fields are ignored (pydantic's default): with `text` present it is a single text.
            let (both, bothJSON) = try post(url, #"{"text": "a", "texts": ["b"]}"#)
            #expect(both == 200)
            #expect(dict(bothJSON)["text"] as? String == "a")
        }
    }

    @Test func emptyOrBlankTextFailsWith500WithoutDirectTokenize() async throws {
        try await withVectorizerStandIn { (url: String) async throws in
            for text in ["", "   \n\t "] {
                let (status, json) = try post(url, "{\"text\": \(String(reflecting: text))}")
                #expect(status == 500, "\(String(reflecting: text))")
                #expect(dict(json)["error"] as? String == "'int' object has no attribute 'detach'")
            }
        }
    }

    @Test func validationErrorsHaveFastAPIsShapeAndOrder() async throws {
        try await withVectorizerStandIn { (url: String) async throws in
            let cases: [(String, String?, String, [Any])] = [
                ("{}", "application/json", "missing", ["body", "text"]),
                (#"{"text": 5}"#, "application/json", "string_type", ["body", "text"]),
                (#"{"text": null}"#, "application/json", "string_type", ["body", "text"]),
                (#"{"text": "a", "config": "x"}"#, "application/json", "model_attributes_type", ["body", "config"]),
                (
                    #"{"text": "a", "config": {"pooling_strategy": 3}}"#, "application/json", "string_type",
                    ["body", "config", "pooling_strategy"]
                ),
                (#"["a"]"#, "application/json", "model_attributes_type", ["body"]),
                (#"{"text": "a"}"#, "text/plain", "model_attributes_type", ["body"]),
                ("", "application/json", "missing", ["body"]),
                ("{", "application/json", "json_invalid", ["body", 1]),
            ]
            for (body, type, want, loc) in cases {
                let (status, json) = try post(url, body, contentType: type)
                #expect(status == 422, "\(body) as \(type ?? "no type")")
                let first = detail(json).first ?? [:]
                #expect(first["type"] as? String == want, "\(body): \(String(describing: json))")
                #expect((first["loc"] as? [Any]).map { "\($0)" } == "\(loc)", "\(body): \(String(describing: json))")
                #expect(first["msg"] is String && first.keys.contains("input"), "\(body)")
            }
            // Field errors in model order: text first, then config.
            let (_, two) = try post(url, #"{"texts": ["a"], "config": "x"}"#)
            #expect(detail(two).map { $0["type"] as? String } == ["missing", "model_attributes_type"])
        }
    }

    @Test func acceptedBodiesAndModelErrors() async throws {
        try await withVectorizerStandIn { (url: String) async throws in
            // No Content-Type: parsed as JSON (Weaviate's module sends none).
            #expect(try post(url, #"{"text": "a b"}"#, contentType: nil).0 == 200)
            #expect(try post(url, #"{"text": "a", "extra": 1, "config": null}"#).0 == 200)
            #expect(try post(url, #"{"text": "a", "config": {"pooling_strategy": "cls", "zzz": 1}}"#).0 == 200)
            let (status, json) = try post(url, #"{"text": "a", "config": {"pooling_strategy": "bogus"}}"#)
            #expect(status == 500)
            #expect(dict(json)["error"] as? String == "invalid pooling method 'bogus'")
            let (ok, body) = try post(url, #"{"text": "Manage staff. Plan shifts."}"#)
            #expect(ok == 200)
            #expect(dict(body)["dim"] as? Int == 384)
            #expect(dict(body)["text"] as? String == "Manage staff. Plan shifts.")
            #expect((dict(body)["vector"] as? [Double])?.count == 384)
        }
    }

    @Test func metaHasTheShapeOfTheStockImage() async throws {
        try await withVectorizerStandIn { (url: String) async throws in
            let r = try call(url, "GET", "/meta")
            #expect(r.status == 200)
            let top = dict(r.json)
            #expect(Array(top.keys) == ["model"], "Meta.get() is {\"model\": config}")
            let model = dict(top["model"])
            #expect(model["_name_or_path"] as? String == "./models/model", "a directory, not a model name")
            #expect(model["model_type"] is String)
            #expect(model["hidden_size"] as? Int == 384)
        }
    }

    @Test func wellKnownEndpointsAnswer204EmptyAndOtherMethods405() async throws {
        try await withVectorizerStandIn { (url: String) async throws in
            for path in ["/.well-known/live", "/.well-known/ready"] {
                let r = try RawHTTP.request(url, "GET", path)
                #expect(r.status == 204 && r.body.isEmpty, "\(path)")
                let post = try RawHTTP.request(url, "POST", path)
                #expect(post.status == 405, "\(path)")
                #expect(dict(try post.json())["detail"] as? String == "Method Not Allowed")
                #expect(post.headers["allow"] == "GET")
            }
            let get = try RawHTTP.request(url, "GET", "/vectors")
            #expect(get.status == 405 && get.headers["allow"] == "POST")
            let missing = try RawHTTP.request(url, "GET", "/nope")
            #expect(missing.status == 404)
            #expect(dict(try missing.json())["detail"] as? String == "Not Found")
        }
    }
}

@Suite("Vectorizer stand-in modes")
struct VectorizerModeTests {
    func vector(_ url: String, _ text: String) throws -> [Double] {
        dict(try call(url, "POST", "/vectors", ["text": text]).json)["vector"] as? [Double] ?? []
    }

    @Test func directTokenizeChangesMultiSentenceVectorsOnly() async throws {
        let oneSentence = "manage kitchen staff", twoSentences = "Manage kitchen staff. Plan weekly shifts."
        let split = try await withVectorizerStandIn { (url: String) async throws in
            (try vector(url, oneSentence), try vector(url, twoSentences))
        }
        let whole = try await withVectorizerStandIn(.init(directTokenize: true)) { (url: String) async throws in
            (try vector(url, oneSentence), try vector(url, twoSentences))
        }
        #expect(split.0 == whole.0, "one sentence: the same vector either way")
        #expect(split.1 != whole.1, "several sentences: averaged per sentence vs encoded whole")
        #expect(whole.1.map { Float($0) } == HashedEmbedding.embed(twoSentences))
    }

    @Test func batchesOnlyWhenAccepted() async throws {
        try await withVectorizerStandIn(.init(acceptBatches: true)) { (url: String) async throws in
            let r = try call(url, "POST", "/vectors", ["texts": ["a", "b c"]])
            #expect(r.status == 200)
            #expect((dict(r.json)["vectors"] as? [[Double]])?.count == 2)
        }
    }
}
