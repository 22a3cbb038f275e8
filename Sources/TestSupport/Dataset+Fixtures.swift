import ESCOSystem
import Foundation

/// A tiny, valid ESCO v1.1.x dataset written to a temp folder, for tests that break one file at a time.
public enum DatasetFixture {
    /// File name -> contents (CRLF record ends, LF inside quoted fields, like the real export).
    public static var minimal: [String: [UInt8]] {
        func csv(_ lines: [String]) -> [UInt8] { Array(lines.map { $0 + "\r\n" }.joined().utf8) }
        return [
            "skills_en.csv": csv([
                "conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels,hiddenLabels,status,modifiedDate,scopeNote,definition,inScheme,description",
                "KnowledgeSkillCompetence,http://x/skill/1,skill/competence,transversal,\"  breed\u{00A0}rabbits \",\"a\n b  c\n\",,released,,,,\"http://x/s1,\nhttp://x/s2\",\"desc \"\"x\"\"\"",
                "KnowledgeSkillCompetence,http://x/skill/2,knowledge,,k2,,,released,,,,,",
            ]),
            "occupations_en.csv": csv([
                "conceptType,conceptUri,iscoGroup,preferredLabel,altLabels,hiddenLabels,status,modifiedDate,regulatedProfessionNote,scopeNote,definition,inScheme,description,code",
                "Occupation,http://x/occ/1,2511,dev,,,released,,,,,http://x/s1,d,2511.1",
            ]),
            "ISCOGroups_en.csv": csv([
                "conceptType,conceptUri,code,preferredLabel,status,altLabels,inScheme,description",
                "ISCOGroup,http://x/isco/2511,2511,analysts,released,,,d",
            ]),
            "skillGroups_en.csv": csv([
                "conceptType,conceptUri,preferredLabel,altLabels,hiddenLabels,status,modifiedDate,scopeNote,inScheme,description,code",
                "SkillGroup,http://x/sg/1,group,,,released,,,,,S1",
            ]),
            "occupationSkillRelations.csv": csv([
                "occupationUri,relationType,skillType,skillUri",
                "http://x/occ/1,essential,skill/competence,http://x/skill/1",
                "http://x/occ/9,optional,knowledge,http://x/skill/2",
            ]),
            "skillSkillRelations.csv": csv([
                "originalSkillUri,originalSkillType,relationType,relatedSkillType,relatedSkillUri",
                "http://x/skill/1,skill/competence,optional,knowledge,http://x/skill/2",
            ]),
            "broaderRelationsOccPillar.csv": csv([
                "conceptType,conceptUri,broaderType,broaderUri",
                "Occupation,http://x/occ/1,ISCOGroup,http://x/isco/2511",
            ]),
            "broaderRelationsSkillPillar.csv": csv([
                "conceptType,conceptUri,broaderType,broaderUri",
                "KnowledgeSkillCompetence,http://x/skill/1,SkillGroup,http://x/sg/1",
            ]),
        ]
    }

    /// Writes `files` (nil contents = leave the file out) into a fresh temp folder, runs `body`, removes it.
    public static func withDataset<T>(
        _ files: [String: [UInt8]?], _ body: (String) throws -> T
    ) throws -> T {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("esco-dataset-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for (name, bytes) in files {
            guard let bytes else { continue }
            try Data(bytes).write(to: dir.appendingPathComponent(name))
        }
        return try body(dir.path)
    }

    /// The minimal dataset with some files replaced (`nil` removes a file).
    public static func withMinimal<T>(replacing changes: [String: [UInt8]?] = [:], _ body: (String) throws -> T) throws
        -> T
    {
        var files: [String: [UInt8]?] = minimal.mapValues { $0 }
        for (name, bytes) in changes { files[name] = .some(bytes) }
        return try withDataset(files, body)
    }

    /// A zip archive with stored (uncompressed) members, for zip layout tests.
    public static func storedZip(_ members: [(String, [UInt8])]) -> [UInt8] {
        var out: [UInt8] = []
        var central: [UInt8] = []
        func u16(_ v: Int, _ a: inout [UInt8]) { a += [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
        func u32(_ v: UInt32, _ a: inout [UInt8]) {
            for s in stride(from: 0, to: 32, by: 8) { a.append(UInt8(v >> UInt32(s) & 0xFF)) }
        }
        for (name, data) in members {
            let crc = CRC32.checksum(data)
            let offset = out.count
            let nameBytes = Array(name.utf8)
            u32(0x0403_4B50, &out); u16(20, &out); u16(0, &out); u16(0, &out); u16(0, &out); u16(0, &out)
            u32(crc, &out); u32(UInt32(data.count), &out); u32(UInt32(data.count), &out)
            u16(nameBytes.count, &out); u16(0, &out); out += nameBytes; out += data
            u32(0x0201_4B50, &central); u16(20, &central); u16(20, &central); u16(0, &central); u16(0, &central)
            u16(0, &central); u16(0, &central); u32(crc, &central); u32(UInt32(data.count), &central)
            u32(UInt32(data.count), &central); u16(nameBytes.count, &central); u16(0, &central); u16(0, &central)
            u16(0, &central); u16(0, &central); u32(0, &central); u32(UInt32(offset), &central); central += nameBytes
        }
        let dirOffset = out.count
        out += central
        u32(0x0605_4B50, &out); u16(0, &out); u16(0, &out); u16(members.count, &out); u16(members.count, &out)
        u32(UInt32(central.count), &out); u32(UInt32(dirOffset), &out); u16(0, &out)
        return out
    }

}
