import ArgumentParser
import ESCOStandIns
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `esco-standin`: the Weaviate and text2vec-transformers stand-ins as processes (DESIGN.md section 10).
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
    @Option(help: "Nodes of a replicated cluster, each holding every object, on --port, --port+1, ... (1: one node).")
    var replicas = 1
    @Option(name: .customLong("replica-lag-ms"), help: "Delay before a write reaches replicas outside its level.")
    var replicaLagMs = 0

    func validate() throws {
        guard (0...1).contains(errorRate), (0...1).contains(dropRate) else {
            throw ValidationError("--error-rate and --drop-rate must be between 0 and 1")
        }
        guard (1...9).contains(replicas) else { throw ValidationError("--replicas must be between 1 and 9") }
        guard replicaLagMs >= 0 else { throw ValidationError("--replica-lag-ms must not be negative") }
    }

    func run() async throws {
        let faults = Faults(
            latencyMs: latencyMs, errorRate: errorRate, dropRate: dropRate, readinessDelayMs: readinessDelayMs,
            exitAfterWrites: exitAfterWrites, createWindowMs: createWindowMs, seed: seed)
        let options = WeaviateStandIn.Options(
            host: host, port: port, dataDirectory: URL(fileURLWithPath: dataDir), apiKey: apiKey, faults: faults,
            onExitAfterWrites: {
                FileHandle.standardError.write(Data("esco-standin: exit-after-writes reached, exiting 3\n".utf8))
                // A crash, on purpose: no snapshot, the write-ahead log must carry everything.
                _exit(3)
            })
        if replicas > 1 { return try await runCluster(options) }
        let server: WeaviateStandIn
        do {
            server = try WeaviateStandIn(options: options)
        } catch {
            FileHandle.standardError.write(Data("esco-standin: cannot start the Weaviate stand-in: \(error)\n".utf8))
            throw ExitCode(78)
        }
        announce(host: host, port: server.port)
        await waitForTermination()
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
        announce(host: host, port: cluster.nodes[0].port)
        for (i, n) in cluster.nodes.enumerated() { print("node \(i) listening on \(n.url)") }
        fflush(nil)
        await waitForTermination()
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
    @Flag(name: .customLong("no-batch"), help: "Reject {\"texts\": [...]} like the released containers.")
    var noBatch = false

    func run() async throws {
        let server: VectorizerStandIn
        do {
            server = try VectorizerStandIn(
                options: .init(host: host, port: port, costMs: costMs, workers: workers, batch: !noBatch))
        } catch {
            FileHandle.standardError.write(Data("esco-standin: cannot start the vectorizer stand-in: \(error)\n".utf8))
            throw ExitCode(78)
        }
        announce(host: host, port: server.port)
        await waitForTermination()
        server.stop()
    }
}

/// The first stdout line, which test harnesses wait for.
func announce(host: String, port: Int) {
    print("listening on http://\(host):\(port)")
    fflush(nil)
}

/// Suspends until SIGTERM or SIGINT arrives.
func waitForTermination() async {
    signal(SIGTERM, SIG_IGN)
    signal(SIGINT, SIG_IGN)
    await withCheckedContinuation { (cont: CheckedContinuation<Void, Never>) in
        let once = Once(cont)
        for sig in [SIGTERM, SIGINT] {
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { once.resume() }
            source.resume()
            Once.keep(source)
        }
    }
}

private final class Once: @unchecked Sendable {
    private let lock = NSLock()
    private var cont: CheckedContinuation<Void, Never>?
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    init(_ cont: CheckedContinuation<Void, Never>) { self.cont = cont }

    static func keep(_ s: any DispatchSourceSignal) { sources.append(s) }

    func resume() {
        lock.lock()
        let c = cont
        cont = nil
        lock.unlock()
        c?.resume()
    }
}
