import Foundation
import TestSupport
import Testing

/// `esco-standin vectorizer --model DIR` as a process: the t2v API over the native all-MiniLM-L6-v2.
@Suite(.serialized) struct NativeVectorizerCLITests {
    static let modelDirectory = ProcessInfo.processInfo.environment["ESCO_MODEL_DIR"].flatMap { $0.isEmpty ? nil : $0 }

    /// Fixtures/make-reference.py's output: the sentence-transformers vectors of the same texts.
    static func reference(_ text: String) throws -> [Double] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../ESCOModelTests/Fixtures/reference.jsonl")
        for line in try String(contentsOf: url, encoding: .utf8).split(separator: "\n") {
            let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            if o?["text"] as? String == text, let v = o?["vector"] as? [Double] { return v }
        }
        throw MissingReference(description: "no reference vector for \(text.debugDescription) in \(url.path)")
    }

    struct MissingReference: Error, CustomStringConvertible { let description: String }

    static func vector(_ url: String, _ text: String) throws -> [Double] {
        let r = try RawHTTP.request(
            url, "POST", "/vectors", body: try JSONSerialization.data(withJSONObject: ["text": text]))
        #expect(r.status == 200, "\(r.text)")
        let json = try #require(try r.json() as? [String: Any])
        #expect(json["dim"] as? Int == 384)
        return try #require(json["vector"] as? [Double])
    }

    static func cosine(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
            / (a.reduce(0) { $0 + $1 * $1 }.squareRoot() * b.reduce(0) { $0 + $1 * $1 }.squareRoot())
    }

    @Test(
        "serves the model's config on /meta and its vectors on /vectors, equal to sentence-transformers'",
        .enabled(if: modelDirectory != nil, "ESCO_MODEL_DIR is not set; .ci/run downloads all-MiniLM-L6-v2"))
    func servesTheModel() throws {
        let server = try StandInProcess(
            arguments: ["vectorizer", "--port", "0", "--model", try #require(Self.modelDirectory)], timeout: 180)
        defer { server.terminate() }
        let ready = try RawHTTP.request(server.url, "GET", "/.well-known/ready")
        #expect(ready.status == 204)
        let meta = try #require(try RawHTTP.request(server.url, "GET", "/meta").json() as? [String: Any])
        let model = try #require(meta["model"] as? [String: Any])
        #expect(model["model_type"] as? String == "bert")
        #expect(model["hidden_size"] as? Int == 384)
        #expect(model["num_hidden_layers"] as? Int == 6)

        let budgets = try Self.vector(server.url, "manage budgets")
        let finances = try Self.vector(server.url, "plan and monitor the finances of a project")
        let sheep = try Self.vector(server.url, "shear sheep")
        for (text, v) in [("manage budgets", budgets), ("shear sheep", sheep)] {
            let diff = zip(try Self.reference(text), v).map { abs($0 - $1) }.max() ?? .infinity
            #expect(diff < 1e-4, "\(text): max abs difference to the reference \(diff)")
        }
        #expect(Self.cosine(budgets, finances) > Self.cosine(budgets, sheep) + 0.3)
    }

    @Test("a model directory that cannot be read stops the stand-in with status 78 and names the folder")
    func unreadableModelDirectory() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("no-model-\(UUID().uuidString)")
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("standin-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: log) }
        let error = #expect(throws: StandInProcessError.self) {
            _ = try StandInProcess(arguments: ["vectorizer", "--port", "0", "--model", missing.path], stderrFile: log)
        }
        #expect(error?.message.contains("status 78") == true, "\(String(describing: error))")
        let message = try String(contentsOf: log, encoding: .utf8)
        #expect(message.contains(missing.path) && message.contains("config.json"), "\(message)")
    }
}
