public import ESCOClients
public import ESCOCore
import ESCODataset
public import ESCORuntime
import Foundation
public import Logging

/// Reports progress to a person (progress bar) or to logs (periodic lines).
public protocol IngestionProgress: Sendable {
    func stepStarted(index: Int, count: Int, step: IngestionStep, total: Int, skipped: Bool)
    func progress(step: IngestionStep, done: Int, total: Int)
    func stepFinished(index: Int, count: Int, step: IngestionStep, detail: String)
}

/// The ingestion pipeline (docs/ARCHITECTURE.md#ingestion): runs the plan's steps under a held lease.
public struct Ingestor: Sendable {
    public struct Settings: Sendable {
        public var batchSize: Int
        public var labelVectors: Bool
        /// The result of an `ensureSchema` the caller already made (the lease needs the Metadata class
        /// before any step runs); the schema step then reports it instead of asking Weaviate again.
        public var schemaEnsured: String?
        public init(batchSize: Int = 200, labelVectors: Bool = true, schemaEnsured: String? = nil) {
            self.batchSize = batchSize
            self.labelVectors = labelVectors
            self.schemaEnsured = schemaEnsured
        }
    }

    public let model: DatasetModel
    public let weaviate: any WeaviateWriting
    public let vectorizer: any TextVectorizing
    public let lease: LeaseLock
    public let settings: Settings
    public let progress: any IngestionProgress
    public let logger: Logger

    public init(
        model: DatasetModel, weaviate: any WeaviateWriting, vectorizer: any TextVectorizing, lease: LeaseLock,
        settings: Settings, progress: any IngestionProgress, logger: Logger
    ) {
        self.model = model
        self.weaviate = weaviate
        self.vectorizer = vectorizer
        self.lease = lease
        self.settings = settings
        self.progress = progress
        self.logger = logger
    }

    /// Runs every step of `plan` not already checkpointed. Throws with the step named on failure;
    /// the caller writes the final state.
    public func run(plan: IngestionPlan) async throws -> VerificationReport {
        var report: VerificationReport?
        for (index, count, step, skip) in plan.numbered {
            if skip {
                progress.stepStarted(index: index, count: count, step: step, total: 0, skipped: true)
                continue
            }
            do {
                let total = itemCount(step)
                try await lease.setStep(step, index: index, total: total)
                progress.stepStarted(index: index, count: count, step: step, total: total, skipped: false)
                let detail: String
                switch step {
                case .schema:
                    if let ensured = settings.schemaEnsured {
                        detail = ensured
                    } else {
                        detail = try await weaviate.ensureSchema()
                    }
                case .iscoGroups, .skillGroups, .collections, .skills, .occupations:
                    detail = try await writeConcepts(step, withReferences: false)
                case .iscoGroupRelations, .skillGroupRelations, .collectionRelations, .occupationRelations,
                    .skillRelations:
                    detail = try await writeConcepts(step, withReferences: true)
                case .labels:
                    detail = try await writeLabels()
                case .prune:
                    detail = try await prune()
                case .verify:
                    let r = try await verifier().verify(state: nil)
                    report = r
                    guard r.ok else {
                        throw IngestionError(.verification, "verification failed: " + r.failureSummary)
                    }
                    detail = "\(r.checks.count) checks passed"
                }
                try await lease.completeStep(step)
                releaseFreeHeap()  // batches of one step are not reused by the next: keep RSS flat
                progress.stepFinished(index: index, count: count, step: step, detail: detail)
            } catch var e as IngestionError {
                e.step = e.step ?? "\(index)/\(count) \(step.rawValue)"
                throw e
            } catch is CancellationError {
                throw IngestionError(.cancelled, "interrupted", step: "\(index)/\(count) \(step.rawValue)")
            } catch let e as DatasetError {
                throw IngestionError(
                    .dataset, e.description, hint: "fix or replace the file, then run again",
                    step: "\(index)/\(count) \(step.rawValue)")
            } catch let e as VectorizerError {
                throw IngestionError(.vectorizer, e.description, step: "\(index)/\(count) \(step.rawValue)")
            } catch {
                // WeaviateError and BatchError already name the URL, the request and what failed.
                throw IngestionError(.weaviate, "\(error)", step: "\(index)/\(count) \(step.rawValue)")
            }
        }
        return report ?? VerificationReport(checks: [])
    }

    public func verifier() -> Verifier {
        Verifier(
            weaviate: weaviate, expected: model.expectedCounts(labelVectors: settings.labelVectors),
            sample: Verifier.referenceSample(model: model), fingerprint: model.fingerprint)
    }

    func itemCount(_ step: IngestionStep) -> Int {
        if step == .labels { return model.labelCount }
        return step.className.map { model.count($0) } ?? 0
    }

    /// References in one batch of a relation step, at most (an object with more goes alone). 200 occupations
    /// carry ~9,000 references; a batch of them in flight, as beacons, request and response, was ~10 MB, and
    /// with five batches in flight that step was the run's memory peak.
    static let maxReferencesPerBatch = 2_000

    /// Streams the class's documents from the dataset and writes them, vectorising batch k+1 while batch k is
    /// written: the vectorizer is the bottleneck, keep it busy.
    func writeConcepts(_ step: IngestionStep, withReferences: Bool) async throws -> String {
        let className = step.className!
        let documents = try model.documents(className)
        let relations = model.relations
        let size = settings.batchSize
        let written = try await pipeline(className: className, count: model.count(className), step: step) {
            guard withReferences else { return try documents.next(max: size) }
            return try documents.next(max: size, budget: Self.maxReferencesPerBatch) {
                relations.referenceCount(className, $0.uri)
            }
        } produce: { docs in
            let vectors = try await vectorizer.vectorize(docs.map(\.text))
            return zip(docs, vectors).map { doc, v in
                WriteObject(
                    id: doc.id, properties: withReferences ? doc.propertiesWithReferences(relations) : doc.properties,
                    vector: v)
            }
        }
        guard withReferences else { return "\(written) objects" }
        return "\(written) objects, \(relations.referenceCount(className)) references"
    }

    func writeLabels() async throws -> String {
        let labels = model.labels()
        let size = settings.batchSize
        let written = try await pipeline(className: "Label", count: model.labelCount, step: .labels) {
            try labels.next(max: size)
        } produce: { slice in
            let vectors = try await vectorizer.vectorize(slice.map(\.text))
            return zip(slice, vectors).map { WriteObject(id: $0.id, properties: $0.properties, vector: $1) }
        }
        return "\(written) labels"
    }

    /// Keeps the vectorizer busy: two batches are vectorised at once (so the model server never idles at a
    /// batch boundary) while up to `uploadWindow` batches are written to Weaviate. Upserts of distinct IDs
    /// commute, so completion order does not matter. Batches are read in order on this task (`read`: empty at
    /// the end), so at most `produceAhead + uploadWindow` batches are in memory. Returns the objects written.
    func pipeline<Item: Sendable>(
        className: String, count: Int, step: IngestionStep, read: () throws -> [Item],
        produce: @escaping @Sendable ([Item]) async throws -> [WriteObject]
    ) async throws -> Int {
        let uploadWindow = 3
        let produceAhead = 2
        var producing: [(Task<[WriteObject], any Error>, Int)] = []
        var uploads: [(Task<Void, any Error>, Int)] = []
        defer {
            producing.forEach { $0.0.cancel() }
            uploads.forEach { $0.0.cancel() }
        }
        var taken = 0
        func startNext() throws {
            let batch = try read()  // empty at the end, and again if asked again
            guard !batch.isEmpty else { return }
            taken += batch.count
            producing.append((Task { try await produce(batch) }, taken))
        }
        for _ in 0..<produceAhead { try startNext() }
        while !producing.isEmpty {
            try Task.checkCancellation()
            let (next, upTo) = producing.removeFirst()
            let objects = try await next.value
            try startNext()
            while uploads.count >= uploadWindow {
                let (oldest, done) = uploads.removeFirst()
                try await oldest.value
                await lease.progress(done: done)
                progress.progress(step: step, done: done, total: count)
            }
            try await lease.checkHeld()
            let w = weaviate
            uploads.append((Task { try await w.upsert(className: className, objects: objects) }, upTo))
        }
        for (task, done) in uploads {
            try await task.value
            await lease.progress(done: done)
            progress.progress(step: step, done: done, total: count)
        }
        uploads.removeAll()
        return taken
    }

    /// Deletes objects of our classes that the dataset no longer has (after a forced or outdated rebuild).
    func prune() async throws -> String {
        var removed = 0
        let classes = (DatasetModel.conceptClasses + (settings.labelVectors ? ["Label"] : [])).sorted()
        for className in classes {
            try await lease.checkHeld()
            let ids = try model.objectIDs(className)
            let extra = try await weaviate.listIDs(className: className, limit: .max).filter { id in
                // An ID that is not a UUID is not one of ours to judge: left alone.
                UUID(uuidString: id).map { !ids.contains($0) } ?? false
            }
            if !extra.isEmpty { try await weaviate.delete(className: className, ids: extra) }
            removed += extra.count
        }
        return "\(removed) stale objects removed"
    }
}
