public import ESCOCore
public import Foundation
import Logging
import Synchronization

/// An HTTP server speaking the text2vec-transformers 1.9.7 API (app.py, vectorizer.py, meta.py at that tag)
/// with `HashedEmbedding` vectors and a modelled cost: each text holds one of `workers` slots for `costMs`,
/// later requests wait. Requests are validated as 1.9.7 validates them (`VectorizerRequest`); see the
/// vectorizer section of docs/weaviate-compat.md for each behaviour and the test that pins it.
public final class VectorizerStandIn: Sendable {
    public struct Options: Sendable {
        public var host: String
        public var port: Int
        /// Model time per text, in milliseconds.
        public var costMs: Int
        /// Concurrency limit of the modelled model server.
        public var workers: Int
        /// Accept `{"texts":[...]}`. No t2v-transformers release does (1.9.7 answers 422: `text` missing),
        /// so this is off unless asked for (`--accept-batches`).
        public var acceptBatches: Bool
        public var dimensions: Int
        /// A batch of n texts costs n × costMs / batchSpeedup (about 1.6× on CPU).
        public var batchSpeedup: Double
        /// `T2V_TRANSFORMERS_DIRECT_TOKENIZE`: encode the text whole. Off (the 1.9.7 default), a text is split
        /// into sentences whose vectors are averaged, and a text with no sentence (empty or blank) fails
        /// with 500, as 1.9.7's `HuggingFaceVectorizer.vectorize` does.
        public var directTokenize: Bool
        /// `model_type` in `/meta` (the stand-in's "model"; change it to model a swapped model).
        public var modelType: String
        /// Serve this model's vectors (real cost, no modelled sleep) instead of `HashedEmbedding`.
        public var model: (any TextEmbeddingModel)?

        /// The vector length served: the model's when there is one.
        var servedDimensions: Int { model?.dimensions ?? dimensions }

        public init(
            host: String = "127.0.0.1", port: Int = 0, costMs: Int = 0, workers: Int = 2, acceptBatches: Bool = false,
            dimensions: Int = HashedEmbedding.defaultDimensions, batchSpeedup: Double = 1.6,
            directTokenize: Bool = false, modelType: String = VectorizerStandIn.defaultModelType
        ) {
            self.host = host
            self.port = port
            self.costMs = costMs
            self.workers = max(1, workers)
            self.acceptBatches = acceptBatches
            self.dimensions = dimensions
            self.batchSpeedup = batchSpeedup
            self.directTokenize = directTokenize
            self.modelType = modelType
        }
    }

    public static let defaultModelType = "esco-standin-hashed-ngrams"

    struct Counters {
        var requests = 0
        var texts = 0
        /// Every text asked for, once: how many embeddings a run needed, whatever its duplicate requests.
        var distinct = Set<String>()
        var busyMs = 0.0
        var inFlight = 0
        var maxInFlight = 0
    }

    let options: Options
    private let server: Mutex<HTTPServer?> = Mutex(nil)
    private let counters = Mutex(Counters())
    private let slots: DispatchSemaphore
    private let startedAt = Date()
    public let port: Int
    public var url: String { "http://\(options.host):\(port)" }

    public init(options: Options) throws {
        self.options = options
        slots = DispatchSemaphore(value: options.workers)
        let box = VectorizerBox()
        let http = try HTTPServer(host: options.host, port: options.port) { box.target?.handle($0) ?? .empty(503) }
        port = http.port
        box.target = self
        server.withLock { $0 = http }
        http.start()
    }

    public func stop() { server.withLock { $0 }?.stop() }

    /// Runs `work` (the embedding) in one of the `workers` slots, then sleeps for what remains of the modelled
    /// cost: like a model server's worker, a slot is busy for the whole inference, so the busy time counts
    /// the stand-in's own computation too (on a loaded machine it can exceed the modelled cost).
    private func inSlot<T>(texts: Int, batched: Bool, _ work: () -> T) -> T {
        guard options.costMs > 0 else {
            counters.withLock { $0.texts += texts }
            return work()
        }
        slots.wait()
        counters.withLock { c in
            c.inFlight += 1
            c.maxInFlight = max(c.maxInFlight, c.inFlight)
        }
        let ms = Double(options.costMs * texts) / (batched ? options.batchSpeedup : 1)
        let t0 = Date()
        let result = work()
        let remaining = ms - Date().timeIntervalSince(t0) * 1000
        if remaining > 0 { usleep(UInt32(remaining * 1000)) }
        let spent = Date().timeIntervalSince(t0) * 1000
        counters.withLock { c in
            c.inFlight -= 1
            c.texts += texts
            c.busyMs += spent
        }
        slots.signal()
        return result
    }

    func handle(_ req: HTTPRequest) -> HTTPResponse? {
        switch req.path {
        case "/.well-known/ready", "/.well-known/live":
            // app.py: `response_class=Response` with status 204 and no body.
            return req.method == "GET" ? .empty(204) : methodNotAllowed("GET")
        case "/meta":
            return req.method == "GET"
                ? .json(200, ["model": options.model?.metaModel ?? meta]) : methodNotAllowed("GET")
        case "/_standin/stats":
            let c = counters.withLock { $0 }
            return .json(
                200,
                [
                    "requests": .number(Double(c.requests)), "texts": .number(Double(c.texts)),
                    "distinctTexts": .number(Double(c.distinct.count)), "busyMs": .number(c.busyMs),
                    "uptimeMs": .number(Date().timeIntervalSince(startedAt) * 1000),
                    "workers": .number(Double(options.workers)), "maxInFlight": .number(Double(c.maxInFlight)),
                ])
        case "/vectors", "/vectors/":
            guard req.method == "POST" else { return methodNotAllowed("POST") }
            counters.withLock { $0.requests += 1 }
            return vectors(req)
        default:
            return .json(404, ["detail": "Not Found"])
        }
    }

    /// What 1.9.7's `Meta.get()` serves for a model without a `model_name` file (the HuggingFace path of
    /// the stock all-MiniLM-L6-v2 image): `{"model": AutoConfig(...).to_dict()}`, whose `_name_or_path`
    /// is the directory `./models/model`, not a model name. Only the keys the product reads are modelled.
    var meta: JSONValue {
        [
            "_name_or_path": "./models/model", "architectures": ["HashedNgramEmbedding"],
            "model_type": .string(options.modelType), "hidden_size": .number(Double(options.dimensions)),
            "max_position_embeddings": 512, "transformers_version": "4.44.2",
        ]
    }

    private func methodNotAllowed(_ allow: String) -> HTTPResponse {
        var r = HTTPResponse.json(405, ["detail": "Method Not Allowed"])
        r.headers.append(("allow", allow))
        return r
    }

    private func vectors(_ req: HTTPRequest) -> HTTPResponse {
        switch VectorizerRequest.parse(
            body: req.body, contentType: req.header("content-type"),
            acceptBatches: options.acceptBatches)
        {
        case .invalid(let detail):
            return .json(422, ["detail": .array(detail)])
        case .single(let text, let pooling):
            // vectorizer.py's HFModel.pool_embedding: anything but masked_mean/cls (or unset) raises, and
            // app.py answers 500 {"error": str(e)}.
            if let pooling, !pooling.isEmpty, pooling != "masked_mean", pooling != "cls" {
                return .json(500, ["error": .string("invalid pooling method '\(pooling)'")])
            }
            counters.withLock { _ = $0.distinct.insert(text) }
            guard let vector = inSlot(texts: 1, batched: false, { embed(text) }) else {
                // sent_tokenize finds no sentence, the sum stays the int 0, and `0.detach()` raises.
                return .json(500, ["error": "'int' object has no attribute 'detach'"])
            }
            var out = Array("{\"dim\":\(options.servedDimensions),\"text\":".utf8)
            JSONCodec.writeString(text, into: &out)
            out += Array(",\"vector\":".utf8)
            JSONCodec.writeFloats(vector, into: &out)
            out.append(UInt8(ascii: "}"))
            return .jsonBytes(200, out)
        case .batch(let texts):
            counters.withLock { $0.distinct.formUnion(texts) }
            let vectors = inSlot(texts: texts.count, batched: true, { texts.map(embed) })
            guard vectors.allSatisfy({ $0 != nil }) else {
                return .json(500, ["error": "'int' object has no attribute 'detach'"])
            }
            var out = Array("{\"dims\":\(options.servedDimensions),\"texts\":".utf8)
            JSONCodec.write(.array(texts.map { .string($0) }), into: &out)
            out += Array(",\"vectors\":[".utf8)
            for (n, v) in vectors.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                JSONCodec.writeFloats(v!, into: &out)
            }
            out += Array("]}".utf8)
            return .jsonBytes(200, out)
        }
    }

    /// The text's vector in the configured tokenize mode; nil where 1.9.7 fails (no sentence to encode).
    func embed(_ text: String) -> [Float]? {
        if options.directTokenize { return base(text) }
        let sentences = HashedEmbedding.sentences(text)
        if sentences.isEmpty { return nil }
        if sentences.count == 1 { return base(sentences[0]) }
        // The mean of the sentence vectors, not re-normalised (1.9.7 divides the sum by the count).
        var sum = [Float](repeating: 0, count: options.servedDimensions)
        for s in sentences {
            for (i, x) in base(s).enumerated() { sum[i] += x }
        }
        return sum.map { $0 / Float(sentences.count) }
    }

    /// One text encoded whole: the model's vector when one is configured, else the lexical stand-in's.
    private func base(_ text: String) -> [Float] {
        if let model = options.model { return model.embed([text])[0] }
        return HashedEmbedding.embed(text, dimensions: options.dimensions)
    }
}

private final class VectorizerBox: @unchecked Sendable {
    weak var target: VectorizerStandIn?
}
