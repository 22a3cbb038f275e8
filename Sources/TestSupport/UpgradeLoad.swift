public import Foundation
import Testing

/// Issue 14's load loop: searches from another process (a Python script over loopback, up to 50 per second)
/// through `esco-search`, recorded one JSON line per answer, and the checks every upgrade test makes on them.
/// The modified sample relabels "cure tobacco leaves", removes one skill and adds one.
public enum UpgradeLoad {
    public static let relabelled = "http://data.europa.eu/esco/skill/00eada7f-0b83-4f0c-af81-d7f92d838000"
    public static let removed = "http://data.europa.eu/esco/skill/045f71e6-0699-4169-8a54-9c6b96f3174d"
    public static let added = "http://data.europa.eu/esco/skill/aaaaaaaa-0000-4000-8000-000000000014"

    public static let loadLoop = """
        import json, os, sys, time, urllib.error, urllib.parse, urllib.request
        url, out, stop = sys.argv[1], sys.argv[2], sys.argv[3]
        query = url + "/search?" + urllib.parse.urlencode({"q": "cure tobacco leaves", "type": "skill", "limit": 5})
        with open(out, "w") as f:
            while not os.path.exists(stop):
                t = time.time()
                rec = {"t": t}
                try:
                    with urllib.request.urlopen(query, timeout=30) as r:
                        rec["status"], body = r.status, r.read()
                except urllib.error.HTTPError as e:
                    rec["status"], body = e.code, e.read()
                except Exception as e:
                    rec["status"], body = 0, str(e).encode()
                try:
                    j = json.loads(body)
                    rec["generation"] = j.get("generation")
                    rec["labels"] = [x.get("label") for x in j.get("results", [])]
                except Exception:
                    rec["body"] = body[:300].decode(errors="replace")
                f.write(json.dumps(rec) + "\\n")
                f.flush()
                time.sleep(max(0.0, 0.02 - (time.time() - t)))
        """

    public struct Answer: Decodable, Sendable, CustomStringConvertible {
        public var t: Double
        public var status: Int
        public var generation: String?
        public var labels: [String]?
        public var body: String?
        public var description: String { "status \(status) generation \(generation ?? "-") \(body ?? "")" }
    }

    /// The sample with "cure tobacco leaves" relabelled, one skill removed and one added.
    public static func modifiedSample(in dir: URL) throws -> String {
        let target = dir.appendingPathComponent("esco-modified")
        try FileManager.default.copyItem(atPath: DatasetPaths.sample, toPath: target.path)
        let skills = target.appendingPathComponent("skills_en.csv")
        // One record per CRLF line (multi-line fields break lines with LF only).
        var records = try String(contentsOf: skills, encoding: .utf8).components(separatedBy: "\r\n")
        let before = records.count
        records.removeAll { $0.hasPrefix("KnowledgeSkillCompetence,\(removed),") }
        records = records.map {
            $0.hasPrefix("KnowledgeSkillCompetence,\(relabelled),")
                ? $0.replacingOccurrences(of: ",cure tobacco leaves,", with: ",cure tobacco leaves (relabelled),") : $0
        }
        guard records.count == before - 1, records.contains(where: { $0.contains("(relabelled)") }) else {
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: skills.path])
        }
        records.insert(
            "KnowledgeSkillCompetence,\(added),skill/competence,cross-sector,operate data generations,,,released,"
                + "2025-01-01T00:00:00Z,,,,Switch a search index from one release to the next.",
            at: records.count - 1)
        try records.joined(separator: "\r\n").write(to: skills, atomically: true, encoding: .utf8)
        return target.path
    }

    /// `esco-search` on port 0, and its URL once it listens.
    public static func startSearch(_ config: String, profile: String = "test") async throws -> (E2EProcess, String) {
        let search = try E2EProcess(
            Harness.binary("esco-search"),
            ["--config", config, "--profile", profile, "--host", "127.0.0.1", "--port", "0"])
        let url = await e2ePoll(timeout: 60) { () -> String? in
            search.stdout.split(separator: "\n").first { $0.hasPrefix("listening on ") }
                .map { String($0.dropFirst("listening on ".count)) }
        }
        return (search, try #require(url, "esco-search did not listen: \(search.stderr.suffix(2000))"))
    }

    /// Runs the load loop while `body` runs; returns every answer, in order.
    public static func underLoad(_ url: String, in dir: URL, _ body: () async throws -> Void) async throws -> [Answer] {
        let script = dir.appendingPathComponent("load_loop.py")
        try loadLoop.write(to: script, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("answers-\(UUID().uuidString).jsonl").path
        let stop = out + ".stop"
        let loop = try E2EProcess("/usr/bin/env", ["python3", script.path, url, out, stop])
        _ = await e2ePoll(timeout: 30) { () -> Bool? in
            ((try? String(contentsOfFile: out, encoding: .utf8))?.count ?? 0) > 0 ? true : nil
        }
        do { try await body() } catch {
            _ = FileManager.default.createFile(atPath: stop, contents: nil)
            throw error
        }
        try await Task.sleep(for: .seconds(2))  // answers after the switch, too
        _ = FileManager.default.createFile(atPath: stop, contents: nil)
        #expect(await loop.wait(timeout: 60) == 0, "\(loop.stderr)")
        let text = try String(contentsOfFile: out, encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONDecoder().decode(Answer.self, from: Data($0.utf8)) }
    }

    /// The load loop while `esco-supervise run` upgrades to `config`'s data; the run must exit 0.
    public static func upgradeUnderLoad(_ url: String, in dir: URL, to config: String) async throws -> [Answer] {
        try await underLoad(url, in: dir) {
            let upgrade = try E2EProcess.supervise(config)
            let status = await upgrade.wait(timeout: 300)
            #expect(status == 0, "\(upgrade.stderr.suffix(3000))")
        }
    }

    /// Zero failures, zero empty answers, one switch from `old` to `new`, and each answer's labels belong
    /// to the generation it names. Returns requests per second.
    @discardableResult
    public static func expectOneCleanSwitch(_ answers: [Answer], from old: String, to new: String) -> Double {
        #expect(answers.count > 20)
        let failed = answers.filter { $0.status != 200 }
        #expect(failed.isEmpty, "\(failed.count) failed, first: \(failed.first.map { "\($0)" } ?? "")")
        let empty = answers.filter { ($0.labels ?? []).isEmpty }
        #expect(empty.isEmpty, "\(empty.count) empty answers")
        let generations = answers.compactMap(\.generation)
        #expect(generations.count == answers.count)
        let firstNew = generations.firstIndex(of: new) ?? generations.count
        #expect(generations[..<firstNew].allSatisfy { $0 == old }, "before the switch: \(Set(generations))")
        #expect(generations[firstNew...].allSatisfy { $0 == new }, "after the switch, only \(new)")
        #expect(firstNew > 0 && firstNew < generations.count, "the loop saw both generations")
        for a in answers {
            let labels = a.labels ?? []
            if a.generation == old {
                #expect(!labels.contains { $0.contains("(relabelled)") || $0 == "operate data generations" })
            } else {
                #expect(!labels.contains("cure tobacco leaves"))
            }
        }
        // Non-vacuous: the relabelled concept is in the answers of both generations.
        #expect(answers.contains { $0.generation == old && ($0.labels ?? []).contains("cure tobacco leaves") })
        #expect(
            answers.contains {
                $0.generation == new && ($0.labels ?? []).contains("cure tobacco leaves (relabelled)")
            })
        let seconds = (answers.last?.t ?? 0) - (answers.first?.t ?? 0)
        return seconds > 0 ? Double(answers.count) / seconds : 0
    }
}
