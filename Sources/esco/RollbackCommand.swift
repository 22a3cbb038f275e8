import ArgumentParser
import ESCOClients
import ESCOConfig
import ESCOCore
import ESCOIngestion
import ESCORuntime
import Logging

/// `esco rollback`: serve the previous data generation again (docs/ARCHITECTURE.md#aliases).
struct RollbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Serve the previous data generation again (after an upgrade that went wrong).",
        discussion: """
            Under the ingestion lease: points the stable class names (aliases) at the newest previous generation and
            records it as serving, in one state write that moves every reader at once. The generation that served is
            kept as the newest previous, so a second rollback goes forward again. The mounted dataset is not rebuilt
            afterwards unless `esco ingest --force-reingest` is run. ingest.keepGenerations sets how many previous
            generations are kept.

            Exit codes: 0 rolled back, 1 an ingestion holds the lease or Weaviate is unreachable (try later),
            2 no previous generation is kept, 78 configuration error.
            """)

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let config = try options.load()
        let clients = ServiceClients(config: config, logger: Logger(label: "esco.rollback"))
        let lease = LeaseLock(store: clients.store, me: .current(), settings: clients.runnerSettings.lease)
        let gateway = clients.gateway
        let outcome: LeaseLock.RollbackOutcome
        do {
            outcome = try await lease.rollback { try await gateway.publish(generation: $0) }
        } catch {
            // The error names Weaviate's URL and what failed; "run again" only helps once its cause is gone.
            printError(
                "esco rollback: \(error); nothing was switched. See esco status for the generations, fix the cause, "
                    + "then run esco rollback again")
            throw ExitCode(ESCOExit.tryLater.rawValue)
        }
        switch outcome {
        case .rolledBack(let from, let to):
            print("rolled back: serving \(to.summary), previously \(from.summary)")
        case .busy(let error):
            printError("esco rollback: \(error.description)")
            throw ExitCode(ESCOExit.tryLater.rawValue)
        case .nothingToRollBackTo(let reason):
            printError("esco rollback: \(reason); see esco status")
            throw ExitCode(ESCOExit.needsIngestionOrFailed.rawValue)
        }
    }
}
