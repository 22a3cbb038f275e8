import ESCOCore
import Foundation
import TestSupport
import Testing

@testable import ESCODataset

/// Each broken input gets its own message with file:line:column; none crashes.
@Suite struct DatasetBrokenInputTests {
    static let skills = DatasetFixture.minimal["skills_en.csv"]!
    static let skillsHeader =
        Array(String(decoding: skills, as: UTF8.self).split(separator: "\r\n")[0].utf8) + [13, 10]

    /// Opens and fully reads the dataset; returns the error text.
    func failure(_ changes: [String: [UInt8]?]) throws -> String? {
        try DatasetFixture.withMinimal(replacing: changes) { dir in
            do {
                _ = try ESCODataset.open(dir).stats()
                return nil
            } catch let error as DatasetError {
                return error.description.replacingOccurrences(of: dir + "/", with: "").replacingOccurrences(
                    of: dir, with: "DIR")
            }
        }
    }

    @Test func minimalDatasetReadsAndRecordsAreNormalised() throws {
        try DatasetFixture.withMinimal { dir in
            let dataset = try ESCODataset.open(dir)
            var skills: [SkillRecord] = []
            try dataset.forEachSkill { skills.append($0) }
            #expect(skills.count == 2)
            #expect(skills[0].preferredLabel == "breed rabbits")
            #expect(skills[0].altLabels == ["a", "b c"])
            #expect(skills[0].inScheme == ["http://x/s1", "http://x/s2"])
            #expect(skills[0].description == "desc \"x\"")
            let stats = try dataset.stats()
            #expect(stats.dangling[0].rows == 1)
            #expect(stats.dangling[0].examples == ["line 3: occupationUri http://x/occ/9"])
        }
    }

    @Test func bomWorks() throws {
        #expect(try failure(["skills_en.csv": [0xEF, 0xBB, 0xBF] + Self.skills]) == nil)
    }

    @Test func unbalancedQuote() throws {
        let bad = Self.skillsHeader + Array("KnowledgeSkillCompetence,http://x/skill/1,\"knowledge,,k\r\n".utf8)
        #expect(
            try failure(["skills_en.csv": bad])
                == "skills_en.csv:2:43: unbalanced quote: the quoted field opened here never closes (file ends at line 3)"
        )
    }

    @Test func wrongHeader() throws {
        #expect(
            try failure(["occupationSkillRelations.csv": Array("occupation,relation,skill\r\na,b,c\r\n".utf8)])
                == "occupationSkillRelations.csv:1:1: wrong header: missing columns occupationUri, relationType, skillType, skillUri; expected a header naming occupationUri,relationType,skillType,skillUri"
        )
    }

    @Test func missingHeader() throws {
        let rows = Array("http://x/occ/1,essential,skill/competence,http://x/skill/1\r\n".utf8)
        #expect(
            try failure(["occupationSkillRelations.csv": rows])?.hasPrefix(
                "occupationSkillRelations.csv:1:1: header line missing: line 1 is a data row") == true)
    }

    @Test func missingRequiredFile() throws {
        #expect(
            try failure(["broaderRelationsSkillPillar.csv": nil])?.hasPrefix(
                "DIR: missing required file broaderRelationsSkillPillar.csv (ESCO v1.1.x layout, language en); expected: skills_en.csv,"
            ) == true)
    }

    @Test func nonUTF8Byte() throws {
        let bad =
            Self.skillsHeader + Array("KnowledgeSkillCompetence,http://x/skill/1,knowledge,,caf".utf8) + [0xE9]
            + Array(",,,,,,,,\r\n".utf8)
        #expect(try failure(["skills_en.csv": bad])?.hasPrefix("skills_en.csv:2:57: invalid UTF-8 (byte 0xE9)") == true)
    }

    @Test func emptyFile() throws {
        #expect(
            try failure(["skillGroups_en.csv": []])?.hasPrefix(
                "skillGroups_en.csv:1:1: file is empty; expected a header line") == true)
    }

    @Test func raggedRowInStrictFile() throws {
        let bad = Array(
            "originalSkillUri,originalSkillType,relationType,relatedSkillType,relatedSkillUri\r\nhttp://x/skill/1,optional,http://x/skill/2\r\n"
                .utf8)
        #expect(
            try failure(["skillSkillRelations.csv": bad])
                == "skillSkillRelations.csv:2:1: row has 3 fields but the header has 5; check for a stray comma or an unquoted line break in this record"
        )
    }

    @Test func badRelationType() throws {
        let bad = Array(
            "occupationUri,relationType,skillType,skillUri\r\nhttp://x/occ/1,essent,skill/competence,http://x/skill/1\r\n"
                .utf8)
        #expect(
            try failure(["occupationSkillRelations.csv": bad])?.hasPrefix(
                "occupationSkillRelations.csv:2:1: relationType is \"essent\"") == true)
    }

    @Test func truncatedGzip() throws {
        let gz = try gzipped(DatasetPaths.sample + "/skillSkillRelations.csv")
        let message = try failure([
            "skillSkillRelations.csv": nil, "skillSkillRelations.csv.gz": Array(gz.prefix(gz.count / 2)),
        ])
        #expect(message?.contains("skillSkillRelations.csv.gz:") == true)
        #expect(message?.contains(": compressed data is truncated (stream ended after ") == true)
    }

    @Test func zipWithoutCSVs() throws {
        let zip = DatasetFixture.storedZip([("README.txt", Array("hello".utf8))])
        try DatasetFixture.withDataset(["esco.zip": zip]) { dir in
            #expect(throws: DatasetError.self) { try ESCODataset.open(dir + "/esco.zip") }
            do { _ = try ESCODataset.open(dir + "/esco.zip") } catch let e as DatasetError {
                #expect(
                    e.description.hasPrefix(
                        "\(dir)/esco.zip: no ESCO layout recognised (found: no CSV files); expected v1.1.x: skills_en.csv,"
                    ))
            }
        }
    }

    @Test func storedZipMembersWork() throws {
        let members = DatasetFixture.minimal.sorted { $0.key < $1.key }.map { ("esco/" + $0.key, $0.value) }
        try DatasetFixture.withDataset(["esco.zip": DatasetFixture.storedZip(members)]) { dir in
            let dataset = try ESCODataset.open(dir + "/esco.zip")
            #expect(dataset.files.count == 8 && dataset.files.allSatisfy { $0.format == .zipMember })
            #expect(try dataset.stats().skills == 2)
        }
    }

    @Test func plainCSVWinsOverGzipAndZip() throws {
        var files: [String: [UInt8]?] = DatasetFixture.minimal.mapValues { $0 }
        files["extra.zip"] = DatasetFixture.storedZip([("skills_en.csv", Self.skillsHeader)])
        try DatasetFixture.withDataset(files) { dir in
            let dataset = try ESCODataset.open(dir)
            #expect(dataset.file(.skills)?.format == .csv)
            #expect(try dataset.stats().skills == 2)
        }
    }

    @Test func unknownLayoutListsExpectedFiles() throws {
        try DatasetFixture.withDataset(["notes.csv": Array("a,b\r\n".utf8)]) { dir in
            do {
                _ = try ESCODataset.open(dir)
                Issue.record("expected an error")
            } catch let e as DatasetError {
                #expect(
                    e.message.contains(
                        "or v1.2.0: skills_en.csv, occupations_en.csv, ISCOGroups_en.csv, skillGroups_en.csv, occupationSkillRelations_en.csv"
                    ))
            }
        }
    }
}

@Suite struct DatasetLayoutTests {
    @Test func v120LayoutIsDetectedAndColumnsFoundByName() throws {
        var files: [String: [UInt8]?] = DatasetFixture.minimal.mapValues { $0 }
        for name in [
            "occupationSkillRelations", "skillSkillRelations", "broaderRelationsOccPillar",
            "broaderRelationsSkillPillar",
        ] {
            files["\(name).csv"] = nil
        }
        files["occupationSkillRelations_en.csv"] = Array(
            "occupationUri,occupationLabel,relationType,skillType,skillUri,skillLabel\r\nhttp://x/occ/1,dev,optional,knowledge,http://x/skill/2,k2\r\n"
                .utf8)
        files["skillSkillRelations_en.csv"] = Array(
            "originalSkillUri,originalSkillLabel,originalSkillType,relationType,relatedSkillType,relatedSkillUri,relatedSkillLabel\r\n"
                .utf8)
        files["broaderRelationsOccPillar_en.csv"] = Array(
            "conceptType,conceptUri,conceptLabel,broaderType,broaderUri,broaderLabel\r\n".utf8)
        files["broaderRelationsSkillPillar_en.csv"] = Array(
            "conceptType,conceptUri,conceptLabel,broaderType,broaderUri,broaderLabel\r\n".utf8)
        files["occupations_en.csv"] = Array(
            "conceptType,conceptUri,code,naceCode,iscoGroup,preferredLabel,altLabels\r\nOccupation,http://x/occ/1,2511.1,\"J62,\nJ63\",2511,dev,\r\n"
                .utf8)
        try DatasetFixture.withDataset(files) { dir in
            let dataset = try ESCODataset.open(dir)
            #expect(dataset.version == "1.2.0")
            #expect(dataset.language == "en")
            var occupations: [OccupationRecord] = []
            try dataset.forEachOccupation { occupations.append($0) }
            #expect(occupations.map(\.naceCodes) == [["J62", "J63"]])
            #expect(occupations.map(\.iscoGroupCode) == ["2511"])
            var relations: [OccupationSkillRelation] = []
            try dataset.forEachOccupationSkillRelation { relations.append($0) }
            #expect(
                relations == [
                    .init(
                        occupationUri: "http://x/occ/1", kind: .optional, skillType: "knowledge",
                        skillUri: "http://x/skill/2")
                ])
        }
    }
}

/// `gzip -c -n FILE` (gzip is part of every Debian system): a real gzip stream, made from the committed sample.
private func gzipped(_ path: String) throws -> Data {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/gzip")
    process.arguments = ["-c", "-n", path]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    try #require(process.terminationStatus == 0, "gzip -c -n \(path) failed")
    return data
}
