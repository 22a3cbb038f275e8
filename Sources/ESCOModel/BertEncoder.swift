import CBLAS
import Foundation

/// The BERT encoder of all-MiniLM-L6-v2 (embeddings, N post-LayerNorm transformer layers with exact GELU),
/// returning the mean of the last hidden states over each text's tokens.
///
/// Texts are not padded: the token rows of all texts are stacked for the dense layers, and attention runs
/// per text over its own tokens. That is exactly what a padded batch with an attention mask computes (the
/// mask gives padded keys zero weight), without spending work on padding.
public struct BertEncoder: Sendable {
    public struct Config: Sendable {
        public let hidden: Int
        public let heads: Int
        public let layers: Int
        public let intermediate: Int
        public let vocabulary: Int
        public let maxPositions: Int
        public let typeVocabulary: Int
        public let layerNormEps: Float
    }

    struct Layer: Sendable {
        let qkvWeight: [Float]  // (3·hidden × hidden): query, key, value rows stacked
        let qkvBias: [Float]
        let attentionOutWeight: [Float]
        let attentionOutBias: [Float]
        let attentionNorm: (weight: [Float], bias: [Float])
        let intermediateWeight: [Float]
        let intermediateBias: [Float]
        let outputWeight: [Float]
        let outputBias: [Float]
        let outputNorm: (weight: [Float], bias: [Float])
    }

    public let config: Config
    let wordEmbeddings: [Float]
    let positionEmbeddings: [Float]
    let tokenTypeEmbeddings: [Float]
    let embeddingNorm: (weight: [Float], bias: [Float])
    let layers: [Layer]

    public init(config c: Config, weights w: SafeTensors) throws {
        config = c
        let d = c.hidden
        wordEmbeddings = try w.tensor("embeddings.word_embeddings.weight", shape: [c.vocabulary, d])
        positionEmbeddings = try w.tensor("embeddings.position_embeddings.weight", shape: [c.maxPositions, d])
        tokenTypeEmbeddings = try w.tensor("embeddings.token_type_embeddings.weight", shape: [c.typeVocabulary, d])
        embeddingNorm = (
            try w.tensor("embeddings.LayerNorm.weight", shape: [d]),
            try w.tensor("embeddings.LayerNorm.bias", shape: [d])
        )
        layers = try (0..<c.layers).map { i in
            let p = "encoder.layer.\(i)."
            func t(_ name: String, _ shape: [Int]) throws -> [Float] { try w.tensor(p + name, shape: shape) }
            let a = "attention."
            return Layer(
                qkvWeight: try ["query", "key", "value"].flatMap { try t(a + "self.\($0).weight", [d, d]) },
                qkvBias: try ["query", "key", "value"].flatMap { try t(a + "self.\($0).bias", [d]) },
                attentionOutWeight: try t(a + "output.dense.weight", [d, d]),
                attentionOutBias: try t(a + "output.dense.bias", [d]),
                attentionNorm: (try t(a + "output.LayerNorm.weight", [d]), try t(a + "output.LayerNorm.bias", [d])),
                intermediateWeight: try t("intermediate.dense.weight", [c.intermediate, d]),
                intermediateBias: try t("intermediate.dense.bias", [c.intermediate]),
                outputWeight: try t("output.dense.weight", [d, c.intermediate]),
                outputBias: try t("output.dense.bias", [d]),
                outputNorm: (try t("output.LayerNorm.weight", [d]), try t("output.LayerNorm.bias", [d])))
        }
    }

    /// Mean-pooled last hidden state of each token sequence (ids include `[CLS]`/`[SEP]`; none may be empty).
    public func meanPooled(_ sequences: [[Int32]]) -> [[Float]] {
        let d = config.hidden
        let offsets = sequences.reduce(into: [0]) { $0.append($0.last! + $1.count) }
        let rows = offsets.last!
        var x = [Float](repeating: 0, count: rows * d)
        for (s, ids) in sequences.enumerated() {
            for (position, id) in ids.enumerated() {
                let row = (offsets[s] + position) * d
                let word = Int(id) * d
                let pos = position * d
                for j in 0..<d {
                    x[row + j] = wordEmbeddings[word + j] + positionEmbeddings[pos + j] + tokenTypeEmbeddings[j]
                }
            }
        }
        layerNorm(&x, rows: rows, embeddingNorm)
        for layer in layers {
            apply(layer, to: &x, offsets: offsets)
        }
        return sequences.indices.map { s in
            var mean = [Float](repeating: 0, count: d)
            for r in offsets[s]..<offsets[s + 1] {
                for j in 0..<d { mean[j] += x[r * d + j] }
            }
            let n = Float(max(1, offsets[s + 1] - offsets[s]))
            return mean.map { $0 / n }
        }
    }

    private func apply(_ layer: Layer, to x: inout [Float], offsets: [Int]) {
        let d = config.hidden
        let rows = offsets.last!
        let qkv = dense(x, rows: rows, inputs: d, layer.qkvWeight, layer.qkvBias, residual: nil)
        let context = attention(qkv, offsets: offsets)
        x = dense(context, rows: rows, inputs: d, layer.attentionOutWeight, layer.attentionOutBias, residual: x)
        layerNorm(&x, rows: rows, layer.attentionNorm)
        var h = dense(x, rows: rows, inputs: d, layer.intermediateWeight, layer.intermediateBias, residual: nil)
        h.withUnsafeMutableBufferPointer { b in
            for i in b.indices { b[i] = 0.5 * b[i] * (1 + erff(b[i] * 0.707_106_781_186_547_5)) }
        }
        x = dense(h, rows: rows, inputs: config.intermediate, layer.outputWeight, layer.outputBias, residual: x)
        layerNorm(&x, rows: rows, layer.outputNorm)
    }

    /// `input · weightᵀ + bias (+ residual)`, the weight in PyTorch's (out × in) layout.
    private func dense(
        _ input: [Float], rows: Int, inputs: Int, _ weight: [Float], _ bias: [Float], residual: [Float]?
    ) -> [Float] {
        let outputs = bias.count
        var out = [Float](unsafeUninitializedCapacity: rows * outputs) { b, n in
            for r in 0..<rows {
                for j in 0..<outputs { b[r * outputs + j] = bias[j] + (residual?[r * outputs + j] ?? 0) }
            }
            n = rows * outputs
        }
        input.withUnsafeBufferPointer { a in
            weight.withUnsafeBufferPointer { w in
                out.withUnsafeMutableBufferPointer { c in
                    esco_sgemm(
                        1, Int32(rows), Int32(outputs), Int32(inputs), 1, a.baseAddress, Int32(inputs), w.baseAddress,
                        Int32(inputs), 1, c.baseAddress, Int32(outputs))
                }
            }
        }
        return out
    }

    /// Multi-head self-attention of each sequence over its own rows of the fused (rows × 3·hidden) projection.
    private func attention(_ qkv: [Float], offsets: [Int]) -> [Float] {
        let d = config.hidden
        let heads = config.heads
        let dh = d / heads
        let scale = 1 / Float(dh).squareRoot()
        var context = [Float](repeating: 0, count: offsets.last! * d)
        let longest = zip(offsets.dropFirst(), offsets).map { $0 - $1 }.max() ?? 0
        var scores = [Float](repeating: 0, count: longest * longest)
        qkv.withUnsafeBufferPointer { qkvBuffer in
            context.withUnsafeMutableBufferPointer { ctx in
                scores.withUnsafeMutableBufferPointer { p in
                    for s in 0..<(offsets.count - 1) {
                        let start = offsets[s]
                        let n = offsets[s + 1] - start
                        for h in 0..<heads {
                            let q = qkvBuffer.baseAddress! + start * 3 * d + h * dh
                            // scores = (Q·Kᵀ)/√dh, rows × keys
                            esco_sgemm(
                                1, Int32(n), Int32(n), Int32(dh), scale, q, Int32(3 * d), q + d, Int32(3 * d), 0,
                                p.baseAddress, Int32(n))
                            for r in 0..<n { softmax(p.baseAddress! + r * n, count: n) }
                            esco_sgemm(
                                0, Int32(n), Int32(dh), Int32(n), 1, p.baseAddress, Int32(n), q + 2 * d, Int32(3 * d),
                                0,
                                ctx.baseAddress! + start * d + h * dh, Int32(d))
                        }
                    }
                }
            }
        }
        return context
    }

    private func softmax(_ row: UnsafeMutablePointer<Float>, count n: Int) {
        var peak = -Float.infinity
        for i in 0..<n { peak = max(peak, row[i]) }
        var sum: Float = 0
        for i in 0..<n {
            row[i] = expf(row[i] - peak)
            sum += row[i]
        }
        for i in 0..<n { row[i] /= sum }
    }

    private func layerNorm(_ x: inout [Float], rows: Int, _ norm: (weight: [Float], bias: [Float])) {
        let d = config.hidden
        let eps = config.layerNormEps
        x.withUnsafeMutableBufferPointer { b in
            for r in 0..<rows {
                let row = b.baseAddress! + r * d
                var mean: Float = 0
                for j in 0..<d { mean += row[j] }
                mean /= Float(d)
                var variance: Float = 0
                for j in 0..<d { variance += (row[j] - mean) * (row[j] - mean) }
                variance /= Float(d)
                let inv = 1 / (variance + eps).squareRoot()
                for j in 0..<d { row[j] = (row[j] - mean) * inv * norm.weight[j] + norm.bias[j] }
            }
        }
    }
}
