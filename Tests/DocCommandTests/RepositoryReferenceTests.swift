import Foundation
import Testing

/// A clone must stand on its own: no file of the repository may send the reader to the background design
/// document (it is not in the repository; docs/ARCHITECTURE.md is) or name a path of one machine. Fuzz seeds
/// count too: they were once copied from old schema files that still pointed there.
@Suite struct RepositoryReferenceTests {
    /// Built from parts so this file does not match itself.
    static let forbidden = ["DESIGN" + ".md", "/wo" + "rk/", "/ro" + "ot/", "/ho" + "me/"]

    /// Folders that are build output, local state or version control, never part of the repository's content.
    static func skipped(_ name: String) -> Bool {
        name.hasPrefix(".build") || name == ".git" || name == ".swiftpm" || name == "var" || name == "node_modules"
    }

    static func repositoryFiles() -> [String] {
        let root = DocCommandTests.root
        var files: [String] = []
        var pending = [""]
        while let folder = pending.popLast() {
            let path = folder.isEmpty ? root.path : root.appendingPathComponent(folder).path
            for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] where !skipped(name) {
                let relative = folder.isEmpty ? name : folder + "/" + name
                var isFolder: ObjCBool = false
                let full = root.appendingPathComponent(relative).path
                FileManager.default.fileExists(atPath: full, isDirectory: &isFolder)
                if isFolder.boolValue { pending.append(relative) } else { files.append(relative) }
            }
        }
        return files.sorted()
    }

    @Test func noFileReferencesTheDesignDocumentOrAMachinePath() throws {
        let files = Self.repositoryFiles()
        // The walk must reach what is there, or this test would pass on nothing.
        for expected in [
            "Package.swift", "README.md", "docs/ARCHITECTURE.md", "Tests/FuzzCorpus/seeds/json/weaviate-schema.json",
        ] {
            #expect(files.contains(expected), "the walk did not find \(expected)")
        }
        for file in files {
            let path = DocCommandTests.root.appendingPathComponent(file).path
            guard let data = FileManager.default.contents(atPath: path),
                let text = String(data: data, encoding: .utf8)
            else { continue }  // binary files (the sample zip, images) hold no references a reader follows
            for needle in Self.forbidden where text.contains(needle) {
                let line =
                    text.split(separator: "\n", omittingEmptySubsequences: false)
                    .firstIndex { $0.contains(needle) }.map { $0 + 1 } ?? 0
                Issue.record("\(file):\(line) contains \"\(needle)\": refer to docs/ARCHITECTURE.md or a relative path")
            }
        }
    }
}
