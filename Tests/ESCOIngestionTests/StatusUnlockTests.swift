import ESCOClients
import ESCOConfig
import ESCOCore
import ESCOIngestion
import ESCORuntime
import ESCOSystem
import Foundation
import Logging
import TestSupport
import Testing

/// `esco status` and `esco unlock --force` as an operator uses them, against the stand-ins.
@Suite(.serialized) struct StatusUnlockTests {
    func esco(_ args: [String]) async throws -> Harness.Result {
        try await Harness.run(DatasetPaths.escoBinary, args)
    }

    func statusJSON(_ config: String) async throws -> (Int32, [String: Any]) {
        let r = try await esco(["status", "--config", config, "--profile", "test", "--json"])
        return (r.status, (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]) ?? [:])
    }

    @Test func liveLeaseBlocksIngestUntilAnOperatorUnlocksIt() async throws {
        try await withTemporaryDirectory { dir in
            try await withWeaviateStandIn { w in
                try await withVectorizerStandIn { v in
                    let config = try Harness.writeConfig(in: dir, weaviate: w, vectorizer: v, leaseTTLSeconds: 600)
                    let client = WeaviateClient(configuration: .init(url: w), logger: Logger(label: "t"))
                    let gateway = WeaviateGateway(
                        client: client,
                        schemaDirectory: Harness.packageRoot.appendingPathComponent("resources/schemas").path)
                    _ = try await gateway.ensureSchema()

                    let (notStarted, empty) = try await statusJSON(config)
                    #expect(notStarted == 2)
                    #expect(empty["status"] as? String == "not_started")

                    // A run on another host holds a live lease (as if its machine vanished).
                    let now = WallClock.nowMs()
                    let other = IngestionState(
                        status: .inProgress, runId: "run-elsewhere", holder: "other-host:4242", generation: 3,
                        leaseExpiresAtMs: now + 600_000, heartbeatAtMs: now, startedAtMs: now - 5_000, step: "skills",
                        stepIndex: 5, stepCount: 13)
                    try await StateStore(backend: gateway).write(other, event: "claimed", sequence: 1, nowMs: now)

                    let (busyCode, busy) = try await statusJSON(config)
                    #expect(busyCode == 1)
                    #expect(busy["status"] as? String == "in_progress")
                    #expect(busy["holder"] as? String == "other-host:4242")
                    #expect(busy["step"] as? String == "5/13 skills")

                    let blocked = try await esco(["ingest", "--config", config, "--profile", "test"])
                    #expect(blocked.status == 1)
                    #expect(blocked.stderr.contains("held by other-host:4242 (run run-elsewhere) since"))
                    #expect(blocked.stderr.contains("esco unlock --force"))

                    let refused = try await esco(["unlock", "--config", config, "--profile", "test"])
                    #expect(refused.status == 64)
                    let unlocked = try await esco(["unlock", "--force", "--config", config, "--profile", "test"])
                    #expect(unlocked.status == 0)
                    #expect(unlocked.stdout.contains("run-elsewhere"))
                    let (failedCode, failed) = try await statusJSON(config)
                    #expect(failedCode == 2)
                    #expect(failed["status"] as? String == "failed")
                    #expect(failed["generation"] as? Int == 4)

                    let ingested = try await esco(["ingest", "--config", config, "--profile", "test"])
                    #expect(ingested.status == 0, "\(ingested.stderr.suffix(800))")
                    let (doneCode, done) = try await statusJSON(config)
                    #expect(doneCode == 0)
                    #expect(done["status"] as? String == "completed")
                    #expect(done["fingerprintMatches"] as? Bool == true)
                    #expect((done["counts"] as? [String: Any])?["Skill"] as? Int == 300)
                    #expect((done["history"] as? [Any])?.isEmpty == false)
                }
            }
        }
    }
}
