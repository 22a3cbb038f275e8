import Foundation

/// Finds the ESCO files under a path and decides version and language (docs/ARCHITECTURE.md#esco-data).
enum DatasetLayout {
    struct Result {
        var version: String
        var language: String
        var files: [DatasetFile]
    }

    static func discover(_ path: String) throws -> Result {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DatasetError(
                code: .notFound, file: path, message: "no such file or folder; pass --data or set ESCO_DATA")
        }
        // Candidates per logical name, best first: .csv, then .csv.gz, then zip members.
        var candidates: [String: [DatasetFile]] = [:]
        func add(_ name: String, _ format: DatasetFile.Format, _ path: String, _ member: String? = nil) {
            guard name.hasSuffix(".csv") else { return }
            let stem = String(name.dropLast(4))
            let (base, _) = splitLanguage(stem)
            guard let kind = DatasetFile.Kind.from(stem: base) else { return }
            candidates[name, default: []].append(
                DatasetFile(name: name, kind: kind, format: format, path: path, member: member))
        }
        func addZip(_ zipPath: String) throws {
            let archive: ZipArchive
            do { archive = try ZipArchive(path: zipPath) } catch let e as SourceError {
                throw DatasetError(code: .unreadable, file: zipPath, message: e.message)
            }
            for entry in archive.entries where !entry.name.hasSuffix("/") {
                let base = entry.name.split(separator: "/").last.map(String.init) ?? entry.name
                add(base, .zipMember, zipPath, entry.name)
            }
        }
        if isDirectory.boolValue {
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
            for name in names where name.hasSuffix(".csv") { add(name, .csv, path + "/" + name) }
            for name in names where name.hasSuffix(".csv.gz") {
                add(String(name.dropLast(3)), .gzip, path + "/" + name)
            }
            for name in names where name.hasSuffix(".zip") { try addZip(path + "/" + name) }
        } else if path.hasSuffix(".zip") {
            try addZip(path)
        } else {
            throw DatasetError(
                code: .layout, file: path,
                message: "not a dataset: expected a folder of ESCO CSV (or .csv.gz) files or an ESCO zip")
        }
        let found = candidates.compactMapValues(\.first)

        let languages = Set(found.keys.compactMap { splitLanguage(String($0.dropLast(4))).1 })
        guard languages.count <= 1 else {
            throw DatasetError(
                code: .layout, file: path,
                message: "files for several languages (\(languages.sorted().joined(separator: ", "))); "
                    + "point it at one language's files")
        }
        guard let language = languages.first else { throw unknownLayout(path, found: Array(found.keys)) }
        let v12 = found["occupationSkillRelations_\(language).csv"] != nil
        let version = v12 ? "1.2.0" : "1.1.x"
        var files: [DatasetFile] = []
        var missing: [String] = []
        for kind in DatasetFile.Kind.all {
            let name = expectedName(kind, version: version, language: language)
            if let file = found[name] {
                files.append(file)
            } else if DatasetFile.Kind.required.contains(kind) {
                missing.append(name)
            }
        }
        guard missing.isEmpty else {
            throw DatasetError(
                code: .layout, file: path,
                message: "missing required file\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", ")) "
                    + "(ESCO v\(version) layout, language \(language)); "
                    + "expected: \(expectedList(version: version, language: language))")
        }
        return Result(version: version, language: language, files: files)
    }

    static func expectedName(_ kind: DatasetFile.Kind, version: String, language: String) -> String {
        kind.isRelation && version != "1.2.0" ? "\(kind.stem).csv" : "\(kind.stem)_\(language).csv"
    }

    static func expectedList(version: String, language: String) -> String {
        DatasetFile.Kind.required.map { expectedName($0, version: version, language: language) }
            .joined(separator: ", ") + " (optional: conceptSchemes, skillsHierarchy, 7 collection files)"
    }

    private static func unknownLayout(_ path: String, found: [String]) -> DatasetError {
        DatasetError(
            code: .layout, file: path,
            message:
                "no ESCO layout recognised (found: \(found.isEmpty ? "no CSV files" : found.sorted().joined(separator: ", "))); "
                + "expected v1.1.x: \(expectedList(version: "1.1.x", language: "en")) "
                + "or v1.2.0: \(expectedList(version: "1.2.0", language: "en")), as .csv, .csv.gz or inside ESCO zips")
    }

    /// `skills_en` -> ("skills", "en"); `skillSkillRelations` -> ("skillSkillRelations", nil).
    static func splitLanguage(_ stem: String) -> (String, String?) {
        let parts = stem.split(separator: "_")
        guard parts.count == 2, parts[1].count == 2 || parts[1].count == 3, parts[1].allSatisfy(\.isLetter) else {
            return (stem, nil)
        }
        return (String(parts[0]), String(parts[1]))
    }
}
