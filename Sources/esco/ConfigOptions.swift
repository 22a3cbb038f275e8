import ArgumentParser
import ESCOConfig
import ESCOCore
import Foundation

/// `--config` and `--profile`, shared by every subcommand that talks to Weaviate.
struct ConfigOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Configuration file.", valueName: "file"))
    var config = "config/weaviate_config.yaml"

    @Option(help: ArgumentHelp("Profile in the configuration file.", valueName: "name"))
    var profile = "default"

    /// Loads the profile with environment overrides; prints the error and exits 78 when it is invalid.
    func load() throws -> ESCOConfiguration {
        do {
            return try ESCOConfiguration.load(file: config, profile: profile, environment: ProcessInfo.processInfo.environment)
        } catch let error as ConfigError {
            printError("esco: configuration error: \(error.description)")
            throw ExitCode(ESCOExit.configuration.rawValue)
        }
    }
}

/// Never prompt in containers, under NON_INTERACTIVE, or when stdin is not a terminal (DESIGN.md section 7).
var isInteractive: Bool {
    let env = ProcessInfo.processInfo.environment
    if env["DOCKER_ENV"]?.lowercased() == "true" || env["NON_INTERACTIVE"]?.lowercased() == "true" { return false }
    return isatty(0) == 1
}
