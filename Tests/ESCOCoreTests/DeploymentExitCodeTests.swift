import ESCOCore
import Foundation
import Testing
import Yams

/// The deployments' restart rules are written in their own languages (a Kubernetes Job's `podFailurePolicy`, systemd's
/// `RestartPreventExitStatus=`); these tests hold each of them to `ESCOExit`, so adding or reclassifying an exit code
/// fails here until every deployment agrees.
@Suite struct DeploymentExitCodeTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Failure codes: everything but success.
    static var failures: [ESCOExit] { ESCOExit.allCases.filter { $0 != .ready } }

    /// The Job's podFailurePolicy rules for the esco-init container, as action → exit codes.
    static func jobRules() throws -> [String: Set<Int32>] {
        let text = try String(contentsOf: root.appendingPathComponent("kubernetes/esco-init-job.yaml"), encoding: .utf8)
        let job = try #require(
            try Yams.load_all(yaml: text).compactMap { $0 as? [String: Any] }.first { ($0["kind"] as? String) == "Job" }
        )
        let spec = try #require(job["spec"] as? [String: Any])
        let policy = try #require(spec["podFailurePolicy"] as? [String: Any], "the Job has no podFailurePolicy")
        let rules = try #require(policy["rules"] as? [[String: Any]])
        var byAction: [String: Set<Int32>] = [:]
        for rule in rules {
            guard let onExit = rule["onExitCodes"] as? [String: Any] else { continue }
            let action = try #require(rule["action"] as? String)
            #expect(onExit["containerName"] as? String == "esco-init")
            #expect(onExit["operator"] as? String == "In", "NotIn rules would classify codes we never exit with")
            let values = try #require(onExit["values"] as? [Int])
            byAction[action, default: []].formUnion(values.map(Int32.init))
        }
        return byAction
    }

    @Test func jobFailsAtOnceExactlyOnTheCodesNoRetryCanFix() throws {
        let rules = try Self.jobRules()
        let permanent = Set(Self.failures.filter { !$0.isRetryable }.map(\.rawValue))
        #expect(rules["FailJob"] == permanent)
    }

    @Test func jobRetriesExactlyTheRetryableCodes() throws {
        let rules = try Self.jobRules()
        let retryable = Set(Self.failures.filter(\.isRetryable).map(\.rawValue))
        #expect(retryable == [ESCOExit.tryLater.rawValue])
        #expect(rules["Count"] == retryable)
    }

    @Test func jobNamesOnlyCodesTheProgramsUse() throws {
        let known = Set(ESCOExit.allCases.map(\.rawValue))
        let named = try Self.jobRules().values.reduce(into: Set<Int32>()) { $0.formUnion($1) }
        #expect(named.isSubset(of: known), "unknown exit codes in the Job: \(named.subtracting(known).sorted())")
        #expect(!named.contains(ESCOExit.ready.rawValue))
    }

    @Test func systemdNeverRestartsInitOnACodeNoRetryCanFix() throws {
        let unit = try String(
            contentsOf: Self.root.appendingPathComponent("systemd/esco-init.service"), encoding: .utf8)
        let line = try #require(unit.split(separator: "\n").first { $0.hasPrefix("RestartPreventExitStatus=") })
        let codes = Set(
            line.dropFirst("RestartPreventExitStatus=".count).split(separator: " ").compactMap { Int32($0) })
        #expect(codes == Set(Self.failures.filter { !$0.isRetryable }.map(\.rawValue)))
    }
}
