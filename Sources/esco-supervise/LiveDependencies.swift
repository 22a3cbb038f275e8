import ESCOClients
import ESCOConfig
import ESCOCore
import ESCODataset
import ESCORuntime
import ESCOSupervisor
import Foundation
import Logging
import Synchronization

/// esco-supervise's composition root: the real dependencies (readiness endpoints, the state in Weaviate, the
/// mounted dataset's fingerprint, the verifier and the `esco ingest` child).
extension SupervisorDependencies {
    /// - Parameters:
    ///   - escoBinary: path of the `esco` executable the child runs.
    ///   - configFile, profile: passed on to the child unchanged.
    static func live(
        config: ESCOConfiguration, configFile: String, profile: String, escoBinary: String, logger: Logger
    ) -> SupervisorDependencies {
        let clients = ServiceClients(config: config, logger: logger)
        let mounted = MountedFingerprint(clients: clients)
        let s = config.supervisor
        return SupervisorDependencies(
            probes: [
                ReadinessProbe(name: "weaviate", url: config.weaviate.url + "/v1/.well-known/ready") {
                    await clients.weaviate.isReady()
                },
                ReadinessProbe(name: "vectorizer", url: config.vectorizer.url + "/.well-known/ready") {
                    await clients.vectorizerClient.isReady()
                },
            ],
            stateReader: StoreStateReader(store: clients.store),
            fingerprinter: mounted,
            verifier: StoredStateVerifier(clients: clients, mounted: mounted),
            launcher: ArgvIngestLauncher(arguments: [
                escoBinary, "ingest", "--config", configFile, "--profile", profile,
            ]),
            settings: SupervisorSettings(
                dependencyDeadline: s.dependencyDeadline, waitDeadline: s.waitDeadline, pollInterval: s.pollInterval,
                pollMaxInterval: s.pollMaxInterval, terminationGrace: s.grace, leaseTTL: config.ingest.leaseTTL,
                heartbeatInterval: Timing.supervisorHeartbeat(leaseHeartbeat: config.ingest.heartbeat)))
    }
}

struct ReadinessProbe: DependencyProbe {
    let name: String
    let url: String
    let probe: @Sendable () async -> Bool
    init(name: String, url: String, probe: @escaping @Sendable () async -> Bool) {
        self.name = name
        self.url = url
        self.probe = probe
    }
    func isReady() async -> Bool { await probe() }
}

struct StoreStateReader: IngestionStateReading {
    let store: StateStore
    func readState() async throws -> IngestionState? { try await store.read() }
}

/// The mounted dataset's fingerprint, computed once per supervisor run: hashing the decompressed export
/// (43 MB for full ESCO) is most of a warm start, and the state check and the verifier both need it.
final class MountedFingerprint: MountedDataFingerprinting {
    private let clients: ServiceClients
    private let cache: FingerprintCache?
    private let cached = Mutex<String?>(nil)

    /// The on-disk cache lives in the lock directory, else in the vector cache's folder: both are written by this
    /// process tree and survive restarts (docker volumes).
    init(clients: ServiceClients) {
        self.clients = clients
        cache = FingerprintCache.under(clients.config.lock.directory ?? clients.config.vectorizer.cacheDirectory)
    }

    func fingerprint() throws -> String {
        try cached.withLock { cached in
            if let cached { return cached }
            let value = try clients.mountedFingerprint(cache: cache)
            cached = value
            return value
        }
    }
}

/// Verifies against the stored state (expected counts and reference sample recorded at ingestion for
/// this fingerprint), so a warm start need not re-read the dataset.
struct StoredStateVerifier: Verifying {
    let clients: ServiceClients
    let mounted: MountedFingerprint
    func verify() async throws -> VerificationReport {
        let mounted = try mounted.fingerprint()
        guard let state = try await clients.store.read() else {
            return VerificationReport(checks: [
                .init(
                    name: "status", ok: false,
                    detail:
                        "no ingestion state in Weaviate at \(clients.config.weaviate.url): run `esco-supervise run` or `esco ingest`"
                )
            ])
        }
        let live: Verifier.LiveVectorizer
        do { live = .identified(try await clients.vectorizerClient.identity(refresh: true)) } catch {
            live = .unavailable("\(error)")
        }
        // The serving generation's classes (docs/ARCHITECTURE.md#aliases); generation 0 when none is recorded.
        let verifier = Verifier(
            weaviate: clients.gateway.generation(state.generations.serving?.number ?? 0), state: state,
            mountedFingerprint: mounted, liveVectorizer: live)
        return try await verifier.verify(state: state)
    }
}
