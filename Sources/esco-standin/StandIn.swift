import ArgumentParser
import ESCOStandIns
import Foundation
import UnixSignals

#if canImport(Glibc)
    import Glibc
#endif

/// `esco-standin`: the Weaviate and text2vec-transformers stand-ins as processes (docs/ARCHITECTURE.md#stand-ins).
@main
struct StandIn: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "esco-standin",
        abstract: "Run a stand-in server for tests and benchmarks.",
        subcommands: [WeaviateCommand.self, VectorizerCommand.self])
}

struct WeaviateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "weaviate", abstract: "Serve the Weaviate 1.32 stand-in until SIGTERM/SIGINT.")

    @Option var host = "127.0.0.1"
    @Option var port = 8080
    @Option(name: .customLong("data-dir"), help: "Directory for the snapshot and write-ahead log.") var dataDir: String
    @Option(name: .customLong("api-key"), help: "Require 'Authorization: Bearer <key>'.") var apiKey: String?
    @Option(name: .customLong("latency-ms")) var latencyMs = 0
    @Option(name: .customLong("error-rate")) var errorRate = 0.0
    @Option(name: .customLong("drop-rate")) var dropRate = 0.0
    @Option(name: .customLong("readiness-delay-ms")) var readinessDelayMs = 0
    @Option(name: .customLong("exit-after-writes"), help: "Exit with status 3 after N successful writes.")
    var exitAfterWrites: Int?
    @Option(name: .customLong("create-window-ms")) var createWindowMs = 0
    @Option var seed: UInt64 = 0
    @Option(name: .customLong("query-maximum-results"), help: "Weaviate's QUERY_MAXIMUM_RESULTS.")
    var queryMaximumResults = QueryLimits().maximumResults
    @Option(name: .customLong("query-defaults-limit"), help: "Weaviate's QUERY_DEFAULTS_LIMIT.")
    var queryDefaultsLimit = QueryLimits().defaultsLimit
    @Option(name: .customLong("idle-timeout-seconds"), help: "Close keep-alive connections idle this long.")
    var idleTimeoutSeconds = 10.0
    @Option(
        name: .customLong("replication-minimum-factor"),
        help: "Weaviate's REPLICATION_MINIMUM_FACTOR: the factor of classes sending none; smaller are refused.")
    var replicationMinimumFactor = 1
    @Option(name: .customLong("cluster-nodes"), help: "Nodes of the modelled cluster, for replication factor checks.")
    var clusterNodes = 1
    @Option(help: "Nodes of a replicated cluster, each holding every object, on --port, --port+1, ... (1: one node).")
    var replicas = 1
    @Option(name: .customLong("replica-lag-ms"), help: "Delay before a write reaches replicas outside its level.")
    var replicaLagMs = 0

    func validate() throws {
        guard queryMaximumResults > 0, queryDefaultsLimit > 0, idleTimeoutSeconds > 0 else {
            throw ValidationError(
                "--query-maximum-results, --query-defaults-limit and --idle-timeout-seconds must be positive")
        }
        guard (0...1).contains(errorRate), (0...1).contains(dropRate) else {
            throw ValidationError("--error-rate and --drop-rate must be between 0 and 1")
        }
        guard replicationMinimumFactor >= 1, clusterNodes >= 1 else {
            throw ValidationError("--replication-minimum-factor and --cluster-nodes must be at least 1")
        }
        guard (1...9).contains(replicas) else { throw ValidationError("--replicas must be between 1 and 9") }
        guard replicaLagMs >= 0 else { throw ValidationError("--replica-lag-ms must not be negative") }
    }

    func run() async throws {
        let faults = Faults(
            latencyMs: latencyMs, errorRate: errorRate, dropRate: dropRate, readinessDelayMs: readinessDelayMs,
            exitAfterWrites: exitAfterWrites, createWindowMs: createWindowMs, seed: seed)
        var options = WeaviateStandIn.Options(
            host: host, port: port, dataDirectory: URL(fileURLWithPath: dataDir), apiKey: apiKey, faults: faults,
            queryLimits: QueryLimits(defaultsLimit: queryDefaultsLimit, maximumResults: queryMaximumResults),
            idleTimeoutSeconds: idleTimeoutSeconds,
            onExitAfterWrites: {
                FileHandle.standardError.write(Data("esco-standin: exit-after-writes reached, exiting 3\n".utf8))
                // A crash, on purpose: no snapshot, the write-ahead log must carry everything.
                _exit(3)
            })
        options.replicationMinimumFactor = replicationMinimumFactor
        options.clusterNodes = clusterNodes
        if replicas > 1 { return try await runCluster(options) }
        let server: WeaviateStandIn
        do {
            server = try WeaviateStandIn(options: options)
        } catch {
            FileHandle.standardError.write(Data("esco-standin: cannot start the Weaviate stand-in: \(error)\n".utf8))
            throw ExitCode(78)
        }
        let signals = await terminationSignals()
        announce(host: host, port: server.port)
        await waitForTermination(signals)
        server.stop()
    }

    /// A replicated cluster: node 0's URL is announced first (harnesses wait for that line), then every node's.
    func runCluster(_ node: WeaviateStandIn.Options) async throws {
        let cluster: WeaviateCluster
        do {
            cluster = try WeaviateCluster(options: .init(replicas: replicas, lagMs: replicaLagMs, node: node))
        } catch {
            FileHandle.standardError.write(Data("esco-standin: cannot start the Weaviate cluster: \(error)\n".utf8))
            throw ExitCode(78)
        }
        let signals = await terminationSignals()
        announce(host: host, port: cluster.nodes[0].port)
        for (i, n) in cluster.nodes.enumerated() { print("node \(i) listening on \(n.url)") }
        fflush(nil)
        await waitForTermination(signals)
        cluster.stop()
    }
}

struct VectorizerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vectorizer", abstract: "Serve the text2vec-transformers stand-in until SIGTERM/SIGINT.")

    @Option var host = "127.0.0.1"
    @Option var port = 8081
    @Option(name: .customLong("cost-ms"), help: "Model time per text.") var costMs = 0
    @Option(help: "Concurrency limit of the modelled model server.") var workers = 2
    @Flag(
        name: .customLong("accept-batches"),
        help: "Also accept {\"texts\": [...]} (no t2v-transformers release does; 1.9.7 answers 422).")
    var acceptBatches = false
    @Flag(
        name: .customLong("direct-tokenize"),
        help: "Encode each text whole, as T2V_TRANSFORMERS_DIRECT_TOKENIZE=true (also read from that variable).")
    var directTokenize = false
    @Option(name: .customLong("model-type"), help: "model_type reported by GET /meta (to model a model swap).")
    var modelType = VectorizerStandIn.defaultModelType
    @Option(help: "Vector dimensions (hidden_size in GET /meta).") var dimensions = HashedEmbedding.defaultDimensions
    @Option(
        help: ArgumentHelp(
            "Serve this sentence-transformers model directory (all-MiniLM-L6-v2) natively instead of lexical vectors.",
            valueName: "dir"))
    var model: String?
    @Option(name: .customLong("max-batch"), help: "With --model: most texts per forward pass.") var maxBatch = 64

    func run() async throws {
        // app.py: "true" or "1" turns it on; anything else leaves sentence splitting.
        let env = ProcessInfo.processInfo.environment["T2V_TRANSFORMERS_DIRECT_TOKENIZE"]
        var options = VectorizerStandIn.Options(
            host: host, port: port, costMs: costMs, workers: workers, acceptBatches: acceptBatches,
            dimensions: dimensions, directTokenize: directTokenize || env == "true" || env == "1",
            modelType: modelType)
        if let model {
            do {
                options.model = try NativeModel(directory: model, maxBatch: maxBatch)
            } catch {
                FileHandle.standardError.write(Data("esco-standin: cannot load the model in \(model): \(error)\n".utf8))
                throw ExitCode(78)
            }
        }
        let server: VectorizerStandIn
        do {
            server = try VectorizerStandIn(options: options)
        } catch {
            FileHandle.standardError.write(Data("esco-standin: cannot start the vectorizer stand-in: \(error)\n".utf8))
            throw ExitCode(78)
        }
        let signals = await terminationSignals()
        announce(host: host, port: server.port)
        await waitForTermination(signals)
        server.stop()
    }
}

/// The first stdout line, which test harnesses wait for.
func announce(host: String, port: Int) {
    print("listening on http://\(host):\(port)")
    fflush(nil)
}

/// SIGTERM and SIGINT, trapped before the server announces itself: a signal sent right after the announcement
/// must stop the server cleanly, never meet the default action (death) before the listener is registered.
func terminationSignals() async -> UnixSignalsSequence {
    await UnixSignalsSequence(trapping: .sigterm, .sigint)
}

/// Suspends until SIGTERM or SIGINT arrives.
func waitForTermination(_ signals: UnixSignalsSequence) async {
    for await _ in signals { return }
}
