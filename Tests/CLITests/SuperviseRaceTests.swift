import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

extension SuperviseE2E {
    /// Several supervisors, killed supervisors, interrupted ingestions (issue 5; docs/ARCHITECTURE.md#state-and-lease
    /// and #supervisor).
    @Suite struct Races {
        /// Runs whose events show real ingestion work (a step started), by run id.
        static func ingestingRuns(_ store: E2EStore) throws -> Set<String> {
            Set(try store.events().filter { $0.details.hasPrefix("step ") }.map(\.runId))
        }

        @Test func fourSupervisorsAtOnceIngestExactlyOnceAndAllExit0AfterCompletion() async throws {
            let rounds = 10
            let start = ContinuousClock.now
            try await withTemporaryDirectory { dir in
                let lockDir = dir.appendingPathComponent("lock").path
                try await withVectorizerStandIn { v in
                    for round in 1...rounds {
                        try await withWeaviateStandIn { w in
                            // Weaviate's non-atomic creates (objects; schema changes before their Raft apply), widened.
                            let stack = E2EStack(dir: dir, weaviate: w, vectorizer: v)
                            try stack.store.setFaults(["createWindowMs": 50])
                            let config = try stack.config(lockDirectory: lockDir, name: "round\(round)")
                            let supervisors = try (0..<4).map { _ in try E2EProcess.supervise(config) }
                            var statuses: [Int32?] = []
                            for s in supervisors { statuses.append(await s.wait(timeout: 90)) }
                            let logs = supervisors.map { $0.stderr.suffix(1500) }
                            #expect(statuses == [0, 0, 0, 0], "round \(round): \(statuses) \(logs)")

                            let events = try stack.store.events()
                            let claims = events.filter { $0.details.hasPrefix("claimed generation") }
                            #expect(claims.count == 1, "round \(round): \(claims.map(\.details))")
                            #expect(try Self.ingestingRuns(stack.store).count == 1, "round \(round)")
                            #expect(events.filter { $0.details == "completed" }.count == 1, "round \(round)")
                            let state = try #require(try stack.store.state())
                            #expect(state.status == "completed")
                            // Exactly one data generation was built, and it serves.
                            #expect(state.dataGeneration("serving") == 1, "round \(round)")
                            #expect(state.dataGeneration("building") == nil, "round \(round)")
                            let ended = try #require(state.endedAtMs)
                            for (i, s) in supervisors.enumerated() {
                                // Every supervisor (winner or waiter) verified after the data was complete.
                                let verifiedAt = s.logTime(endingWith: "verified")
                                #expect(
                                    verifiedAt.map { $0 >= ended } == true,
                                    "round \(round) supervisor \(i) verified at \(String(describing: verifiedAt)), completed at \(ended)"
                                )
                            }
                            try await E2EExpect.exactData(stack.store)
                        }
                    }
                }
            }
            print("four supervisors × \(rounds) rounds: \(seconds(since: start)) s")
        }

        /// Waits until an ingestion is past its first data step and returns the holder's pid.
        static func waitForIngestionUnderway(_ store: E2EStore) async -> Int32? {
            await e2ePoll(timeout: 60) { () -> Int32? in
                guard let s = try store.state(), s.status == "in_progress", s.completedSteps.contains("isco-groups"),
                    let pid = s.holderPid, e2eProcessExists(pid)
                else { return nil }
                return pid
            }
        }

        @Test func killedIngestingSupervisorIsTakenOverByAWaitingOne() async throws {
            try await E2EStack.with { stack in
                let lockDir = stack.dir.appendingPathComponent("lock").path
                let config = try stack.config(lockDirectory: lockDir)
                try stack.store.setFaults(["latencyMs": 25])
                let first = try E2EProcess.supervise(config)
                let childPid = try #require(await Self.waitForIngestionUnderway(stack.store))
                #expect(e2eParentPid(childPid) == first.pid)
                let ownerBefore = try #require(try stack.store.state())
                let second = try E2EProcess.supervise(config)
                // The second one sees the live lease and waits (it must not exit while the first ingests).
                let waiting = await e2ePoll(timeout: 20) { () -> Bool? in
                    second.stderr.contains("waiting for ingestion held by another runner") ? true : nil
                }
                #expect(waiting == true, "\(second.stderr)")

                // A container death: the supervisor and its ingestion's process group, without warning.
                first.send(SIGKILL)
                kill(-childPid, SIGKILL)
                #expect(await first.wait(timeout: 10) == SIGKILL && first.wasSignaled)
                try stack.store.setFaults(["latencyMs": 0])

                let status = await second.wait(timeout: 90)
                #expect(status == 0, "\(second.stderr.suffix(3000))")
                #expect(second.stderr.contains("lease expired, taking over"))
                let state = try #require(try stack.store.state())
                #expect(state.status == "completed")
                #expect(state.runId != ownerBefore.runId)
                #expect(state.generation > ownerBefore.generation)
                // The taker-over resumed from the dead run's checkpoints instead of starting over.
                #expect(second.stderr.contains("resume=schema,isco-groups"), "\(second.stderr.suffix(3000))")
                #expect(try Self.ingestingRuns(stack.store).count == 2)
                try await E2EExpect.exactData(stack.store)
            }
        }

        @Test func sigtermDuringIngestionStopsTheChildAndTheNextRunRecovers() async throws {
            try await E2EStack.with { stack in
                let config = try stack.config(lockDirectory: stack.dir.appendingPathComponent("lock").path)
                try stack.store.setFaults(["latencyMs": 25])
                let supervisor = try E2EProcess.supervise(config)
                let childPid = try #require(await Self.waitForIngestionUnderway(stack.store))
                #expect(e2eParentPid(childPid) == supervisor.pid)

                supervisor.send(SIGTERM)
                let status = await supervisor.wait(timeout: 30)
                #expect(status != nil && status != 0, "\(supervisor.stderr.suffix(2000))")
                #expect(!supervisor.wasSignaled, "the supervisor died of the signal instead of handling it")
                #expect(!e2eProcessExists(childPid))
                // The child got SIGTERM (not SIGKILL): it said so and recorded its own failure.
                #expect(supervisor.stderr.contains("esco: received signal 15"), "\(supervisor.stderr.suffix(2000))")
                #expect(supervisor.stderr.contains("interrupted by signal 15"))
                let state = try #require(try stack.store.state())
                #expect(state.status == "failed", "state \(state.status): \(state.error)")
                #expect(state.error.contains("interrupted"), "\(state.error)")
                #expect(!state.error.isEmpty)

                try stack.store.setFaults(["latencyMs": 0])
                let again = try await supervise(config, ["run"])
                #expect(again.status == 0, "\(again.process.stderr.suffix(3000))")
                #expect(try stack.store.state()?.status == "completed")
                try await E2EExpect.exactData(stack.store)
            }
        }
    }
}
