import ArgumentParser
import ESCOConfig
import ESCOCore
import ESCOIngestion
import ESCORuntime
import ESCOSearch
import Foundation
import Logging

/// Exit codes of `search`, `show` and `enrich`.
let searchExitHelp = """
    Exit codes:
      0   results printed (possibly none)
      1   Weaviate or the vectorizer unreachable or failing: try later
      2   the data is not ingested (no classes in Weaviate), or a class lacks a property: run esco ingest
      64  usage error, invalid input, or (show) no such concept
      78  configuration error (file:line:column and key path in the message)
    """

/// Builds the engine from `--config`/`--profile` and maps search errors to exit codes, printing once.
struct SearchContext {
    let engine: SearchEngine
    let store: StateStore
    let output: SearchOutput

    init(options: ConfigOptions) throws {
        let config = try options.load()
        let logger = Logger(label: "esco.search")
        let clients = ServiceClients(config: config, logger: logger)
        let store = clients.store
        let backend = WeaviateSearchBackend(
            weaviate: clients.weaviate, vectorizer: clients.vectorizerClient, stateReader: { try await store.read() })
        engine = SearchEngine(backend: backend)
        self.store = store
        let env = ProcessInfo.processInfo.environment
        output = SearchOutput(colour: isatty(1) == 1 && env["NO_COLOR"] == nil && env["TERM"] != "dumb")
    }

    /// Warns on stderr when the stored ingestion is not completed: results may be partial.
    func warnIfIncomplete(_ command: String) async {
        guard let state = try? await store.read() else { return }
        if state.status != .completed {
            printError(
                "esco \(command): warning: the ingestion state is \(state.status.rawValue); results may be incomplete")
        }
    }

    static func fail(_ command: String, _ error: any Error) -> ExitCode {
        guard let e = error as? SearchError else {
            printError("esco \(command): \(error)")
            return ExitCode(ESCOExit.tryLater.rawValue)
        }
        printError("esco \(command): \(e.message)")
        switch e.code {
        case .invalidInput, .notFound: return ExitCode(ESCOExit.usage.rawValue)
        case .notReady, .schemaMismatch: return ExitCode(ESCOExit.needsIngestionOrFailed.rawValue)
        default: return ExitCode(ESCOExit.tryLater.rawValue)
        }
    }

    static func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}

/// `esco search "query"`.
struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search", abstract: "Search skills, occupations, ISCO groups and skill groups by meaning.",
        discussion: searchExitHelp)

    @Argument(help: "What to look for (1 to 500 characters).") var query: String
    @Option(help: ArgumentHelp("skill, occupation, isco, group or all.", valueName: "type")) var type = "all"
    @Option(help: ArgumentHelp("Number of results, 1 to 100.", valueName: "n")) var limit = SearchQuery.defaultLimit
    @Option(help: ArgumentHelp("Leave out results scoring below this (0 to 1).", valueName: "x"))
    var minCertainty = 0.0
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let q: SearchQuery
        do {
            q = try SearchQuery(
                text: query, type: try ConceptType.parse(type), limit: limit, minCertainty: minCertainty)
        } catch {
            throw SearchContext.fail("search", error)
        }
        let context = try SearchContext(options: options)
        do {
            let results = try await context.engine.search(q)
            await context.warnIfIncomplete("search")
            if json {
                try SearchContext.printJSON(results)
            } else {
                print(context.output.results(results, query: q.text), terminator: "")
            }
        } catch {
            throw SearchContext.fail("search", error)
        }
    }
}

/// `esco show <uri|uuid>`.
struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show a concept and its relations, by concept URI or object UUID.",
        discussion: searchExitHelp)

    @Argument(help: "A concept URI (http://data.europa.eu/esco/...) or an object UUID.") var id: String
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let reference: ConceptReference
        do { reference = try ConceptReference.parse(id) } catch { throw SearchContext.fail("show", error) }
        let context = try SearchContext(options: options)
        do {
            let detail = try await context.engine.concept(reference)
            if json {
                try SearchContext.printJSON(detail)
            } else {
                print(context.output.concept(detail), terminator: "")
            }
        } catch {
            throw SearchContext.fail("show", error)
        }
    }
}

/// `esco enrich --title T --description D`.
struct EnrichCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enrich",
        abstract: "From a job title and description: likely occupations, skills mentioned, essential skills missing.",
        discussion: searchExitHelp)

    @Option(help: ArgumentHelp("The job title.", valueName: "text")) var title: String
    @Option(help: ArgumentHelp("The job description (\"-\" reads it from stdin).", valueName: "text"))
    var description = ""
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var options: ConfigOptions

    func run() async throws {
        var text = description
        if text == "-" { text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) }
        let request: EnrichmentRequest
        do { request = try EnrichmentRequest(title: title, description: text) } catch {
            throw SearchContext.fail("enrich", error)
        }
        let context = try SearchContext(options: options)
        do {
            let result = try await context.engine.enrich(request)
            await context.warnIfIncomplete("enrich")
            if json {
                try SearchContext.printJSON(result)
            } else {
                print(context.output.enrichment(result), terminator: "")
            }
        } catch {
            throw SearchContext.fail("enrich", error)
        }
    }
}
