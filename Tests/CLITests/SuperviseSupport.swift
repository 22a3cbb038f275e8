import Foundation
import TestSupport
import Testing

/// Every `esco-supervise` end-to-end suite nests here: one at a time, so timings measured on a loaded
/// 2-core machine stay meaningful (the suites start many processes each).
@Suite(.serialized) enum SuperviseE2E {}

/// One test's world: stand-ins on loopback, a temp dir, and a config with profile `test`.
struct E2EStack {
    let dir: URL
    let weaviate: String
    let vectorizer: String
    var store: E2EStore { E2EStore(weaviate) }

    /// Short timings (the config validates heartbeat ≤ TTL/3): a dead holder is taken over in ~3 s.
    static let fastSupervisor =
        "      dependencyDeadlineSeconds: 10\n      pollIntervalSeconds: 0.2\n"
        + "      waitDeadlineSeconds: 90\n      graceSeconds: 5\n"

    func config(
        data: String = DatasetPaths.sample, lockDirectory: String? = nil, leaseTTLSeconds: Double = 3,
        supervisor: String = E2EStack.fastSupervisor, vectorizerURL: String? = nil, name: String = "config"
    ) throws -> String {
        let sub = dir.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        let path = try Harness.writeConfig(
            in: sub, weaviate: weaviate, vectorizer: vectorizerURL ?? vectorizer, data: data,
            leaseTTLSeconds: leaseTTLSeconds, heartbeatSeconds: 1, settleMilliseconds: 200,
            lockDirectory: lockDirectory, supervisor: supervisor)
        // One vector cache for every config of the stack, as a compose volume would be.
        let shared = dir.appendingPathComponent("vector-cache").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
            .replacingOccurrences(of: sub.appendingPathComponent("vector-cache").path, with: shared)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Fresh stand-ins (in memory) and a temp dir for `body`.
    static func with<T>(_ body: (E2EStack) async throws -> T) async throws -> T {
        try await withTemporaryDirectory { dir in
            try await withWeaviateStandIn { w in
                try await withVectorizerStandIn { v in
                    try await body(E2EStack(dir: dir, weaviate: w, vectorizer: v))
                }
            }
        }
    }
}

/// The sample's exact expectations (label vectors off), from `esco dataset stats`.
enum E2EExpect {
    static let stats: Task<DatasetStatsJSON, any Error> = Task { try await DatasetStatsJSON.load(DatasetPaths.sample) }

    /// Per-class counts equal to the dataset's, no vector missing, reference totals on both sides of the
    /// occupation-skill relation exact, no beacon twice.
    static func exactData(_ store: E2EStore, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let stats = try await stats.value
        let counts = try store.servingObjectCounts()
        for (className, want) in stats.expectedCounts {
            #expect(counts[className] == want, "count \(className)", sourceLocation: sourceLocation)
        }
        #expect((counts["Label"] ?? 0) == 0, sourceLocation: sourceLocation)
        let skills = try store.objects("Skill")
        let withoutVector = skills.filter { !$0.hasVector }.count
        #expect(withoutVector == 0, "Skills without a vector", sourceLocation: sourceLocation)
        let essential = stats.int("occupationSkillRelations", "essential")
        let forward = try store.references("Occupation", "essentialSkills")
        let backward = try store.references("Skill", "essentialForOccupations")
        #expect(forward.total == essential && backward.total == essential, sourceLocation: sourceLocation)
        #expect(forward.duplicates == 0 && backward.duplicates == 0, sourceLocation: sourceLocation)
    }
}

/// Runs `esco-supervise <args>` to completion.
func supervise(
    _ config: String, _ args: [String], environment: [String: String] = [:], timeout: TimeInterval = 90
) async throws -> (status: Int32?, process: E2EProcess) {
    let p = try E2EProcess.supervise(config, args, environment: environment)
    let status = await p.wait(timeout: timeout)
    return (status, p)
}

/// Seconds elapsed since `start`.
func seconds(since start: ContinuousClock.Instant) -> Double {
    let d = ContinuousClock.now - start
    return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}
