import ArgumentParser
import Foundation
import Testing
import Yams

@testable import esco
@testable import esco_search
@testable import esco_standin
@testable import esco_supervise

/// Every command line of our programs that the documentation shows (README.md, docs/, systemd/README.md)
/// and that the deployment files run (docker-compose.yml, Dockerfile CMD, systemd units) goes through that
/// program's real argument parser: parsed and validated, never run. So a documented command cannot drift
/// from the binaries: a renamed flag or a subcommand that does not exist fails here with file and line.
@Suite struct DocCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static var documents: [String] {
        let folder = root.appendingPathComponent("docs").path
        let docs = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return ["README.md", "systemd/README.md"] + docs.filter { $0.hasSuffix(".md") }.sorted().map { "docs/" + $0 }
    }

    static func read(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    /// nil when `command` parses; else the parser's message. Help and version requests count as parsed.
    static func parseError(_ command: DocumentedCommand) -> String? {
        func check<C: ParsableCommand>(_ type: C.Type) -> String? {
            do {
                _ = try type.parseAsRoot(command.arguments)
                return nil
            } catch {
                return type.exitCode(for: error) == .success ? nil : type.message(for: error)
            }
        }
        switch command.program {
        case "esco": return check(ESCO.self)
        case "esco-supervise": return check(Supervise.self)
        case "esco-search": return check(SearchService.self)
        case "esco-standin": return check(StandIn.self)
        default: return "unknown program \(command.program)"
        }
    }

    static func documentedCommands() throws -> [DocumentedCommand] {
        try documents.flatMap { DocumentedCommand.inMarkdown(try read($0), file: $0) }
    }

    @Test func everyDocumentedCommandParses() throws {
        let commands = try Self.documentedCommands()
        // The scan must find what is there, or this test would pass on nothing.
        for program in DocumentedCommand.programs {
            #expect(commands.contains { $0.program == program }, "no \(program) command found in \(Self.documents)")
        }
        #expect(commands.count >= 30, "only \(commands.count) commands found: is the scan broken?")
        for command in commands {
            let error = Self.parseError(command)
            #expect(error == nil, "\(command)\n  \(error ?? "")")
        }
    }

    @Test func deploymentCommandsParse() throws {
        var commands: [DocumentedCommand] = []
        // docker-compose.yml: each service's command.
        let compose = try #require(try Yams.load(yaml: try Self.read("docker-compose.yml")) as? [String: Any])
        for (name, service) in (compose["services"] as? [String: Any]) ?? [:] {
            let command = (service as? [String: Any])?["command"]
            let words =
                (command as? [Any])?.map { "\($0)" } ?? (command as? String)?.split(separator: " ").map(String.init)
            guard let words, let program = words.first, DocumentedCommand.programs.contains(program) else { continue }
            commands.append(
                .init(program: program, arguments: Array(words.dropFirst()), source: "docker-compose.yml: \(name)"))
        }
        // Dockerfile: the JSON form of CMD.
        for (index, line) in try Self.read("Dockerfile").components(separatedBy: "\n").enumerated()
        where line.hasPrefix("CMD [") {
            let words = try JSONDecoder().decode([String].self, from: Data(line.dropFirst(4).utf8))
            commands.append(
                .init(program: words[0], arguments: Array(words.dropFirst()), source: "Dockerfile:\(index + 1)"))
        }
        // systemd units: Exec*= lines naming one of our binaries by path.
        let unitFolder = Self.root.appendingPathComponent("systemd").path
        let units = try FileManager.default.contentsOfDirectory(atPath: unitFolder)
        for unit in units.sorted() where unit.hasSuffix(".service") {
            for (index, line) in try Self.read("systemd/" + unit).components(separatedBy: "\n").enumerated()
            where line.hasPrefix("Exec") {
                let value = line.split(separator: "=", maxSplits: 1).last.map(String.init) ?? ""
                let words = value.split(separator: " ").map(String.init)
                guard let path = words.first, DocumentedCommand.programs.contains((path as NSString).lastPathComponent)
                else { continue }
                commands.append(
                    .init(
                        program: (path as NSString).lastPathComponent, arguments: Array(words.dropFirst()),
                        source: "systemd/\(unit):\(index + 1)"))
            }
        }
        #expect(commands.count >= 4, "found only \(commands)")
        for command in commands {
            let error = Self.parseError(command)
            #expect(error == nil, "\(command)\n  \(error ?? "")")
        }
    }

    @Test func documentedScriptsExist() throws {
        var missing: [String] = []
        for document in Self.documents {
            let text = try Self.read(document)
            let regex = try NSRegularExpression(pattern: #"(?<![\w./-])scripts/[a-z][\w-]*"#)
            for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let script = String(text[Range(match.range, in: text)!])
                if !FileManager.default.isExecutableFile(atPath: Self.root.appendingPathComponent(script).path) {
                    missing.append("\(document): \(script)")
                }
            }
        }
        #expect(missing.isEmpty, "documented scripts that do not exist: \(missing)")
    }

    /// The checker itself: a command that does not exist must be rejected, one that does accepted.
    @Test func parserRejectsWhatTheBinariesReject() {
        let bad = DocumentedCommand.inShellText("esco-supervise status --json --config c.yaml", source: "test")
        #expect(bad.count == 1)
        #expect(bad.first.flatMap(Self.parseError)?.contains("--json") == true)
        let good = DocumentedCommand.inShellText(
            "sudo sh -c 'set -a; . /etc/esco-stack/esco.env; exec esco status --config x.yaml --profile local'",
            source: "test")
        #expect(good.map(\.arguments) == [["status", "--config", "x.yaml", "--profile", "local"]])
        #expect(good.first.flatMap(Self.parseError) == nil)
        let synopsis = DocumentedCommand.inShellText("esco-standin weaviate|vectorizer [--port N]", source: "test")
        #expect(synopsis.map(\.arguments) == [["weaviate", "--port", "1"], ["vectorizer", "--port", "1"]])
        #expect(DocumentedCommand.inShellText("docker compose run --rm esco-init esco.env", source: "t").isEmpty)
        let fence = "```sh\nsystemctl restart x   # restarts esco-search with it\n```\n"
        let commented = DocumentedCommand.inMarkdown(fence, file: "t")
        #expect(commented.isEmpty)
    }
}
