import ESCOClients
import ESCOConfig
import ESCOCore
public import ESCORuntime

extension ServiceClients {
    /// The runner's settings from the profile's `ingest`, `weaviate` and `lock` sections.
    public var runnerSettings: IngestionRunner.Settings {
        IngestionRunner.Settings(
            lease: .init(
                ttlMs: config.ingest.leaseTTL.wholeMilliseconds, heartbeatMs: config.ingest.heartbeat.wholeMilliseconds,
                settleMs: config.ingest.settle.wholeMilliseconds),
            batchSize: config.weaviate.batchSize, labelVectors: config.ingest.labelVectors,
            lockDirectory: config.lock.directory, keepGenerations: config.ingest.keepGenerations)
    }
}
