import ArgumentParser
import ESCOConfig
import ESCOCore
import ESCODataset
import Foundation

/// `esco dataset …`: inspect an ESCO CSV export without touching Weaviate.
struct DatasetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dataset",
        abstract: "Inspect an ESCO CSV export.",
        subcommands: [Stats.self]
    )

    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Version, files, fingerprint, counts and dangling references of an ESCO dataset.",
            discussion:
                "Exit codes: 0 ok, 64 no --data and no ESCO_DATA, 65 malformed data (file:line:column on stderr)."
        )

        @Option(
            help: ArgumentHelp(
                "Folder of ESCO *.csv / *.csv.gz files, an ESCO zip, or a folder of ESCO zips (default: $ESCO_DATA).",
                valueName: "path"))
        var data: String?

        @Flag(help: "Print one JSON object instead of the report.")
        var json = false

        @Flag(help: "Skip hashing the files (no sha256, no fingerprint): counts and dangling references only.")
        var noFingerprint = false

        @Option(
            help: ArgumentHelp(
                "Configuration file whose data.path is used when --data and ESCO_DATA are absent.", valueName: "file"))
        var config: String?

        @Option(help: ArgumentHelp("Profile in --config (default: default).", valueName: "name"))
        var profile = "default"

        func run() async throws {
            var fromConfig: String?
            if data == nil, let config {
                fromConfig = try ConfigOptions.parse(["--config", config, "--profile", profile]).load().data.path
            }
            guard let path = data ?? ProcessInfo.processInfo.environment["ESCO_DATA"] ?? fromConfig, !path.isEmpty
            else {
                printError(
                    "esco dataset stats: no dataset given; pass --data PATH, set ESCO_DATA, or pass --config FILE with data.path"
                )
                throw ExitCode(ESCOExit.usage.rawValue)
            }
            let stats: DatasetStats
            do {
                stats = try ESCODataset.open(path).stats(fingerprint: !noFingerprint)
            } catch let error as DatasetError {
                printError(error.description)
                throw ExitCode(ESCOExit.dataError.rawValue)
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(stats), as: UTF8.self))
            } else {
                print(stats.report)
            }
        }
    }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
