import ESCOCore
import ESCOModel
import ESCOStandIns
import Foundation

/// The vectorizer stand-in's real model: ESCOModel's native all-MiniLM-L6-v2, with concurrent requests
/// batched per forward pass.
struct NativeModel: TextEmbeddingModel {
    let embedder: BatchingEmbedder
    let metaModel: JSONValue

    init(directory: String, maxBatch: Int) throws {
        let model = try SentenceEmbedder(directory: URL(fileURLWithPath: directory))
        guard let config = try? JSONCodec.parse([UInt8](model.configJSON)), config.objectValue != nil else {
            throw ModelError("\(directory)/config.json is not a JSON object; re-install the model files")
        }
        embedder = BatchingEmbedder(model: model, maxBatch: maxBatch)
        metaModel = config
    }

    var dimensions: Int { embedder.model.dimensions }

    func embed(_ texts: [String]) -> [[Float]] { embedder.embed(texts) }
}
