import ESCOClients
import ESCOConfig
import ESCOCore
import ESCOIngestion
import ESCOStandIns
import Foundation
import Logging
import TestSupport
import Testing

/// `esco ingest` killed with SIGKILL inside different steps, then run again (docs/ARCHITECTURE.md#ingestion).
@Suite(.serialized) struct KillRecoveryTests {
    func state(_ url: String) async -> IngestionState? { try? await readState(url) }

    /// Starts `esco ingest`, waits until the state shows `step` in progress, and SIGKILLs it there.
    /// Returns the state as the dead run left it (read after the kill, so it is exact).
    func killInside(_ step: IngestionStep, config: String, weaviate: String) async throws -> IngestionState? {
        let (p, out, err) = try Harness.start(
            DatasetPaths.escoBinary, ["ingest", "--config", config, "--profile", "test"])
        let deadline = Date().addingTimeInterval(90)
        while Date() < deadline, p.isRunning {
            if let s = await state(weaviate), s.status == .inProgress, s.step == step.rawValue,
                !s.completedSteps.contains(step.rawValue)
            {
                kill(p.processIdentifier, SIGKILL)
                let r = await Harness.finish(p, out, err)
                #expect(r.status == SIGKILL, "killed by SIGKILL")  // Process reports the signal number
                return await state(weaviate)
            }
            try await Task.sleep(nanoseconds: 5_000_000)
        }
        let r = await Harness.finish(p, out, err)
        Issue.record("never saw step \(step.rawValue) in progress; exit \(r.status): \(r.stderr.suffix(800))")
        return nil
    }

    @Test func killedInThreeStepsThenResumedGivesExactDataWithoutRedoingFinishedSteps() async throws {
        let stats = try await DatasetStatsJSON.load(DatasetPaths.sample)
        try await withTemporaryDirectory { dir in
            var faults = Faults()
            // Every request takes 150 ms, so each step lasts about a second: a kill aimed at a step lands
            // inside it even when a loaded machine slows the polling down.
            faults.latencyMs = 150
            try await withWeaviateStandIn(.init(faults: faults)) { w in
                try await withVectorizerStandIn { v in
                    let config = try Harness.writeConfig(in: dir, weaviate: w, vectorizer: v, batchSize: 10)
                    var checkpoints: [[String]] = []
                    for step in [IngestionStep.skillGroups, .skills, .skillRelations] {
                        let s = try await killInside(step, config: config, weaviate: w)
                        #expect(s?.status == .inProgress, "a killed run leaves its lease behind")
                        #expect(s?.step == step.rawValue, "killed while \(step.rawValue) was the current step")
                        checkpoints.append(s?.completedSteps ?? [])
                    }
                    // Each run resumed where the previous one was killed: earlier steps are checkpointed.
                    #expect(checkpoints[0].contains("isco-groups"))
                    #expect(checkpoints[1].contains("collections"))
                    #expect(checkpoints[2].contains("relations-occupations"))

                    _ = try RawHTTP.json(w, "POST", "/_standin/faults", ["latencyMs": 0])
                    let before = checkpoints[2]
                    let final = try await Harness.run(
                        DatasetPaths.escoBinary, ["ingest", "--config", config, "--profile", "test"])
                    #expect(final.status == 0, "\(final.stderr.suffix(1500))")
                    // The last run skipped every step checkpointed before the last kill (schema and verify always run).
                    for step in before where step != "schema" && step != "verify" {
                        let line = final.stderr.split(separator: "\n").first {
                            $0.contains("step=\(stepNumber(step)) \(step) ")
                                || $0.hasSuffix("step=\(stepNumber(step)) \(step)")
                                || $0.contains("step=\(stepNumber(step)) \(step) [")
                        }
                        #expect(
                            line?.contains("step skipped") == true,
                            "step \(step) was not skipped: \(line ?? "no log line")")
                    }
                    #expect(
                        final.stdout.contains(
                            "resumed: \(before.filter { $0 != "schema" && $0 != "verify" }.count) steps"))
                    #expect(await state(w)?.status == .completed)
                    IngestionIntegrationTests().expectExact(try await StoreSnapshot.read(w), stats)

                    // Never re-vectorised a cached text: the vectorizer saw each distinct text about once
                    // (texts in flight at a kill may be sent again: at most the chunks vectorised ahead, per kill).
                    let vstats = try RawHTTP.request(v, "GET", "/_standin/stats")
                    let texts = (try vstats.json() as? [String: Any])?["texts"] as? Int ?? -1
                    let distinct =
                        stats.int("skills") + stats.int("occupations") + stats.int("iscoGroups")
                        + stats.int("skillGroups") + 7
                    // (distinct concepts bound the distinct texts from above: identical texts are sent once)
                    #expect(texts > distinct / 2)
                    #expect(texts <= distinct + 3 * 2 * 10)  // two chunks of 10 vectorised ahead per kill
                }
            }
        }
    }

    func stepNumber(_ step: String) -> String {
        let steps = IngestionPlan(labelVectors: false, completedSteps: []).steps
        let i = (steps.firstIndex { $0.rawValue == step } ?? -1) + 1
        return "\(i)/\(steps.count)"
    }
}
