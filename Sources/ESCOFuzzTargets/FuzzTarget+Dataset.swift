import Foundation

@testable import ESCODataset

extension FuzzTarget {
    /// The reader over the bytes in reads of 1 to 256 bytes (the first byte picks the step), so records,
    /// quotes and UTF-8 sequences straddle refills.
    static func csv(_ data: [UInt8]) {
        guard let first = data.first else { return }
        let reader = CSVReader(
            source: MemoryByteSource(Array(data.dropFirst()), step: Int(first) + 1), name: "fuzz.csv")
        var records = 0
        while (try? reader.next()) == true {
            records += 1
            for i in 0..<reader.record.count { _ = reader.record.string(i) }
        }
    }

    /// The archive at a temporary path, every member read to its end (sizes and CRCs checked by the reader).
    static func zip(_ data: [UInt8]) {
        withScratchFolder { dir in
            let path = dir + "/fuzz.zip"
            guard FileManager.default.createFile(atPath: path, contents: Data(data)) else { return }
            guard let archive = try? ZipArchive(path: path) else { return }
            for entry in archive.entries.prefix(16) {
                guard let source = try? archive.open(entry) else { continue }
                drain(source, limit: 4 << 20)
            }
        }
    }

    /// A folder of fuzzed files: layout detection, then every table streamed. Input format: repeated
    /// [name byte][length byte][length bytes of content]; the name byte picks one of `layoutNames`.
    static func layout(_ data: [UInt8]) {
        withScratchFolder { dir in
            var i = 0
            while i + 2 <= data.count {
                let name = layoutNames[Int(data[i]) % layoutNames.count]
                let length = min(Int(data[i + 1]) * 16, data.count - i - 2)
                let content = data[(i + 2)..<(i + 2 + length)]
                i += 2 + length
                let path = dir + "/" + name
                if name.hasSuffix("/") {
                    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
                } else {
                    _ = FileManager.default.createFile(atPath: path, contents: Data(content))
                }
            }
            guard let dataset = try? ESCODataset.open(dir) else { return }
            _ = try? dataset.forEachISCOGroup { _ in }
            _ = try? dataset.forEachSkillGroup { _ in }
            _ = try? dataset.forEachSkill { _ in }
            _ = try? dataset.forEachOccupation { _ in }
            _ = try? dataset.forEachConceptScheme { _ in }
            _ = try? dataset.forEachCollectionMember { _ in }
            _ = try? dataset.forEachOccupationSkillRelation { _ in }
            _ = try? dataset.forEachSkillSkillRelation { _ in }
            _ = try? dataset.forEachBroaderRelation { _ in }
        }
    }

    /// File names an ESCO export uses (both versions), their compressed forms, and near misses.
    static let layoutNames = [
        "skills_en.csv", "occupations_en.csv", "ISCOGroups_en.csv", "skillGroups_en.csv", "conceptSchemes_en.csv",
        "skillsHierarchy_en.csv", "broaderRelationsOccPillar.csv", "broaderRelationsSkillPillar.csv",
        "occupationSkillRelations.csv", "skillSkillRelations.csv", "digitalSkillsCollection_en.csv",
        "greenSkillsCollection_en.csv", "languageSkillsCollection_en.csv", "transversalSkillsCollection_en.csv",
        "skills_en.csv.gz", "occupations_en.csv.gz", "ISCOGroups_en.csv.gz", "occupationSkillRelations_en.csv",
        "skills_fr.csv", "ESCO dataset - v1.1.1 - classification - en - csv.zip", "esco.zip", "skills.csv",
        "sub/", "README.md",
    ]

    private static func drain(_ source: any ByteSource, limit: Int) {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var total = 0
        while total < limit {
            guard let n = try? buffer.withUnsafeMutableBytes({ try source.read(into: $0) }), n > 0 else { return }
            total += n
        }
    }

    /// A fresh empty folder, removed afterwards.
    static func withScratchFolder(_ body: (String) -> Void) {
        var template = Array((NSTemporaryDirectory() + "/esco-fuzz-XXXXXX").utf8CString)
        guard let p = mkdtemp(&template) else { return }
        let dir = String(cString: p)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        body(dir)
    }
}
