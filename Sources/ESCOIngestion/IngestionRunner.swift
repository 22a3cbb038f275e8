public import ESCOClients
public import ESCOCore
public import ESCODataset
public import ESCORuntime
import ESCOSystem
import Foundation
public import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// One `esco ingest` run: fingerprint, locks, plan, pipeline, final state. The executable only maps the
/// outcome to an exit code.
public struct IngestionRunner: Sendable {
    public enum Outcome: Sendable {
        case completed(VerificationReport, skipped: [IngestionStep])
        /// Data for this fingerprint is already complete and no re-ingestion was forced.
        case alreadyComplete(IngestionState)
        /// Someone else holds the lock (OS file lock or live lease).
        case busy(IngestionError)
    }

    public struct Settings: Sendable {
        public var lease: LeaseLock.Settings
        public var batchSize: Int
        public var labelVectors: Bool
        public var lockDirectory: String?
        /// Generations kept for a rollback after a switch (`ingest.keepGenerations`, at least 1).
        public var keepGenerations: Int
        public init(
            lease: LeaseLock.Settings, batchSize: Int, labelVectors: Bool, lockDirectory: String?,
            keepGenerations: Int = 1
        ) {
            self.lease = lease
            self.batchSize = batchSize
            self.labelVectors = labelVectors
            self.lockDirectory = lockDirectory
            self.keepGenerations = keepGenerations
        }
    }

    public let dataset: ESCODataset
    public let store: StateStore
    public let weaviate: any WeaviateWriting
    public let vectorizer: any TextVectorizing
    public let settings: Settings
    public let progress: any IngestionProgress
    public let logger: Logger
    public let me: Holder

    public init(
        dataset: ESCODataset, store: StateStore, weaviate: any WeaviateWriting, vectorizer: any TextVectorizing,
        settings: Settings, progress: any IngestionProgress, logger: Logger, me: Holder = .current()
    ) {
        self.dataset = dataset
        self.store = store
        self.weaviate = weaviate
        self.vectorizer = vectorizer
        self.settings = settings
        self.progress = progress
        self.logger = logger
        self.me = me
    }

    public func run(force: Bool) async throws -> Outcome {
        let live: VectorizerIdentity
        do { live = try await vectorizer.identity() } catch let e as VectorizerError {
            throw IngestionError(.vectorizer, e.description, step: "identifying the vectorizer (before step 1)")
        }
        let datasetFingerprint = try dataset.fingerprint()
        let fingerprint = StateFingerprint.make(
            datasetFingerprint, labelVectors: settings.labelVectors, vectorizer: live.configuredTag)
        var fileLock: FileLock?
        if let dir = settings.lockDirectory {
            let lock = FileLock(directory: dir)
            let owner = "\(me.description) run \(me.runId) since \(RFC3339.format(WallClock.nowMs()))"
            if case .heldByAnother(let other) = try lock.tryAcquire(owner: owner) {
                return .busy(
                    IngestionError(
                        .busy,
                        "another ingestion on this host holds \(lock.path): \(other.isEmpty ? "unknown holder" : other)",
                        hint: "wait for it to finish (esco status)"))
            }
            fileLock = lock
        }
        defer { fileLock?.release() }

        // The state lives in the Metadata class: it must exist before the lease can be claimed. Runners on other
        // hosts may be creating it at the same moment; `ensureSchema` is idempotent under that race. With data
        // generations this creates Metadata only: the generation's classes are made by the schema step.
        let schema: String
        do { schema = try await weaviate.ensureSchema() } catch { throw Self.beforeLease(error, "creating the schema") }
        let generationStore = weaviate as? any GenerationStore
        let plan0 = IngestionPlan(labelVectors: settings.labelVectors, completedSteps: [])
        let lease = LeaseLock(store: store, me: me, settings: settings.lease)
        let acquisition: LeaseLock.Acquisition
        do {
            acquisition = try await lease.acquire(
                fingerprint: fingerprint, force: force, stepCount: plan0.steps.count, vectorizer: live,
                datasetVersion: datasetFingerprint.version)
        } catch {
            throw Self.beforeLease(error, "claiming the ingestion lease")
        }
        switch acquisition {
        case .busy(let e): return .busy(e)
        case .alreadyComplete(let s): return .alreadyComplete(s)
        case .acquired(let resume):
            logger.info(
                "lease acquired", metadata: ["run": "\(me.runId)", "resume": "\(resume.joined(separator: ","))"])
            let heartbeat = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(nanoseconds: UInt64(settings.lease.heartbeatMs) * 1_000_000)
                    if Task.isCancelled { break }
                    do { try await lease.heartbeat() } catch let e as IngestionError where e.code == .leaseLost {
                        logger.error("lease lost", metadata: ["error": "\(e)"])
                        break
                    } catch {
                        logger.warning("heartbeat failed; will retry", metadata: ["error": "\(error)"])
                    }
                }
            }
            defer { heartbeat.cancel() }
            do {
                let model: DatasetModel
                do {
                    model = try DatasetModel(
                        dataset: dataset, fingerprint: fingerprint, files: datasetFingerprint.files)
                } catch let e as DatasetError {
                    throw IngestionError(
                        .dataset, e.description, hint: "fix or replace the file, then run again",
                        step: "reading the dataset (before step 1)")
                }
                releaseFreeHeap()  // give the reader's transient buffers back before the long run
                logger.info(
                    "dataset read",
                    metadata: MemoryUsage.current().metadata.merging([
                        "concepts": "\(model.conceptCount)",
                        "labels": "\(model.labelCount)",
                    ]) { a, _ in a })
                await lease.setExpectations(
                    counts: model.expectedCounts(labelVectors: settings.labelVectors),
                    referenceSample: Verifier.referenceSample(model: model).map(\.encoded))
                let plan = IngestionPlan(labelVectors: settings.labelVectors, completedSteps: Set(resume))
                let building = await lease.snapshot().generations.building!
                let ingestor = Ingestor(
                    model: model, weaviate: generationStore?.generation(building.number) ?? weaviate,
                    vectorizer: vectorizer, lease: lease,
                    settings: .init(
                        batchSize: settings.batchSize, labelVectors: settings.labelVectors,
                        schemaEnsured: generationStore == nil ? schema : nil),
                    progress: progress, logger: logger)
                let report = try await ingestor.run(plan: plan)
                let switched = try await switchServing(to: building.number, store: generationStore, lease: lease)
                heartbeat.cancel()
                try await lease.finish(status: .completed, generations: switched)
                logger.info("serving generation", metadata: ["serving": "\(switched.serving?.summary ?? "-")"])
                return .completed(report, skipped: plan.skipped)
            } catch {
                heartbeat.cancel()
                let message = (error as? IngestionError)?.description ?? "\(error)"
                // Best effort: the state must not claim progress it does not have. If this write fails
                // too, the lease expires and the next run sees `stale`. Detached: after SIGTERM/SIGINT this
                // task is cancelled, and a cancelled task's HTTP requests fail at once, so the write would
                // never reach Weaviate and the state would stay `in_progress`.
                await Task.detached { try? await lease.finish(status: .failed, error: message) }.value
                throw error
            }
        }
    }
}

extension IngestionRunner {
    /// The switch after generation `number` verified (docs/ARCHITECTURE.md#aliases), under the lease: generations
    /// dropped from the record are deleted (each stopped serving at an earlier switch, a whole build ago, so no
    /// request still reads them), the aliases are re-applied to the new one, and the returned record is written
    /// with the `completed` status in one object write, the moment readers move to it. A run killed before that
    /// write resumes, verifies again and repeats the switch: every part of it is idempotent.
    func switchServing(to number: Int, store: (any GenerationStore)?, lease: LeaseLock) async throws -> Generations {
        let current = await lease.snapshot().generations
        guard let built = current.building, built.number == number else { return current }
        let (switched, dropped) = current.switched(to: built, keep: max(1, settings.keepGenerations))
        guard let store else { return switched }
        do {
            for old in dropped {
                try await lease.checkHeld()
                try await store.deleteGeneration(old.number)
                logger.info("deleted generation", metadata: ["generation": "\(old.summary)"])
            }
            try await lease.checkHeld()
            let published = try await store.publish(generation: number)
            logger.info("aliases", metadata: ["result": "\(published)"])
        } catch let e as IngestionError {
            throw e
        } catch {
            throw IngestionError(
                .weaviate, "\(error)", step: "switching to generation \(GenerationNaming.name(number))")
        }
        return switched
    }

    /// Before the lease is ours nothing but the schema has been written: Weaviate unreachable, timing out or
    /// overloaded then means "try later" (exit 1, the supervisor retries), never a failed ingestion (exit 2).
    static func beforeLease(_ error: any Error, _ doing: String) -> any Error {
        guard let e = error as? WeaviateError, e.isTransient else { return error }
        return IngestionError(
            .unavailable, "\(doing): \(e.description)",
            hint: "nothing was ingested yet; run again once Weaviate answers (weaviate.url)")
    }
}

extension WeaviateError {
    /// A failure that says nothing about the request itself: connection, timeout, 429 or 5xx after retries.
    var isTransient: Bool {
        switch code {
        case .connection, .timeout: true
        case .http: status.map { $0 == 429 || (500...599).contains($0) } ?? false
        default: false
        }
    }
}

extension Holder {
    /// This process: host name, pid and a fresh run id.
    public static func current() -> Holder {
        Holder(host: hostName, pid: ProcessInfo.processInfo.processIdentifier, runId: UUID().uuidString.lowercased())
    }

    /// This host's name (`HostIdentity`, the one esco-supervise compares to recognise its child's lease).
    public static var hostName: String { HostIdentity.name() }
}

#if canImport(Glibc)
    @_silgen_name("malloc_trim") private func glibcMallocTrim(_ pad: Int) -> Int32
    /// glibc keeps freed heap mapped; after the dataset pass that is tens of MB the run never reuses.
    func releaseFreeHeap() { _ = glibcMallocTrim(0) }
#else
    func releaseFreeHeap() {}
#endif
