import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

extension SuperviseE2E {
    /// Init containers on separate hosts (or Kubernetes pods): no shared lock volume, so no OS file lock serialises
    /// them, and each has its own host name, so none can tell that another's holder process is dead. Only the schema
    /// creation and the lease in Weaviate decide (issue 10; docs/weaviate-compat.md, section Schema).
    @Suite struct CrossHostRaces {
        /// Why `unshare --uts` cannot give a process its own host name here, or nil when it can.
        static let unshareProblem: String? = {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
            p.arguments = ["--uts", "--", "/bin/sh", "-c", "printf probe > /proc/sys/kernel/hostname"]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            do { try p.run() } catch { return "cannot run /usr/bin/unshare: \(error)" }
            p.waitUntilExit()
            return p.terminationStatus == 0 ? nil : "unshare --uts exited \(p.terminationStatus) (needs root)"
        }()

        /// `esco-supervise run` in a new UTS namespace named `host`, from its own working directory.
        static func superviseOnHost(_ host: String, config: String, workingDirectory: String) throws -> E2EProcess {
            try E2EProcess(
                "/usr/bin/unshare",
                [
                    "--uts", "--", "/bin/sh", "-c", "printf %s \"$0\" > /proc/sys/kernel/hostname && exec \"$@\"", host,
                    Harness.binary("esco-supervise"), "run", "--config", config, "--profile", "test",
                ],
                workingDirectory: workingDirectory)
        }

        @Test(.enabled(if: unshareProblem == nil, "needs `unshare --uts` (root) to give each supervisor a host name"))
        func fourSupervisorsOnSeparateHostsRaceOnAnEmptyWeaviateAndIngestExactlyOnce() async throws {
            let rounds = 10
            let start = ContinuousClock.now
            var schemaWrites = 0, classCreates = 0, claims = 0
            try await withTemporaryDirectory { dir in
                try await withVectorizerStandIn { v in
                    for round in 1...rounds {
                        try await withWeaviateStandIn { w in
                            let stack = E2EStack(dir: dir, weaviate: w, vectorizer: v)
                            // Weaviate's schema changes race between their checks and the Raft apply, and object
                            // creates between check and write: widen both so the runners really collide.
                            try stack.store.setFaults(["createWindowMs": 50])
                            var supervisors: [E2EProcess] = []
                            for host in 1...4 {
                                let name = "round\(round)-host\(host)"
                                let home = dir.appendingPathComponent(name)
                                let config = try stack.config(
                                    lockDirectory: home.appendingPathComponent("lock").path, name: name)
                                let s = try Self.superviseOnHost(
                                    "racer\(host)", config: config, workingDirectory: home.path)
                                supervisors.append(s)
                            }
                            var statuses: [Int32?] = []
                            for s in supervisors { statuses.append(await s.wait(timeout: 120)) }
                            let logs = supervisors.map { $0.stderr.suffix(2000) }
                            #expect(statuses == [0, 0, 0, 0], "round \(round): \(statuses) \(logs)")

                            let events = try stack.store.events()
                            let ingesting = try Races.ingestingRuns(stack.store)
                            #expect(ingesting.count == 1, "round \(round): runs that ingested: \(ingesting)")
                            #expect(events.filter { $0.details == "completed" }.count == 1, "round \(round)")
                            let state = try #require(try stack.store.state())
                            #expect(state.status == "completed")
                            // The holder wrote its own host name: the runners really were on separate hosts.
                            let hosts = ["racer1", "racer2", "racer3", "racer4"]
                            #expect(
                                hosts.contains { state.holder.hasPrefix($0 + ":") }, "round \(round): \(state.holder)")
                            let ended = try #require(state.endedAtMs)
                            for (i, s) in supervisors.enumerated() {
                                let verifiedAt = s.logTime(endingWith: "verified")
                                #expect(
                                    verifiedAt.map { $0 >= ended } == true,
                                    "round \(round) supervisor \(i + 1): \(String(describing: verifiedAt))")
                            }
                            try await E2EExpect.exactData(stack.store)
                            let writes = try stack.store.writeRequests()
                            classCreates += writes["POST /v1/schema"] ?? 0
                            schemaWrites +=
                                (writes["POST /v1/schema"] ?? 0)
                                + (writes["POST /v1/schema/{className}/properties"] ?? 0)
                            claims += events.filter { $0.details.hasPrefix("claimed generation") }.count
                        }
                    }
                }
            }
            // 7 classes and 25 reference properties: more writes than that means runners collided on the schema.
            let oneRunner = 7 + 25
            print(
                "four supervisors on separate hosts × \(rounds) rounds: \(seconds(since: start)) s; schema writes "
                    + "\(schemaWrites) (one runner alone: \(oneRunner * rounds)), class creates \(classCreates), lease "
                    + "claims \(claims)")
            #expect(schemaWrites > oneRunner * rounds, "the runners never raced on the schema")
        }
    }
}
