import ESCOCore
import Logging

/// Batch items that still failed after retries. An ingestion that sees this must not report "completed".
public struct BatchError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String { case itemsFailed }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }
        /// Some items of a batch still failed after retries (Weaviate answered 200 with per-item errors).
        public static let itemsFailed = Code(.itemsFailed)
        public var description: String { kind.rawValue }
    }

    public let code: Code = .itemsFailed
    public var baseURL: String
    /// `/v1/batch/objects` or `/v1/batch/references`.
    public var path: String
    public var failures: [BatchItemResult]
    public var total: Int
    public var attempts: Int

    public init(baseURL: String, path: String, failures: [BatchItemResult], total: Int, attempts: Int) {
        self.baseURL = baseURL
        self.path = path
        self.failures = failures
        self.total = total
        self.attempts = attempts
    }

    public var description: String {
        let shown = failures.prefix(5).map { "\($0.id): \($0.errors.joined(separator: "; "))" }
        let more = failures.count > 5 ? " (and \(failures.count - 5) more)" : ""
        return "Weaviate at \(baseURL): POST \(path): \(failures.count) of \(total) items failed after "
            + "\(attempts) attempt(s): " + shown.joined(separator: " | ") + more
    }
}

extension WeaviateClient {
    /// `POST /v1/batch/objects` in chunks of `batchSize`: an existing id is overwritten (upsert). Weaviate answers
    /// 200 even when items fail, so every item's `result.errors` is checked; results are in input order.
    public func batchObjects(_ objects: [WeaviateObject]) async throws -> [BatchItemResult] {
        var results: [BatchItemResult] = []
        results.reserveCapacity(objects.count)
        for start in stride(from: 0, to: objects.count, by: max(1, configuration.batchSize)) {
            let chunk = objects[start..<min(objects.count, start + max(1, configuration.batchSize))]
            let items = try await batchItems(
                "/v1/batch/objects", body: WeaviateObject.batchBody(chunk), count: chunk.count, idempotent: true)
            for (offset, object) in chunk.enumerated() {
                results.append(BatchItemResult(index: start + offset, id: object.id, errors: items[offset]))
            }
        }
        return results
    }

    /// Writes `objects` with `batchObjects`, re-sending only the failed items up to `rounds` times in all.
    /// - Throws: `BatchError` listing the items that still failed.
    public func upsert(_ objects: [WeaviateObject], rounds: Int = 3) async throws {
        var pending = objects
        var failures: [BatchItemResult] = []
        var round = 0
        while !pending.isEmpty && round < max(1, rounds) {
            round += 1
            let results = try await batchObjects(pending)
            failures = results.filter { !$0.succeeded }
            if !failures.isEmpty {
                logger.debug(
                    "batch items failed",
                    metadata: [
                        "failed": "\(failures.count)", "sent": "\(pending.count)", "round": "\(round)",
                    ])
            }
            pending = failures.map { pending[$0.index] }
        }
        if !failures.isEmpty {
            throw BatchError(
                baseURL: url, path: "/v1/batch/objects", failures: failures, total: objects.count,
                attempts: round)
        }
    }

    /// `POST /v1/batch/references`. Weaviate appends: the same reference sent twice is stored twice, so a timed-out
    /// request is not retried once it may have reached the server.
    public func batchReferences(_ refs: [ReferenceSpec]) async throws -> [BatchItemResult] {
        var results: [BatchItemResult] = []
        for start in stride(from: 0, to: refs.count, by: max(1, configuration.batchSize)) {
            let chunk = refs[start..<min(refs.count, start + max(1, configuration.batchSize))]
            let body: JSONValue = .array(
                chunk.map { ref in
                    [
                        "from": .string(Beacon.from(className: ref.fromClass, id: ref.fromID, property: ref.property)),
                        "to": .string(Beacon.to(className: ref.toClass, id: ref.toID)),
                    ]
                })
            let items = try await batchItems(
                "/v1/batch/references", body: try JSONCoding.encode(body), count: chunk.count, idempotent: false)
            for (offset, ref) in chunk.enumerated() {
                let from = Beacon.from(className: ref.fromClass, id: ref.fromID, property: ref.property)
                results.append(BatchItemResult(index: start + offset, id: from, errors: items[offset]))
            }
        }
        return results
    }

    /// Per-item error messages of one batch response, in request order. Weaviate echoes every object, vector and
    /// properties included: those values are parsed (the whole body must be JSON) but not kept.
    private func batchItems(_ path: String, body: [UInt8], count: Int, idempotent: Bool) async throws -> [[String]] {
        let raw = try await send(
            "POST", path, query: consistencyQuery, encoded: body, expect: [200], idempotent: idempotent)
        let response = try decode(raw.body, "POST", path, dropping: ["properties", "vector"])
        guard let items = response.arrayValue else {
            throw WeaviateError(
                code: .decoding, baseURL: url, method: "POST", path: path,
                detail: "expected a JSON array with one result per item")
        }
        return (0..<count).map { i in
            guard i < items.count else { return ["Weaviate returned no result for this item"] }
            let result = items[i]["result"]
            let errors = (result?["errors"]?["error"]?.arrayValue ?? []).map {
                $0["message"]?.stringValue ?? "unknown error"
            }
            // Weaviate 1.32 sets result.status on every item (adapters/handlers/rest/handlers_batch_objects.go):
            // anything but SUCCESS is a failure, even without a message.
            if let status = result?["status"]?.stringValue, status != "SUCCESS", errors.isEmpty {
                return ["Weaviate reported status \(status) without an error message"]
            }
            return errors
        }
    }
}
