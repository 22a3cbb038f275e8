public import ESCOCore
import ESCOSearch
import ESCOSystem
import Foundation

/// `/readyz`: 200 only when the stored ingestion state is `completed` for the mounted dataset's fingerprint
/// and, when `liveVectorizer` is given, the vectorizer serving queries is the one that made the stored vectors
/// (a swapped model would answer every query with vectors the index cannot match, or fail every nearVector
/// on a dimension change). The report is cached for `cacheSeconds`, so probes every second cost Weaviate
/// one read (and the vectorizer one `/meta` and one probe vector) per window.
public actor Readiness {
    /// What `/readyz` answers.
    public struct Report: Sendable, Equatable {
        public var ready: Bool
        public var status: String
        public var reason: String
        /// The data generation answering queries (`g3`), empty when none does (docs/ARCHITECTURE.md#aliases).
        public var generation: String = ""
    }

    /// The fingerprint the stored state must carry (nil: the dataset is not mounted, so only the status counts).
    public let expectedFingerprint: String?
    /// Why `expectedFingerprint` is nil, shown in reports.
    public let fingerprintNote: String?
    let cacheSeconds: Double
    let read: @Sendable () async throws -> IngestionState?
    /// The live vectorizer's identity (nil: not checked).
    let liveVectorizer: (@Sendable () async throws -> VectorizerIdentity)?
    private var cached: (at: Date, report: Report)?

    public init(
        expectedFingerprint: String?, fingerprintNote: String? = nil, cacheSeconds: Double = 2,
        liveVectorizer: (@Sendable () async throws -> VectorizerIdentity)? = nil,
        read: @escaping @Sendable () async throws -> IngestionState?
    ) {
        self.expectedFingerprint = expectedFingerprint
        self.fingerprintNote = fingerprintNote
        self.cacheSeconds = cacheSeconds
        self.liveVectorizer = liveVectorizer
        self.read = read
    }

    public func report() async -> Report {
        if let cached, Date().timeIntervalSince(cached.at) < cacheSeconds { return cached.report }
        let report = await evaluate()
        cached = (Date(), report)
        return report
    }

    private func evaluate() async -> Report {
        let state: IngestionState?
        do {
            state = try await read()
        } catch {
            return Report(ready: false, status: "unavailable", reason: "\(error)")
        }
        guard let state else {
            return Report(
                ready: false, status: IngestionStatus.notStarted.rawValue,
                reason: "no ingestion state in Weaviate: the data was never ingested; run esco ingest")
        }
        let nowMs = WallClock.nowMs()
        if let serving = state.generations.serving, Self.serves(state.generations, mounted: expectedFingerprint) {
            if let vectorizerProblem = await vectorizerProblem(stored: state.vectorizer) {
                return vectorizerProblem
            }
            return Self.servingReport(state, serving, mounted: expectedFingerprint, nowMs: nowMs)
        }
        let derived = state.derivedStatus(nowMs: nowMs, mountedFingerprint: expectedFingerprint)
        switch derived {
        case .completed:
            if let vectorizerProblem = await vectorizerProblem(stored: state.vectorizer) {
                return vectorizerProblem
            }
            let note =
                expectedFingerprint == nil ? " (fingerprint not checked: \(fingerprintNote ?? "no dataset"))" : ""
            return Report(ready: true, status: derived.rawValue, reason: "ingestion completed" + note)
        case .outdated:
            return Report(
                ready: false, status: derived.rawValue,
                reason: "the ingested data (fingerprint \(state.fingerprint.prefix(16))) is not the mounted dataset's "
                    + "(\(expectedFingerprint?.prefix(16) ?? "")); re-run the ingestion")
        case .failed:
            return Report(
                ready: false, status: derived.rawValue,
                reason: "the last ingestion failed: \(state.error.isEmpty ? "no error recorded" : state.error)")
        case .inProgress:
            return Report(
                ready: false, status: derived.rawValue,
                reason: "ingestion in progress (step \(state.step), \(state.stepIndex)/\(state.stepCount))")
        case .stale:
            return Report(
                ready: false, status: derived.rawValue,
                reason: "an ingestion stopped without finishing (lease expired); re-run the ingestion")
        case .notStarted:
            return Report(ready: false, status: derived.rawValue, reason: "the data was never ingested")
        }
    }

    /// A generation serves the mounted data, or an earlier one serves while the mounted data is built (or its build
    /// failed and waits for a retry), or the mounted data is kept as a previous generation (rolled back from):
    /// queries are answered from one whole generation in every case, so `/readyz` stays 200 through an upgrade.
    static func serves(_ generations: Generations, mounted: String?) -> Bool {
        guard let serving = generations.serving else { return false }
        guard let mounted else { return true }
        return generations.keeps(mounted) || generations.building?.fingerprint == mounted
    }

    static func servingReport(_ state: IngestionState, _ serving: DataGeneration, mounted: String?, nowMs: Int64)
        -> Report
    {
        let note = mounted == nil ? " (fingerprint not checked)" : ""
        if let building = state.generations.building, building.fingerprint == mounted || mounted == nil {
            let derived = state.derivedStatus(nowMs: nowMs, mountedFingerprint: nil)
            let progress =
                switch derived {
                case .inProgress: "is being built (step \(state.step), \(state.stepIndex)/\(state.stepCount))"
                case .failed: "failed to build (\(state.error)); the next run resumes it"
                default: "is \(derived.rawValue); the next run resumes it"
                }
            return Report(
                ready: true, status: "upgrading",
                reason: "serving generation \(serving.summary); generation \(building.name) \(progress)" + note,
                generation: serving.name)
        }
        return Report(
            ready: true, status: IngestionStatus.completed.rawValue,
            reason: "ingestion completed; serving generation \(serving.summary)" + note,
            generation: serving.name)
    }

    /// nil when the live vectorizer made the stored vectors (or is not checked); otherwise the 503.
    private func vectorizerProblem(stored: VectorizerIdentity?) async -> Report? {
        guard let liveVectorizer else { return nil }
        let live: VectorizerIdentity
        do { live = try await liveVectorizer() } catch {
            return Report(
                ready: false, status: "vectorizer_unavailable",
                reason: "queries need the vectorizer, which cannot be identified: \(error)")
        }
        guard let mismatch = VectorizerIdentity.mismatch(stored: stored, live: live) else { return nil }
        return Report(ready: false, status: "vectorizer_mismatch", reason: mismatch)
    }
}
