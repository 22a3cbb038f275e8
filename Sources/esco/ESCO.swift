import ArgumentParser
import ESCOCore

/// The `esco` command: dataset inspection, ingestion and its state, and search.
@main
struct ESCO: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "esco",
        abstract: "Load the ESCO taxonomy into Weaviate and search it.",
        discussion: "Exit codes:\n" + ESCOExit.helpTable,
        subcommands: [
            DatasetCommand.self, IngestCommand.self, StatusCommand.self, UnlockCommand.self, SearchCommand.self,
            ShowCommand.self, EnrichCommand.self, RollbackCommand.self,
        ]
    )
}
