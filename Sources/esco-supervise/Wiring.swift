import ESCOSupervisor

/// Builds the real dependencies (Weaviate and vectorizer probes, state store, dataset fingerprint,
/// verifier, `esco ingest` launcher) from the config file and profile.
///
/// Placeholder until the lead wires ESCOConfig/ESCOClients/ESCOIngestion in: it must return
/// `SupervisorDependencies(probes:stateReader:fingerprinter:verifier:launcher:settings:)`, and throw
/// errors whose `description` names the config file, line and key path (mapped to exit 78).
func makeDependencies(config: String, profile: String) throws -> SupervisorDependencies {
    throw NotWiredError(config: config, profile: profile)
}

struct NotWiredError: Error, CustomStringConvertible {
    var config: String
    var profile: String

    var description: String {
        "esco-supervise is not wired to the configuration yet (config \(config), profile \(profile)):"
            + " makeDependencies(config:profile:) in Sources/esco-supervise/Wiring.swift must build the dependencies"
    }
}
