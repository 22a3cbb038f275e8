import ArgumentParser
import ESCOConfig
import ESCOCore
import Foundation
import Logging

/// `--config` and `--profile`, shared by every subcommand that talks to Weaviate.
struct ConfigOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Configuration file.", valueName: "file"))
    var config = "config/weaviate_config.yaml"

    @Option(help: ArgumentHelp("Profile in the configuration file.", valueName: "name"))
    var profile = "default"

    /// Loads the profile with environment overrides; prints the error and exits 78 when it is invalid.
    func load() throws -> ESCOConfiguration {
        bootstrapLogging()
        do {
            return try ESCOConfiguration.load(
                file: config, profile: profile, environment: ProcessInfo.processInfo.environment)
        } catch let error as ConfigError {
            printError("esco: configuration error: \(error.description)")
            throw ExitCode(ESCOExit.configuration.rawValue)
        }
    }
}

/// Log lines go to stderr (stdout carries results); level from ESCO_LOG_LEVEL (default info).
func bootstrapLogging() {
    struct Once { nonisolated(unsafe) static var done = false }
    guard !Once.done else { return }
    Once.done = true
    let level = ProcessInfo.processInfo.environment["ESCO_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
    LoggingSystem.bootstrap { label in
        var h = StreamLogHandler.standardError(label: label)
        h.logLevel = level
        return h
    }
}

/// Never prompt in containers, under NON_INTERACTIVE, or when stdin is not a terminal (docs/ARCHITECTURE.md#ingestion).
var isInteractive: Bool {
    let env = ProcessInfo.processInfo.environment
    if env["DOCKER_ENV"]?.lowercased() == "true" || env["NON_INTERACTIVE"]?.lowercased() == "true" { return false }
    return isatty(0) == 1
}
