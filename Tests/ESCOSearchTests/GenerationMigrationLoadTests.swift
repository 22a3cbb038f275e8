import ESCOConfig
import ESCOCore
import ESCORuntime
import ESCOStandIns
import Foundation
import SearchTestSupport
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 14, item 5 under load: a deployment made before generations (plain classes, a state without a generations
/// record) is upgraded by `esco-supervise run` while another process searches through `esco-search`: no request
/// fails, no answer is empty, and answers switch from the plain classes (generation 0) to generation 1 once.
@Suite(.serialized) struct GenerationMigrationLoadTests {
    static let fastSupervisor =
        "      dependencyDeadlineSeconds: 10\n      pollIntervalSeconds: 0.2\n"
        + "      waitDeadlineSeconds: 90\n      graceSeconds: 5\n"

    @Test func theFirstUpgradeOfAnUnversionedDeploymentLosesNoSearch() async throws {
        let services = try StandInServices()
        try await GenerationUpgradeTests().makeUnversionedDeployment(services)
        try await withTemporaryDirectory { dir in
            let old = try Harness.writeConfig(
                in: dir, weaviate: services.weaviate.url, vectorizer: services.vectorizer!.url)
            let newDir = dir.appendingPathComponent("new", isDirectory: true)
            try FileManager.default.createDirectory(at: newDir, withIntermediateDirectories: true)
            let new = try Harness.writeConfig(
                in: newDir, weaviate: services.weaviate.url, vectorizer: services.vectorizer!.url,
                data: try UpgradeLoad.modifiedSample(in: dir), supervisor: Self.fastSupervisor)
            let (search, url) = try await UpgradeLoad.startSearch(old)
            defer { search.send(SIGTERM) }
            let answers = try await UpgradeLoad.upgradeUnderLoad(url, in: dir, to: new)
            let rate = UpgradeLoad.expectOneCleanSwitch(answers, from: "g0", to: "g1")
            #expect(rate >= 20, "the loop ran at \(rate) requests per second")
            print("first upgrade of an unversioned deployment: \(answers.count) answers at \(Int(rate)) requests/s")
            #expect(try await services.clients.store.read()?.generations.previous.map(\.number) == [0])
        }
    }
}
