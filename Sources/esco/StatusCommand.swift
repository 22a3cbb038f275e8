import ArgumentParser
import ESCOClients
import ESCOConfig
import ESCOCore
import ESCODataset
import ESCOIngestion
import ESCORuntime
import ESCOSystem
import Foundation
import Logging

/// `esco status`: the ingestion state as an operator needs it.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the ingestion state stored in Weaviate.",
        discussion: """
            Exit codes: 0 completed for the mounted dataset, 1 in progress (live lease) or Weaviate unreachable \
            (try later), 2 anything else (not started, failed, stale, outdated, or completed by another vectorizer \
            model than the live one), 78 configuration error.
            """)

    @OptionGroup var options: ConfigOptions
    @Option(
        help: ArgumentHelp(
            "Dataset to compare the fingerprint with (default: data.path / ESCO_DATA).", valueName: "path"))
    var data: String?
    @Flag(help: "Print one JSON object (the same as --format json).") var json = false
    @Option(
        help: ArgumentHelp(
            "text, json, or prometheus: the ingestion gauges in the Prometheus text format, for node exporter's "
                + "textfile collector; exits 0 whenever it printed them (the state is in the gauges).",
            valueName: "format"))
    var format: StatusFormat?

    func validate() throws {
        if json, let format, format != .json { throw ValidationError("--json and --format \(format) disagree") }
    }

    struct Report: Encodable {
        var status: String
        var storedStatus: String
        var step: String
        var progress: String
        var runId: String
        var holder: String
        var generation: Int
        var heartbeatAgeSeconds: Double?
        var leaseExpiresAt: String
        var startedAt: String
        var endedAt: String
        var fingerprint: String
        var fingerprintMatches: Bool?
        /// A kept previous generation built from the mounted dataset (after `esco rollback`), e.g. `g2`.
        var mountedGeneration: String?
        var mountedDataError: String?
        /// The vectorizer that made the stored vectors, the live one, and the mismatch (nil: they agree).
        var vectorizerStored: String?
        var vectorizerLive: String?
        var vectorizerMismatch: String?
        var vectorizerError: String?
        var counts: [String: Int]
        var completedSteps: [String]
        var error: String
        var history: [String]
        /// Data generations (docs/ARCHITECTURE.md#aliases): number, ESCO version and fingerprint of each.
        var serving: String?
        var building: String?
        var previous: [String]
    }

    func run() async throws {
        let config = try options.load()
        let clients = ServiceClients(config: config, logger: Logger(label: "esco.status"))
        var mounted: String?
        var mountedError: String?
        do { mounted = try clients.mountedFingerprint(dataPath: data) } catch { mountedError = "\(error)" }
        if format == .prometheus {
            print(await Self.prometheus(store: clients.store, mountedFingerprint: mounted), terminator: "")
            return
        }
        let json = json || format == .json
        let state: IngestionState?
        let history: [(state: IngestionState, event: String, sequence: Int)]
        do {
            state = try await clients.store.read()
            history = (try? await clients.store.history(limit: 8)) ?? []
        } catch {
            printError(
                "esco status: cannot read the ingestion state from Weaviate at \(config.weaviate.url): \(error)"
                    + " (is Weaviate running? check weaviate.url in \(options.config), profile \(options.profile), or WEAVIATE_URL)"
            )
            throw ExitCode(ESCOExit.tryLater.rawValue)
        }
        let now = WallClock.nowMs()
        let s = state ?? IngestionState()
        let derived = state == nil ? .notStarted : s.derivedStatus(nowMs: now, mountedFingerprint: mounted)
        var live: VectorizerIdentity?
        var liveError: String?
        if state != nil {
            do { live = try await clients.vectorizerClient.identity(refresh: true) } catch { liveError = "\(error)" }
        }
        let mismatch = live.flatMap { VectorizerIdentity.mismatch(stored: s.vectorizer, live: $0) }
        let report = Report(
            status: derived.rawValue, storedStatus: s.status.rawValue,
            step: s.step.isEmpty ? "" : "\(s.stepIndex)/\(s.stepCount) \(s.step)",
            progress: s.itemsTotal > 0 ? "\(s.itemsDone)/\(s.itemsTotal)" : "", runId: s.runId, holder: s.holder,
            generation: s.generation,
            heartbeatAgeSeconds: s.heartbeatAtMs > 0 ? Double(now - s.heartbeatAtMs) / 1000 : nil,
            leaseExpiresAt: ts(s.leaseExpiresAtMs), startedAt: ts(s.startedAtMs), endedAt: ts(s.endedAtMs),
            fingerprint: s.fingerprint, fingerprintMatches: mounted.map { $0 == s.fingerprint },
            mountedGeneration: s.generations.previous.first { $0.fingerprint == mounted }.map(\.name),
            mountedDataError: mountedError,
            vectorizerStored: s.vectorizer?.description, vectorizerLive: live?.description,
            vectorizerMismatch: mismatch, vectorizerError: liveError,
            counts: s.counts, completedSteps: s.completedSteps, error: s.error,
            history: history.map {
                "gen \($0.state.generation) #\($0.sequence) \(ts($0.state.heartbeatAtMs)) \($0.state.holder): \($0.event)"
            },
            serving: s.generations.serving?.summary, building: s.generations.building?.summary,
            previous: s.generations.previous.map(\.summary))
        if json {
            let e = JSONEncoder()
            e.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            print(String(decoding: try e.encode(report), as: UTF8.self))
        } else {
            print(human(report))
        }
        if derived.exitCode != .ready { throw ExitCode(derived.exitCode.rawValue) }
        // Completed, but by another model than the one serving queries: the data is not usable as it is.
        if mismatch != nil { throw ExitCode(ESCOExit.needsIngestionOrFailed.rawValue) }
    }

    func ts(_ ms: Int64) -> String { ms > 0 ? RFC3339.format(ms) : "" }

    func human(_ r: Report) -> String {
        var lines = ["status:       \(r.status)" + (r.status != r.storedStatus ? " (stored: \(r.storedStatus))" : "")]
        if !r.step.isEmpty {
            lines.append("step:         \(r.step)" + (r.progress.isEmpty ? "" : "  items \(r.progress)"))
        }
        if !r.holder.isEmpty { lines.append("holder:       \(r.holder)  run \(r.runId)  generation \(r.generation)") }
        if let age = r.heartbeatAgeSeconds {
            lines.append("heartbeat:    \(String(format: "%.1f", age)) s ago; lease expires \(r.leaseExpiresAt)")
        }
        if !r.startedAt.isEmpty {
            lines.append("started:      \(r.startedAt)" + (r.endedAt.isEmpty ? "" : "  ended \(r.endedAt)"))
        }
        switch (r.fingerprintMatches, r.mountedDataError) {
        case (true?, _): lines.append("fingerprint:  matches the mounted dataset")
        case (false?, _) where r.mountedGeneration != nil:
            // Rolled back: the mounted data is kept, not lost, and is not rebuilt (docs/ARCHITECTURE.md#aliases).
            lines.append(
                "fingerprint:  the mounted dataset is previous generation \(r.mountedGeneration ?? "") "
                    + "(rolled back; `esco rollback` serves it again)")
        case (false?, _): lines.append("fingerprint:  DIFFERS from the mounted dataset (re-ingestion needed)")
        case (nil, let e?): lines.append("fingerprint:  mounted dataset unreadable: \(e)")
        default: break
        }
        if let m = r.vectorizerMismatch {
            lines.append("vectorizer:   MISMATCH: \(m)")
        } else if let live = r.vectorizerLive {
            lines.append("vectorizer:   \(live) (made the stored vectors)")
        } else if let e = r.vectorizerError {
            lines.append(
                "vectorizer:   stored \(r.vectorizerStored ?? "unrecorded"); live vectorizer not reachable: \(e)")
        }
        lines.append("serving:      \(r.serving ?? "none")")
        if let b = r.building { lines.append("building:     \(b)") }
        if !r.previous.isEmpty { lines.append("previous:     \(r.previous.joined(separator: ", "))") }
        if !r.counts.isEmpty {
            lines.append(
                "counts:       "
                    + r.counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        if !r.error.isEmpty { lines.append("last error:   \(r.error)") }
        if !r.history.isEmpty { lines.append("history (newest first):"); lines += r.history.map { "  " + $0 } }
        return lines.joined(separator: "\n")
    }
}

/// `esco unlock --force`: the documented repair for a lease whose holder is known dead.
struct UnlockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unlock",
        abstract: "Release the ingestion lease of a run whose holder is known dead (requires --force).",
        discussion: """
            The lease expires by itself after ingest.leaseTTLSeconds; use this only when you know the holder is dead
            and cannot wait. The run is marked failed and the lease generation bumped, so the old holder, if it is in
            fact alive, stops writing at its next heartbeat. Exit codes: 0 released or nothing to release, 1 Weaviate
            unreachable, 64 without --force, 78 configuration error.
            """)

    @OptionGroup var options: ConfigOptions
    @Flag(help: "Confirm that the holder is dead.") var force = false

    func run() async throws {
        guard force else {
            printError(
                "esco unlock: refusing without --force: releasing a live holder's lease lets two ingestions run at once"
            )
            throw ExitCode(ESCOExit.usage.rawValue)
        }
        let config = try options.load()
        let clients = ServiceClients(config: config, logger: Logger(label: "esco.unlock"))
        do {
            if let previous = try await LeaseLock.forceUnlock(store: clients.store, by: .current()) {
                print(
                    "released the lease of run \(previous.runId) held by \(previous.holder) (generation \(previous.generation)); state is now failed, the next run takes over"
                )
            } else {
                print("no ingestion in progress: nothing to unlock")
            }
        } catch {
            printError("esco unlock: cannot reach Weaviate at \(config.weaviate.url): \(error)")
            throw ExitCode(ESCOExit.tryLater.rawValue)
        }
    }
}
