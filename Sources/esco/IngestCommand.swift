import ArgumentParser
import ESCOClients
import ESCOConfig
import ESCOCore
import ESCODataset
import ESCOIngestion
import ESCORuntime
import Foundation
import Logging
import UnixSignals

/// `esco ingest`: load ESCO into Weaviate, idempotently and resumably (docs/ARCHITECTURE.md#ingestion).
struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Load the ESCO dataset into Weaviate (idempotent, resumable, one run at a time).",
        discussion: """
            Runs the steps of the ingestion plan under a lease lock stored in Weaviate (and an OS file lock when
            lock.directory is configured). A re-run after a crash resumes from the last finished step; data
            already completed for the same dataset is skipped unless --force-reingest is given. Never prompts
            when DOCKER_ENV=true, NON_INTERACTIVE=true or stdin is not a terminal.

            Exit codes:
            \(ESCOExit.helpTable)
            """)

    @OptionGroup var options: ConfigOptions

    @Option(
        help: ArgumentHelp(
            "ESCO dataset: folder of CSV/CSV.gz files or ESCO zip(s) (default: data.path / ESCO_DATA).",
            valueName: "path"))
    var data: String?

    @Flag(help: "Re-ingest even when the data is complete for this dataset.")
    var forceReingest = false

    func run() async throws {
        MemoryUsage.limitAllocatorArenas()
        let config = try options.load()
        let logger = Logger(label: "esco.ingest")
        let clients = ServiceClients(config: config, logger: logger)
        let dataset: ESCODataset
        do { dataset = try ESCODataset.open(data ?? config.data.path) } catch let e as DatasetError {
            printError("esco ingest: \(e.description)")
            throw ExitCode(IngestExit.dataError.code.rawValue)
        }
        let vectorizer: CachingVectorizer
        do { vectorizer = try clients.cachingVectorizer() } catch {
            printError(
                "esco ingest: cannot open the vector cache \(config.vectorizer.cacheDirectory): \(error) (config: vectorizer.cacheDirectory)"
            )
            throw ExitCode(IngestExit.configuration.code.rawValue)
        }
        let progress: any IngestionProgress = isInteractive ? TerminalProgress() : LogProgress(logger: logger)
        let runner = IngestionRunner(
            dataset: dataset, store: clients.store, weaviate: clients.gateway, vectorizer: vectorizer,
            settings: clients.runnerSettings, progress: progress, logger: logger)

        let exit = await withInterruptions {
            try await runner.run(force: forceReingest)
        } handle: { outcome in
            try await report(outcome, runner: runner)
        }
        if exit != .ready { throw ExitCode(exit.rawValue) }
    }

    /// Maps an outcome to a message and exit code; on a terminal, offers to re-ingest complete data.
    func report(_ outcome: IngestionRunner.Outcome, runner: IngestionRunner) async throws -> ESCOExit {
        switch outcome {
        case .completed(let report, let skipped):
            let resumed = skipped.isEmpty ? "" : " (resumed: \(skipped.count) steps already done)"
            print(
                "ingestion completed and verified\(resumed): \(report.checks.filter(\.ok).count)/\(report.checks.count) checks passed"
            )
            return IngestExit.ready.code
        case .busy(let error):
            printError("esco ingest: \(error.description)")
            return IngestExit.busy.code
        case .alreadyComplete(let state):
            let when = RFC3339.format(state.endedAtMs)
            if isInteractive {
                print("ESCO data is already loaded and complete for this dataset (completed \(when)).")
                print("Re-ingest anyway? [y/N] ", terminator: "")
                if let answer = readLine(),
                    ["y", "yes"].contains(answer.lowercased().trimmingCharacters(in: .whitespaces))
                {
                    return try await report(try await runner.run(force: true), runner: runner)
                }
                print("skipped")
                return IngestExit.ready.code
            }
            print(
                "ESCO data is already loaded and complete for this dataset (completed \(when)); skipping. To re-ingest, run `esco ingest --force-reingest`."
            )
            return IngestExit.ready.code
        }
    }
}

/// Runs `body`, cancelling it on SIGTERM/SIGINT so the run records `failed` instead of dying mid-write.
/// Errors are printed once and mapped to exit codes here (`IngestExit` is what the supervisor reads back).
func withInterruptions<T: Sendable>(
    _ body: @escaping @Sendable () async throws -> T, handle: @escaping @Sendable (T) async throws -> ESCOExit
) async -> ESCOExit {
    let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
    // One group: the run, and a listener whose first signal cancels it (and itself, once the run is over).
    let result = await withTaskGroup(of: Result<ESCOExit, any Error>?.self) { group in
        group.addTask {
            do { return .success(try await handle(try await body())) } catch { return .failure(error) }
        }
        group.addTask {
            for await signal in signals {
                let message = "esco: received signal \(signal.rawValue), stopping (state will be recorded as failed)\n"
                FileHandle.standardError.write(Data(message.utf8))
                return nil
            }
            return nil
        }
        var outcome: Result<ESCOExit, any Error> = .success(.needsIngestionOrFailed)
        while let next = await group.next() {
            group.cancelAll()
            if let next { outcome = next }
        }
        return outcome
    }
    do {
        return try result.get()
    } catch let e as IngestionError {
        printError("esco: ingestion failed: \(e.description)")
        return (e.meansTryLater ? IngestExit.busy : .failed).code
    } catch let e as DatasetError {
        printError("esco: \(e.description)")
        return IngestExit.dataError.code
    } catch {
        printError("esco: ingestion failed: \(error)")
        return IngestExit.failed.code
    }
}
