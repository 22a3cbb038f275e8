public import ArgumentParser
import ESCOCore
import ESCOSupervisor
import Foundation
import Logging
import UnixSignals

/// `esco-supervise`: the init supervisor (docs/ARCHITECTURE.md#supervisor). Parse, build, run, map to an exit code.
@main
struct Supervise: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "esco-supervise",
        abstract: "Wait for Weaviate and the vectorizer, ingest ESCO once, verify, and report.",
        discussion: "Exit codes (shared by run, status and verify):\n" + ESCOExit.helpTable,
        version: ESCOStack.version,
        subcommands: [Run.self, Status.self, Verify.self],
        defaultSubcommand: Run.self
    )
}

struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: "Configuration file.")
    var config = "config/weaviate_config.yaml"

    @Option(name: .long, help: "Profile in the configuration file.")
    var profile = "default"

    @Option(name: .long, help: "Log line format: human or json (one JSON object per line, on stderr).")
    var logFormat: SupervisorLogHandler.Format = .human

    func logger() -> Logger {
        let format = logFormat
        return Logger(label: "esco-supervise") { _ in SupervisorLogHandler(format: format) }
    }

    /// Builds the supervisor and runs it with SIGTERM/SIGINT routed to it.
    func supervise(_ mode: Supervisor.Mode) async throws -> Supervisor.Outcome {
        let logger = logger()
        let dependencies: SupervisorDependencies
        do {
            dependencies = try makeDependencies(config: config, profile: profile)
        } catch {
            logger.error("configuration error", metadata: ["config": "\(config)", "error": "\(error)"])
            throw ExitCode(ESCOExit.configuration.rawValue)
        }
        let supervisor = Supervisor(mode: mode, dependencies: dependencies, logger: logger)
        return await supervisor.run(terminationSignals: await UnixSignalsSequence(trapping: .sigterm, .sigint))
    }
}

extension SupervisorLogHandler.Format: ExpressibleByArgument {}

/// Compose reserves exit code 2 for healthchecks, so `--healthcheck` reports 2 as 1.
func processExitCode(_ code: ESCOExit, healthcheck: Bool) -> Int32 {
    healthcheck && code == .needsIngestionOrFailed ? ESCOExit.tryLater.rawValue : code.rawValue
}

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Wait for dependencies, ingest if needed, verify; READY=1 to systemd only after a verify.",
        discussion: "Exit codes:\n" + ESCOExit.helpTable
    )

    @OptionGroup var options: CommonOptions

    func run() async throws {
        let outcome = try await options.supervise(.run)
        if outcome.exit != .ready { throw ExitCode(outcome.exit.rawValue) }
    }
}

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read the ingestion state once: 0 completed, 1 in progress, 2 needs ingestion or failed.",
        discussion: "Exit codes:\n" + ESCOExit.helpTable + "\nWith --healthcheck, 2 is reported as 1."
    )

    @OptionGroup var options: CommonOptions

    @Flag(help: "For compose healthchecks: never exit 2 (compose reserves it); report it as 1.")
    var healthcheck = false

    func run() async throws {
        let outcome = try await options.supervise(.status)
        print(outcome.reason)
        let code = processExitCode(outcome.exit, healthcheck: healthcheck)
        if code != 0 { throw ExitCode(code) }
    }
}

struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify the stored data: status, fingerprint, counts, vectors, references, a search.",
        discussion: "Exit codes:\n" + ESCOExit.helpTable + "\nWith --healthcheck, 2 is reported as 1."
    )

    @OptionGroup var options: CommonOptions

    @Flag(help: "For compose healthchecks: never exit 2 (compose reserves it); report it as 1.")
    var healthcheck = false

    @Flag(help: "Print the report as JSON.")
    var json = false

    func run() async throws {
        let outcome = try await options.supervise(.verify)
        if let report = outcome.report {
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
            } else {
                print(report.humanDescription)
            }
        } else {
            print(outcome.reason)
        }
        let code = processExitCode(outcome.exit, healthcheck: healthcheck)
        if code != 0 { throw ExitCode(code) }
    }
}
