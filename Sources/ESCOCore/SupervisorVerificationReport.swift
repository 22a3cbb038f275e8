/// Result of `verify` (docs/ARCHITECTURE.md#supervisor): one entry per check, printed for humans or as JSON.
public struct VerificationReport: Sendable, Hashable, Codable {
    /// One check, e.g. `counts.Skill`, with what was found.
    public struct Check: Sendable, Hashable, Codable {
        public var name: String
        public var ok: Bool
        public var detail: String

        public init(name: String, ok: Bool, detail: String = "") {
            self.name = name
            self.ok = ok
            self.detail = detail
        }
    }

    /// True only when every check passed (and there was at least one).
    public var ok: Bool
    public var checks: [Check]

    public init(checks: [Check]) {
        self.ok = !checks.isEmpty && checks.allSatisfy(\.ok)
        self.checks = checks
    }

    /// Names and details of the failed checks, for a one-line reason.
    public var failureSummary: String {
        let failed = checks.filter { !$0.ok }
        if failed.isEmpty { return checks.isEmpty ? "no checks ran" : "" }
        return failed.map { $0.detail.isEmpty ? $0.name : "\($0.name): \($0.detail)" }.joined(separator: "; ")
    }

    /// Human report: one line per check.
    public var humanDescription: String {
        var lines = checks.map { "\($0.ok ? "ok  " : "FAIL") \($0.name)" + ($0.detail.isEmpty ? "" : "  \($0.detail)") }
        lines.append(ok ? "verified" : "verification failed")
        return lines.joined(separator: "\n")
    }
}
