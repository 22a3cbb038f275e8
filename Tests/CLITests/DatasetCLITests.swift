import Foundation
import TestSupport
import Testing

/// Runs the built `esco` binary and captures exit status, stdout and stderr.
func runESCO(_ arguments: [String], environment: [String: String] = [:]) throws -> (
    status: Int32, out: String, err: String
) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: DatasetPaths.escoBinary)
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env["ESCO_DATA"] = nil
    for (k, v) in environment { env[k] = v }
    process.environment = env
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (
        process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self)
    )
}

@Suite(.serialized) struct DatasetCLITests {
    @Test func statsJSONOnTheSample() throws {
        let r = try runESCO(["dataset", "stats", "--data", DatasetPaths.sample, "--json"])
        #expect(r.status == 0, "\(r.err)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        #expect(json["version"] as? String == "1.1.x")
        #expect(json["language"] as? String == "en")
        #expect(json["skills"] as? Int == 300)
        #expect(json["occupations"] as? Int == 60)
        #expect((json["occupationSkillRelations"] as? [String: Any])?["essential"] as? Int == 368)
        #expect((json["collections"] as? [String: Any])?["transversal"] as? Int == 35)
        #expect((json["files"] as? [Any])?.count == 17)
        let dangling = try #require(json["dangling"] as? [[String: Any]])
        #expect(dangling.map { $0["rows"] as? Int } == [0, 0, 0, 0])
    }

    @Test func humanReportUsesESCODataFromTheEnvironment() throws {
        let r = try runESCO(["dataset", "stats"], environment: ["ESCO_DATA": DatasetPaths.sample])
        #expect(r.status == 0)
        #expect(r.out.contains("ESCO dataset v1.1.x, language en"))
        #expect(r.out.contains("Skills: 300"))
        #expect(r.out.contains("Dangling references: 0 rows"))
    }

    @Test func noDataIsAUsageError() throws {
        let r = try runESCO(["dataset", "stats"])
        #expect(r.status == 64)
        #expect(r.err.contains("no dataset given; pass --data PATH, set ESCO_DATA"))
    }

    @Test func unbalancedQuoteExits65WithPosition() throws {
        var skills = DatasetFixture.minimal["skills_en.csv"]!
        // Header line 1, first skill row lines 2-5 (line breaks in quoted fields), second row line 6: this is line 7.
        skills += Array("KnowledgeSkillCompetence,\"http://x/skill/3,knowledge\r\n".utf8)
        try DatasetFixture.withMinimal(replacing: ["skills_en.csv": skills]) { dir in
            let r = try runESCO(["dataset", "stats", "--data", dir])
            #expect(r.status == 65)
            #expect(
                r.err
                    == "\(dir)/skills_en.csv:7:26: unbalanced quote: the quoted field opened here never closes (file ends at line 8)\n"
            )
            #expect(r.out.isEmpty)
        }
    }

    @Test func wrongHeaderAndMissingFileExit65() throws {
        try DatasetFixture.withMinimal(replacing: ["ISCOGroups_en.csv": Array("conceptType,uri,code\r\n".utf8)]) {
            dir in
            let r = try runESCO(["dataset", "stats", "--data", dir])
            #expect(r.status == 65)
            #expect(
                r.err.hasPrefix(
                    "\(dir)/ISCOGroups_en.csv:1:1: wrong header: missing columns conceptUri, preferredLabel"))
        }
        try DatasetFixture.withMinimal(replacing: ["skills_en.csv": nil]) { dir in
            let r = try runESCO(["dataset", "stats", "--data", dir])
            #expect(r.status == 65)
            #expect(r.err.hasPrefix("\(dir): missing required file skills_en.csv"))
        }
    }
}
