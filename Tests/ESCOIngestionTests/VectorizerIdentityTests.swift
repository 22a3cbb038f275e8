import ESCOClients
import ESCOCore
import ESCODataset
import ESCOIngestion
import ESCORuntime
import ESCOSystem
import Logging
import TestSupport
import Testing

/// Issue 10 item 3: the vectorizer's identity is part of what "completed" means.
@Suite struct VectorizerIdentityTests {
    func runner(_ w: InMemoryWeaviate, _ m: InMemoryMetadata, _ v: CountingVectorizer) throws -> IngestionRunner {
        IngestionRunner(
            dataset: try ESCODataset.open(DatasetPaths.sample), store: StateStore(backend: m), weaviate: w,
            vectorizer: v,
            settings: PipelineTests.settings, progress: SilentProgress(), logger: Logger(label: "test"))
    }

    @Test func fingerprintCarriesTheConfiguredModelAndTokenizeMode() throws {
        let fp = try ESCODataset.open(DatasetPaths.sample).fingerprint()
        func fingerprint(_ model: String, _ direct: Bool) -> String {
            StateFingerprint.make(
                fp, labelVectors: true,
                vectorizer: VectorizerIdentity.configuredTag(model: model, directTokenize: direct))
        }
        let base = fingerprint("sentence-transformers/all-MiniLM-L6-v2", true)
        #expect(base.hasSuffix(";model=sentence-transformers/all-MiniLM-L6-v2;tokenize=direct"))
        #expect(fingerprint("sentence-transformers/all-mpnet-base-v2", true) != base)
        #expect(fingerprint("sentence-transformers/all-MiniLM-L6-v2", false) != base)
        let completed = IngestionState(status: .completed, fingerprint: base)
        #expect(completed.derivedStatus(nowMs: 0, mountedFingerprint: fingerprint("other/model", true)) == .outdated)
        #expect(completed.derivedStatus(nowMs: 0, mountedFingerprint: base) == .completed)
    }

    @Test func aModelChangeMakesCompletedDataOutdatedAndTheNextRunRebuildsIt() async throws {
        let w = InMemoryWeaviate(), m = InMemoryMetadata(), v = CountingVectorizer()
        guard case .completed = try await runner(w, m, v).run(force: false) else {
            Issue.record("expected the first run to complete")
            return
        }
        let a = try await v.identity()
        let stored = try #require(try await StateStore(backend: m).read())
        #expect(stored.vectorizer == a, "the identity is stored with the state")
        #expect(stored.fingerprint.hasSuffix(a.configuredTag))

        // The configuration now names another model: the state is outdated for it, and a run (not forced)
        // rebuilds instead of skipping.
        let b = VectorizerIdentity(
            model: "org/other-model", directTokenize: true, modelType: "counting", hiddenSize: 8, dimensions: 8)
        let fp = try ESCODataset.open(DatasetPaths.sample).fingerprint()
        let mountedForB = StateFingerprint.make(fp, labelVectors: true, vectorizer: b.configuredTag)
        #expect(stored.derivedStatus(nowMs: WallClock.nowMs(), mountedFingerprint: mountedForB) == .outdated)
        await v.serve(b)
        let textsBefore = await v.texts
        guard case .completed(_, let skipped) = try await runner(w, m, v).run(force: false) else {
            Issue.record("a model change must rebuild, not skip")
            return
        }
        #expect(skipped.isEmpty, "no checkpoint of the old model is reused: \(skipped)")
        #expect(await v.texts > textsBefore)
        let rebuilt = try #require(try await StateStore(backend: m).read())
        #expect(rebuilt.vectorizer == b && rebuilt.fingerprint == mountedForB && rebuilt.status == .completed)
    }

    @Test func aSwappedModelUnderTheSameConfigurationIsRebuiltNotSkippedOrResumed() async throws {
        let w = InMemoryWeaviate(), m = InMemoryMetadata(), v = CountingVectorizer()
        _ = try await runner(w, m, v).run(force: false)
        var swapped = try await v.identity()
        swapped.modelType = "mpnet"
        swapped.dimensions = 768
        await v.serve(swapped)
        guard case .completed(_, let skipped) = try await runner(w, m, v).run(force: false) else {
            Issue.record("completed data of another model must not count as complete")
            return
        }
        #expect(skipped.isEmpty)
        #expect(try await StateStore(backend: m).read()?.vectorizer == swapped)
    }

    @Test func verifyReportsAMismatchNamingBothIdentities() async throws {
        let w = InMemoryWeaviate(), m = InMemoryMetadata(), v = CountingVectorizer()
        _ = try await runner(w, m, v).run(force: false)
        let state = try #require(try await StateStore(backend: m).read())
        let stored = try #require(state.vectorizer)
        var live = stored
        live.hiddenSize = 768
        live.dimensions = 768
        func vectorizerCheck(_ liveVectorizer: Verifier.LiveVectorizer) async throws -> VerificationReport.Check? {
            let verifier = Verifier(
                weaviate: w, state: state, mountedFingerprint: state.fingerprint, liveVectorizer: liveVectorizer)
            return try await verifier.verify(state: state).checks.first { $0.name == "vectorizer" }
        }
        let same = try #require(try await vectorizerCheck(.identified(stored)))
        #expect(same.ok)
        let other = try #require(try await vectorizerCheck(.identified(live)))
        #expect(!other.ok)
        #expect(other.detail.contains(stored.description) && other.detail.contains(live.description), "\(other.detail)")
        let down = try #require(try await vectorizerCheck(.unavailable("connection refused")))
        #expect(!down.ok && down.detail.contains("connection refused"))
    }
}
