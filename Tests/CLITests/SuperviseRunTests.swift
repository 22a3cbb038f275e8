import Foundation
import TestSupport
import Testing

extension SuperviseE2E {
    /// `esco-supervise run/verify/status` as real processes against the stand-ins (issue 5).
    @Suite struct Run {
        @Test func coldStartIngestsNotifiesReadyLastThenWarmStartWritesNothing() async throws {
            try await E2EStack.with { stack in
                let config = try stack.config()
                let notify = try E2ENotifySocket(in: stack.dir.path)
                let env = ["NOTIFY_SOCKET": notify.path]

                let cold = try await supervise(config, ["run"], environment: env)
                #expect(cold.status == 0, "\(cold.process.stderr.suffix(3000))")
                let datagrams = notify.drain()
                #expect(datagrams.count >= 2)
                #expect(datagrams.last?.contains("READY=1") == true, "\(datagrams)")
                #expect(datagrams.dropLast().allSatisfy { !$0.contains("READY=1") }, "READY=1 before the end")
                #expect(datagrams.dropLast().contains { $0.hasPrefix("STATUS=") }, "no STATUS= before READY=1")
                #expect(datagrams.contains { $0.contains("STATUS=ingesting") })
                #expect(datagrams.contains { $0.contains("EXTEND_TIMEOUT_USEC=") })
                try await E2EExpect.exactData(stack.store)
                #expect(try stack.store.state()?.status == "completed")

                let writesBefore = try stack.store.writeRequests()
                let start = ContinuousClock.now
                let warm = try await supervise(config, ["run"], environment: env)
                let warmSeconds = seconds(since: start)
                #expect(warm.status == 0, "\(warm.process.stderr)")
                #expect(try stack.store.writeRequests() == writesBefore, "the warm start wrote to Weaviate")
                #expect(!warm.process.stderr.contains("starting ingestion"))
                #expect(notify.drain().last?.contains("READY=1") == true)
                // Generous for a debug build on a loaded machine; measured ~0.3 s.
                #expect(warmSeconds < 5, "warm start took \(warmSeconds) s")
            }
        }

        @Test func dependencyThatNeverBecomesReadyExits1NamingIt() async throws {
            try await E2EStack.with { stack in
                let deadline = "      dependencyDeadlineSeconds: 2\n"
                // Port 1 on loopback: nothing listens there, every probe is refused.
                let closed = try stack.config(supervisor: deadline, vectorizerURL: "http://127.0.0.1:1", name: "closed")
                let start = ContinuousClock.now
                let r1 = try await supervise(closed, ["run"])
                #expect(r1.status == 1)
                #expect(seconds(since: start) >= 2)
                #expect(
                    r1.process.stderr.contains("vectorizer at http://127.0.0.1:1/.well-known/ready was not ready"),
                    "\(r1.process.stderr)")

                try stack.store.setFaults(["readinessDelayMs": 600_000])
                let slow = try stack.config(supervisor: deadline, name: "slow")
                let r2 = try await supervise(slow, ["run"])
                #expect(r2.status == 1)
                #expect(
                    r2.process.stderr.contains("weaviate at \(stack.weaviate)/v1/.well-known/ready was not ready"),
                    "\(r2.process.stderr)")
            }
        }

        @Test func brokenConfigExits78NamingFileLineColumnAndKeyPath() async throws {
            try await withTemporaryDirectory { dir in
                let path = dir.appendingPathComponent("broken.yaml").path
                let yaml = "profiles:\n  test:\n    weaviate:\n      url: http://127.0.0.1:9\n      retries: many\n"
                try yaml.write(toFile: path, atomically: true, encoding: .utf8)
                for mode in ["run", "status", "verify"] {
                    let r = try await supervise(path, [mode])
                    #expect(r.status == 78, "\(mode): \(r.process.stderr)")
                    #expect(r.process.stderr.contains("\(path):5:16"), "\(mode): \(r.process.stderr)")
                    #expect(r.process.stderr.contains("profiles.test.weaviate.retries"))
                }
            }
        }

        @Test func verifyAndStatusReportWhatIsWrong() async throws {
            try await E2EStack.with { stack in
                let config = try stack.config()
                let notStarted = try await supervise(config, ["status"])
                #expect(notStarted.status == 2, "\(notStarted.process.stdout) \(notStarted.process.stderr)")
                #expect(notStarted.process.stdout.contains("not_started"))
                let health = try await supervise(config, ["status", "--healthcheck"])
                #expect(health.status == 1)

                let run = try await supervise(config, ["run"])
                try #require(run.status == 0, "\(run.process.stderr.suffix(2000))")
                #expect(try await supervise(config, ["status"]).status == 0)
                let good = try await supervise(config, ["verify"])
                #expect(good.status == 0)
                #expect(good.process.stdout.contains("verified"))
                let json = try await supervise(config, ["verify", "--json"])
                let report = try #require(
                    try JSONSerialization.jsonObject(with: Data(json.process.stdout.utf8)) as? [String: Any])
                #expect(report["ok"] as? Bool == true)
                let names = (report["checks"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
                for name in ["status", "fingerprint", "count Skill", "references", "nearest neighbour"] {
                    #expect(names.contains(name), "\(names)")
                }

                // The mounted data changes: a copy of the sample with one description edited.
                let copy = stack.dir.appendingPathComponent("data-copy")
                try FileManager.default.copyItem(atPath: DatasetPaths.sample, toPath: copy.path)
                let skills = copy.appendingPathComponent("skills_en.csv")
                let text = try String(contentsOf: skills, encoding: .utf8)
                try text.replacingOccurrences(of: "the", with: "teh", options: [], range: text.range(of: "the"))
                    .write(to: skills, atomically: true, encoding: .utf8)
                let changed = try stack.config(data: copy.path, name: "changed")
                let outdated = try await supervise(changed, ["verify"])
                #expect(outdated.status == 2)
                #expect(outdated.process.stdout.contains("FAIL fingerprint"), "\(outdated.process.stdout)")
                #expect(try await supervise(changed, ["status"]).process.stdout.contains("outdated"))
                let outdatedHealth = try await supervise(changed, ["verify", "--healthcheck"])
                #expect(outdatedHealth.status == 1)

                // An object deleted behind the product's back.
                let victim = try #require(try stack.store.objects("Skill").first?.id)
                #expect(try stack.store.delete("Skill", victim) == 204)
                let broken = try await supervise(config, ["verify"])
                #expect(broken.status == 2)
                let want = try await E2EExpect.stats.value.int("skills")
                #expect(
                    broken.process.stdout.contains("FAIL count Skill  \(want - 1) objects, expected \(want)"),
                    "\(broken.process.stdout)")
                let brokenJSON = try await supervise(config, ["verify", "--json"])
                #expect(brokenJSON.status == 2)
                let failed = try #require(
                    try JSONSerialization.jsonObject(with: Data(brokenJSON.process.stdout.utf8)) as? [String: Any])
                #expect(failed["ok"] as? Bool == false)
            }
        }
    }
}
