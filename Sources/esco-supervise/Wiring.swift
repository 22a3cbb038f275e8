import ESCOConfig
import ESCOCore
import ESCOSupervisor
import Foundation
import Logging

/// Builds the real dependencies from the config file and profile. Config errors carry file:line:column
/// and the key path; the caller maps them to exit 78.
func makeDependencies(config: String, profile: String) throws -> SupervisorDependencies {
    let env = ProcessInfo.processInfo.environment
    let loaded = try ESCOConfiguration.load(file: config, profile: profile, environment: env)
    return SupervisorDependencies.live(
        config: loaded, configFile: config, profile: profile, escoBinary: escoBinaryPath(env),
        logger: Logger(label: "esco-supervise.clients"))
}

/// `ESCO_BIN` if set, else the `esco` next to this executable (the Docker image and `swift build` put
/// them side by side), else `esco` on the PATH.
func escoBinaryPath(_ env: [String: String]) -> String {
    if let bin = env["ESCO_BIN"], !bin.isEmpty { return bin }
    let me = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    let sibling = me.deletingLastPathComponent().appendingPathComponent("esco").path
    if FileManager.default.isExecutableFile(atPath: sibling) { return sibling }
    for dir in (env["PATH"] ?? "").split(separator: ":") {
        let candidate = "\(dir)/esco"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return "esco"
}
