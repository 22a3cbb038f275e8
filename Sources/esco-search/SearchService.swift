import ArgumentParser
import ESCOConfig
import ESCOCore
import ESCOSearchServer
import Foundation
import Hummingbird
import Logging
import UnixSignals

/// `esco-search`: the HTTP search service. Parse, load config, build the server, run until SIGTERM/SIGINT.
@main
struct SearchService: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "esco-search",
        abstract:
            "Serve ESCO search as JSON over HTTP (GET /search, /concepts/{id}, POST /enrich, /healthz, /readyz), "
            + "a search page for people (GET /, /concept) and Prometheus metrics (GET /metrics).",
        discussion: """
            The first line on stdout is `listening on http://HOST:PORT` once connections are accepted (with
            --port 0, the port the system chose); READY=1 goes to systemd when NOTIFY_SOCKET is set. The API is
            described at GET /openapi.json. SIGTERM or SIGINT stops it gracefully.

            Exit codes:
              0   stopped by SIGTERM/SIGINT
              1   the server failed (e.g. the address is in use)
              64  usage error
              78  configuration error (file:line:column and key path in the message)
            """,
        version: ESCOStack.version)

    @Option(help: ArgumentHelp("Configuration file.", valueName: "file")) var config = "config/weaviate_config.yaml"
    @Option(help: ArgumentHelp("Profile in the configuration file.", valueName: "name")) var profile = "default"
    @Option(help: ArgumentHelp("Address to listen on (default: search.host).", valueName: "host")) var host: String?
    @Option(help: ArgumentHelp("Port (default: search.port; 0: any free port).", valueName: "port")) var port: Int?

    func validate() throws {
        if let port, !(0...65535).contains(port) { throw ValidationError("--port must be 0 to 65535") }
    }

    func run() async throws {
        let loaded: ESCOConfiguration
        do {
            loaded = try ESCOConfiguration.load(
                file: config, profile: profile, environment: ProcessInfo.processInfo.environment)
        } catch {
            FileHandle.standardError.write(Data("esco-search: configuration error: \(error)\n".utf8))
            throw ExitCode(ESCOExit.configuration.rawValue)
        }
        var logger = Logger(label: "esco-search")
        logger.logLevel =
            ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let bindHost = host ?? loaded.search.host
        let server = SearchServer.live(config: loaded, logger: logger)
        let app = server.buildApplication(host: bindHost, port: port ?? loaded.search.port, notifySystemd: true) {
            bound in
            // Unbuffered, so a parent reading the pipe sees it at once.
            FileHandle.standardOutput.write(Data("listening on http://\(bindHost):\(bound)\n".utf8))
        }
        do {
            // SIGTERM/SIGINT as in every executable: Hummingbird's ServiceGroup listens with UnixSignalsSequence.
            try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
        } catch {
            FileHandle.standardError.write(Data("esco-search: \(error)\n".utf8))
            throw ExitCode(ESCOExit.tryLater.rawValue)
        }
    }
}
