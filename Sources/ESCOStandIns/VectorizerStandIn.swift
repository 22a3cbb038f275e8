public import ESCOCore
public import Foundation
import Logging
import Synchronization

/// An HTTP server speaking the text2vec-transformers API with `HashedEmbedding` vectors and a
/// modelled cost: each text holds one of `workers` slots for `costMs`, later requests wait.
public final class VectorizerStandIn: Sendable {
    public struct Options: Sendable {
        public var host: String
        public var port: Int
        /// Model time per text, in milliseconds.
        public var costMs: Int
        /// Concurrency limit of the modelled model server.
        public var workers: Int
        /// Accept `{"texts":[...]}` (newer servers); when false such a body gets 422.
        public var batch: Bool
        public var dimensions: Int
        /// A batch of n texts costs n × costMs / batchSpeedup (DESIGN section 6: about 1.6× on CPU).
        public var batchSpeedup: Double
        /// Serve this model's vectors (real cost, no modelled sleep) instead of `HashedEmbedding`.
        public var model: (any TextEmbeddingModel)?

        public init(
            host: String = "127.0.0.1", port: Int = 0, costMs: Int = 0, workers: Int = 2, batch: Bool = true,
            dimensions: Int = HashedEmbedding.defaultDimensions, batchSpeedup: Double = 1.6
        ) {
            self.host = host
            self.port = port
            self.costMs = costMs
            self.workers = max(1, workers)
            self.batch = batch
            self.dimensions = dimensions
            self.batchSpeedup = batchSpeedup
        }

        /// The vector length served: the model's when there is one.
        var servedDimensions: Int { model?.dimensions ?? dimensions }
    }

    /// The vectors of `texts`: the model's when one is configured, else the lexical stand-in's.
    private func embed(_ texts: [String]) -> [[Float]] {
        if let model = options.model { return model.embed(texts) }
        return texts.map { HashedEmbedding.embed($0, dimensions: options.dimensions) }
    }

    struct Counters {
        var requests = 0
        var texts = 0
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

    /// Runs `texts` through one slot, sleeping for the modelled cost.
    private func occupySlot(texts: Int, batched: Bool) {
        guard options.costMs > 0 else {
            counters.withLock { $0.texts += texts }
            return
        }
        slots.wait()
        counters.withLock { c in
            c.inFlight += 1
            c.maxInFlight = max(c.maxInFlight, c.inFlight)
        }
        let ms = Double(options.costMs * texts) / (batched ? options.batchSpeedup : 1)
        let t0 = Date()
        usleep(UInt32(ms * 1000))
        let spent = Date().timeIntervalSince(t0) * 1000
        counters.withLock { c in
            c.inFlight -= 1
            c.texts += texts
            c.busyMs += spent
        }
        slots.signal()
    }

    func handle(_ req: HTTPRequest) -> HTTPResponse? {
        switch (req.method, req.path) {
        case ("GET", "/.well-known/ready"), ("GET", "/.well-known/live"): return .empty(204)
        case ("GET", "/meta"):
            if let model = options.model { return .json(200, ["model": model.metaModel]) }
            return .json(
                200,
                [
                    "model": [
                        "_name_or_path": .string("esco-standin/hashed-ngrams-\(options.dimensions)"), "model_type": "standin",
                        "dims": .number(Double(options.dimensions)),
                    ]
                ])
        case ("GET", "/_standin/stats"):
            let c = counters.withLock { $0 }
            return .json(
                200,
                [
                    "requests": .number(Double(c.requests)), "texts": .number(Double(c.texts)), "busyMs": .number(c.busyMs),
                    "uptimeMs": .number(Date().timeIntervalSince(startedAt) * 1000),
                    "workers": .number(Double(options.workers)), "maxInFlight": .number(Double(c.maxInFlight)),
                ])
        case ("POST", "/vectors"), ("POST", "/vectors/"):
            counters.withLock { $0.requests += 1 }
            return vectors(req)
        default:
            return .json(404, ["detail": "Not Found"])
        }
    }

    private func vectors(_ req: HTTPRequest) -> HTTPResponse {
        guard let body = try? JSONCodec.parse(req.body) else {
            return .json(422, ["detail": [["loc": ["body"], "msg": "invalid JSON", "type": "value_error.jsondecode"]]])
        }
        if let text = body["text"]?.stringValue {
            occupySlot(texts: 1, batched: false)
            var out = Array("{\"dim\":\(options.servedDimensions),\"text\":".utf8)
            JSONCodec.writeString(text, into: &out)
            out += Array(",\"vector\":".utf8)
            JSONCodec.writeFloats(embed([text])[0], into: &out)
            out.append(UInt8(ascii: "}"))
            return .jsonBytes(200, out)
        }
        if options.batch, let texts = body["texts"]?.arrayValue?.compactMap(\.stringValue) {
            occupySlot(texts: texts.count, batched: true)
            var out = Array("{\"dims\":\(options.servedDimensions),\"texts\":".utf8)
            JSONCodec.write(.array(texts.map { .string($0) }), into: &out)
            out += Array(",\"vectors\":[".utf8)
            for (n, vector) in embed(texts).enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                JSONCodec.writeFloats(vector, into: &out)
            }
            out += Array("]}".utf8)
            return .jsonBytes(200, out)
        }
        // What FastAPI/pydantic answers when the required `text` field is missing.
        return .json(422, ["detail": [["loc": ["body", "text"], "msg": "field required", "type": "value_error.missing"]]])
    }
}

private final class VectorizerBox: @unchecked Sendable {
    weak var target: VectorizerStandIn?
}
