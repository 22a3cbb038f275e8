import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 14, "done means": searches in a loop from another process (a Python script over loopback, at least
/// 20 per second) through `esco-search` while `esco-supervise run` upgrades from the sample to a modified sample.
/// Zero failed requests, zero empty answers, every answer's results belong to the generation it names, and the
/// generation switches from old to new once.
extension SuperviseE2E {
    @Suite(.serialized) struct ZeroDowntimeUpgrade {
        /// The sample ingested by a supervisor and served by esco-search; returns the configuration of the
        /// modified sample to upgrade to, the search process and its URL.
        static func servingTheSample(_ stack: E2EStack) async throws -> (String, E2EProcess, String) {
            let old = try stack.config(name: "old")
            let new = try stack.config(data: try UpgradeLoad.modifiedSample(in: stack.dir), name: "new")
            let first = try E2EProcess.supervise(old)
            #expect(await first.wait(timeout: 300) == 0, "\(first.stderr.suffix(2000))")
            let (search, url) = try await UpgradeLoad.startSearch(old)
            return (new, search, url)
        }

        @Test func searchesNeverFailWhileTheSupervisorUpgradesAndSwitchOnce() async throws {
            try await E2EStack.with { stack in
                let (new, search, url) = try await Self.servingTheSample(stack)
                defer { search.send(SIGTERM) }
                let answers = try await UpgradeLoad.upgradeUnderLoad(url, in: stack.dir, to: new)
                let rate = UpgradeLoad.expectOneCleanSwitch(answers, from: "g1", to: "g2")
                #expect(rate >= 20, "the loop ran at \(rate) requests per second")
                print("zero-downtime upgrade: \(answers.count) answers at \(Int(rate)) requests/s")
                #expect(try stack.store.state()?.dataGeneration("serving") == 2)
            }
        }

        @Test func theOldGenerationServesThroughAKilledUpgradeAndItsResume() async throws {
            try await E2EStack.with { stack in
                let (new, search, url) = try await Self.servingTheSample(stack)
                defer { search.send(SIGTERM) }
                let answers = try await UpgradeLoad.underLoad(url, in: stack.dir) {
                    let upgrade = try E2EProcess.supervise(new)
                    let childPid = try #require(await Races.waitForIngestionUnderway(stack.store))
                    upgrade.send(SIGKILL)
                    kill(-childPid, SIGKILL)
                    #expect(await upgrade.wait(timeout: 30) == SIGKILL)
                    let killed = try #require(try stack.store.state())
                    #expect(killed.dataGeneration("building") == 2)
                    #expect(killed.dataGeneration("serving") == 1)
                    try await Task.sleep(for: .seconds(2))  // the old generation keeps answering meanwhile
                    let resumed = try E2EProcess.supervise(new)
                    let status = await resumed.wait(timeout: 300)
                    #expect(status == 0, "\(resumed.stderr.suffix(3000))")
                    #expect(resumed.stderr.contains("resume=schema,isco-groups"), "\(resumed.stderr.suffix(3000))")
                }
                let rate = UpgradeLoad.expectOneCleanSwitch(answers, from: "g1", to: "g2")
                print("killed and resumed upgrade: \(answers.count) answers at \(Int(rate)) requests/s")
                // The resumed run finished the same building generation: no generation 3.
                #expect(try stack.store.state()?.dataGeneration("serving") == 2)
            }
        }
    }
}
