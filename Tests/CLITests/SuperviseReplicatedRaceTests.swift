import Foundation
import TestSupport
import Testing

extension SuperviseE2E {
    /// The lease on a replicated Weaviate (issue 18; docs/KUBERNETES.md): four supervisors on separate hosts, each
    /// talking to a different node of a 3-replica cluster whose lagging replicas get a write long after the lease's
    /// settle time. At consistency ONE a claim and its read-back never leave one node, so runners on different nodes
    /// each confirm their own claim; at the `kubernetes` profile's QUORUM every read-back meets every claim.
    @Suite struct ReplicatedRaces {
        static let replicas = 3
        /// Far above the lease's settle time (200 ms in these configs).
        static let lagMs = 2_000

        /// The config of `host`, pointed at node `host % replicas`, reading and writing at `level`.
        static func config(_ stack: E2EStack, cluster: ClusterStandIn, host: Int, round: Int, level: String)
            throws -> (config: String, home: URL)
        {
            let name = "\(level)-round\(round)-host\(host)"
            let home = stack.dir.appendingPathComponent(name)
            let path = try stack.config(lockDirectory: home.appendingPathComponent("lock").path, name: name)
            let node = cluster.urls[host % cluster.urls.count]
            let text = try String(contentsOfFile: path, encoding: .utf8)
                .replacingOccurrences(
                    of: "    weaviate:\n      url: \(stack.weaviate)\n",
                    with: "    weaviate:\n      url: \(node)\n      consistencyLevel: \(level)\n")
            #expect(text.contains("consistencyLevel: \(level)"), "the config template changed")
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return (path, home)
        }

        /// Runs four supervisors on separate hosts against a fresh cluster; returns their exit statuses, the runs that
        /// did ingestion work, their logs and the history without step events, read after every replica converged.
        /// At QUORUM with every supervisor done, the data is also checked exact.
        static func round(_ round: Int, level: String, dir: URL, vectorizer: String) async throws
            -> (statuses: [Int32?], ingesting: Set<String>, logs: [String], history: [String])
        {
            let cluster = try ClusterStandIn.start(replicas: replicas, lagMs: lagMs)
            defer { cluster.stop() }
            let stack = E2EStack(dir: dir, weaviate: cluster.urls[0], vectorizer: vectorizer)
            var supervisors: [E2EProcess] = []
            for host in 1...4 {
                let (config, home) = try Self.config(stack, cluster: cluster, host: host, round: round, level: level)
                supervisors.append(
                    try CrossHostRaces.superviseOnHost("node\(host)", config: config, workingDirectory: home.path))
            }
            var statuses: [Int32?] = []
            for s in supervisors { statuses.append(await s.wait(timeout: 180)) }
            // Let every lagging replica receive what was written, then read the history from one of them.
            let converged = await e2ePoll(timeout: 30) { () -> Bool? in
                Set(cluster.objectCounts()).count == 1 ? true : nil
            }
            #expect(converged == true, "round \(round): replicas never converged: \(cluster.objectCounts())")
            try await Task.sleep(nanoseconds: UInt64(lagMs + 500) * 1_000_000)
            let ingesting = try Races.ingestingRuns(stack.store)
            // The history, for a failure message: who claimed what and when.
            let history = try stack.store.events().map { "\($0.string("timestamp")) \($0.holder) \($0.details)" }
                .sorted()
                .filter { !$0.contains(" step ") }
            if level == "QUORUM", statuses == [0, 0, 0, 0] { try await E2EExpect.exactData(stack.store) }
            return (statuses, ingesting, supervisors.map { String($0.stderr.suffix(1500)) }, history)
        }

        @Test(.enabled(if: CrossHostRaces.unshareProblem == nil, "needs `unshare --uts` (root) for separate hosts"))
        func atConsistencyOneRunnersOnDifferentNodesEachConfirmTheirOwnClaim() async throws {
            try await withTemporaryDirectory { dir in
                try await withVectorizerStandIn { v in
                    let r = try await Self.round(1, level: "ONE", dir: dir, vectorizer: v)
                    // What goes wrong: more than one runner read back its own claim and ingested at the same time.
                    #expect(r.ingesting.count > 1, "at ONE only \(r.ingesting.count) runner ingested: \(r.logs)")
                    print(
                        "consistency ONE, four supervisors on three nodes: \(r.ingesting.count) ingested at once; "
                            + "exit statuses \(r.statuses)")
                }
            }
        }

        @Test(.enabled(if: CrossHostRaces.unshareProblem == nil, "needs `unshare --uts` (root) for separate hosts"))
        func atQuorumExactlyOneRunnerIngestsEveryRound() async throws {
            let rounds = 10
            let start = ContinuousClock.now
            try await withTemporaryDirectory { dir in
                try await withVectorizerStandIn { v in
                    for round in 1...rounds {
                        let r = try await Self.round(round, level: "QUORUM", dir: dir, vectorizer: v)
                        #expect(r.statuses == [0, 0, 0, 0], "round \(round): \(r.statuses) \(r.logs)")
                        #expect(
                            r.ingesting.count == 1, "round \(round): runs that ingested: \(r.ingesting) \(r.history)")
                    }
                }
            }
            print(
                "consistency QUORUM, four supervisors on three lagging nodes × \(rounds) rounds: "
                    + "\(seconds(since: start)) s")
        }
    }
}
