import ESCOCore
import ESCOMetrics
import ESCORuntime
import ESCOSearch
import ESCOSearchServer
import ESCOStandIns
import ESCOSystem
import Foundation
import Logging
import SearchTestSupport
import TestSupport
import Testing

/// `GET /metrics` (issue 15): real requests over loopback against the stand-ins, the exposition checked by
/// promtool, counters that move with requests, ingestion gauges that follow the stored state.
@Suite(.serialized) struct MetricsTests {
    /// The server of `services` as `esco-search` builds it: the backend and readiness instrumented.
    static func instrumentedServer(_ services: StandInServices) throws -> SearchServer {
        try services.server(metrics: SearchMetrics())
    }

    static func scrape(_ url: String) async throws -> PrometheusText {
        let r = try await RawHTTP.requestOffPool(url, "GET", "/metrics")
        #expect(r.status == 200)
        #expect(r.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true, "\(r.headers)")
        return PrometheusText(r.text)
    }

    static let promtool = ["/usr/bin/promtool", "/usr/local/bin/promtool"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// `promtool check metrics` on what `curl /metrics` returns (its exit status and output).
    static func promtoolCheck(_ exposition: String) throws -> (status: Int32, output: String) {
        let tool = try #require(
            promtool, "promtool is not installed: apt-get install prometheus (scripts/test and .ci/run do this)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["check", "metrics"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data(exposition.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func countersMoveWithRequestsAndTheExpositionPassesPromtool() async throws {
        let services = try await SampleFixture.shared.ingested()
        try await withSearchServer(try Self.instrumentedServer(services)) { url in
            let before = try await Self.scrape(url)
            let searches = 3
            for _ in 0..<searches {
                #expect(try await RawHTTP.requestOffPool(url, "GET", "/search?q=welding").status == 200)
            }
            #expect(try await RawHTTP.requestOffPool(url, "GET", "/search?limit=0&q=x").status == 400)
            #expect(try await RawHTTP.requestOffPool(url, "GET", "/no/such/route").status == 404)
            #expect(try await RawHTTP.requestOffPool(url, "GET", "/?q=welding").status == 200)
            let after = try await Self.scrape(url)

            func delta(_ name: String, _ labels: [String: String]) -> Double {
                (after.value(name, labels) ?? 0) - (before.value(name, labels) ?? 0)
            }
            let ok = ["route": "/search", "method": "GET", "status": "200"]
            #expect(delta(MetricCatalog.httpRequests, ok) == Double(searches))
            #expect(delta(MetricCatalog.httpRequests, ["route": "/search", "status": "400"]) == 1)
            #expect(delta(MetricCatalog.httpRequests, ["route": "unmatched", "status": "404"]) == 1)
            #expect(delta(MetricCatalog.httpRequests, ["route": "/", "status": "200"]) == 1)
            // The scrape before counts itself once the response is written; the one after is not yet counted.
            #expect(after.value(MetricCatalog.httpRequests, ["route": "/metrics", "status": "200"]) == 1)
            #expect(
                delta(MetricCatalog.httpDuration + "_count", ["route": "/search", "method": "GET"])
                    == Double(searches + 1))
            // Each search vectorizes its text once and asks Weaviate at least once.
            #expect(
                delta(MetricCatalog.vectorizerRequests, ["operation": "vectorize", "outcome": "success"])
                    == Double(searches + 1))
            #expect(delta(MetricCatalog.weaviateRequests, ["operation": "near_vector", "outcome": "success"]) >= 4)
            #expect(delta(MetricCatalog.weaviateDuration + "_count", ["operation": "near_vector"]) >= 4)
            #expect(after.value(MetricCatalog.ready) == 1)
            #expect(after.value(MetricCatalog.status, ["status": "completed"]) == 1)
            #expect(after.value(MetricCatalog.objects, ["class": "Skill"]) == 300)

            let check = try Self.promtoolCheck(after.text)
            #expect(check.status == 0, "promtool check metrics:\n\(check.output)\n--- exposition:\n\(after.text)")
        }
    }

    @Test func failedCallsCountAsErrors() async throws {
        let services = try StandInServices()
        let server = try Self.instrumentedServer(services)
        // Weaviate gone: the readiness read fails and is counted as an error, the page says so.
        services.weaviate.stop()
        try await withSearchServer(server) { url in
            let page = try await RawHTTP.requestOffPool(url, "GET", "/?q=welding")
            #expect(page.status == 503)
            let m = try await Self.scrape(url)
            #expect(
                (m.value(MetricCatalog.weaviateRequests, ["operation": "read_state", "outcome": "error"]) ?? 0) >= 1)
            #expect(m.value(MetricCatalog.ready) == 0)
            #expect(m.value(MetricCatalog.stateReadable) == 0)
            #expect(!m.has(MetricCatalog.status))
            let check = try Self.promtoolCheck(m.text)
            #expect(check.status == 0, "\(check.output)\n\(m.text)")
        }
    }

    @Test func ingestionGaugesFollowTheStoredState() async throws {
        let services = try StandInServices()
        _ = try await services.clients.gateway.ensureSchema()
        let store = services.clients.store
        let fingerprint = try services.clients.mountedFingerprint()
        try await withSearchServer(try Self.instrumentedServer(services)) { url in
            let empty = try await Self.scrape(url)
            #expect(empty.value(MetricCatalog.stateReadable) == 1)
            #expect(empty.value(MetricCatalog.status, ["status": "not_started"]) == 1)
            #expect(!empty.has(MetricCatalog.datasetInfo))

            let now = WallClock.nowMs()
            var state = IngestionState(
                status: .completed, runId: "r1", holder: "h:1", generation: 1, heartbeatAtMs: now - 5000,
                startedAtMs: now - 60000, endedAtMs: now - 5000, fingerprint: fingerprint,
                counts: ["Skill": 300, "Occupation": 60])
            state.generations = Generations(
                serving: DataGeneration(number: 2, fingerprint: fingerprint),
                previous: [DataGeneration(number: 1, fingerprint: "sha256:old")])
            try await store.write(state, event: "completed", sequence: 1, nowMs: now)
            let completed = try await Self.scrape(url)
            #expect(completed.value(MetricCatalog.status, ["status": "completed"]) == 1)
            #expect(completed.value(MetricCatalog.status, ["status": "failed"]) == 0)
            #expect(completed.value(MetricCatalog.objects, ["class": "Occupation"]) == 60)
            let sha = String(fingerprint.dropFirst("sha256:".count).prefix { $0 != ";" })
            #expect(
                completed.value(
                    MetricCatalog.datasetInfo, ["fingerprint": sha, "dataset_version": "1.1.x", "language": "en"]) == 1,
                "\(completed.text)")
            #expect(completed.value(MetricCatalog.lastCompleted) == Double(now - 5000) / 1000)
            #expect((completed.value(MetricCatalog.heartbeatAge) ?? 0) >= 5)
            #expect(completed.value(MetricCatalog.dataGeneration, ["role": "serving"]) == 2)
            #expect(completed.value(MetricCatalog.dataGeneration, ["role": "building"]) == nil)
            #expect(completed.value(MetricCatalog.previousGenerations) == 1)

            // A new run that failed: the status moves, and the last completion still comes from the history.
            state.status = .failed
            state.generation = 2
            state.runId = "r2"
            state.endedAtMs = now
            state.heartbeatAtMs = now
            state.error = "step skills: boom"
            state.generations.building = DataGeneration(number: 3, fingerprint: "sha256:new")
            try await store.write(state, event: "failed", sequence: 1, nowMs: now)
            let failed = try await Self.scrape(url)
            #expect(failed.value(MetricCatalog.status, ["status": "failed"]) == 1)
            #expect(failed.value(MetricCatalog.status, ["status": "completed"]) == 0)
            #expect(failed.value(MetricCatalog.ready) == 0)
            #expect(failed.value(MetricCatalog.lastCompleted) == Double(now - 5000) / 1000)
            #expect(failed.value(MetricCatalog.dataGeneration, ["role": "building"]) == 3)
            #expect(failed.value(MetricCatalog.dataGeneration, ["role": "serving"]) == 2)
            let check = try Self.promtoolCheck(failed.text)
            #expect(check.status == 0, "\(check.output)\n\(failed.text)")
        }
    }

    @Test func datasetLabelsComeFromTheStoredFingerprint() {
        let labels = DatasetLabels(fingerprint: "sha256:abc123;esco-1.2.0-en;recipe=r2;labels=true;model=x")
        #expect([labels.sha256, labels.version, labels.language] == ["abc123", "1.2.0", "en"])
        let empty = DatasetLabels(fingerprint: "")
        #expect([empty.sha256, empty.version, empty.language] == ["", "", ""])
    }
}

/// The example alert rules: valid for promtool, and the very rules docs/OPERATIONS.md shows.
@Suite struct AlertRuleTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func alertRulesPassPromtoolAndAreTheDocumentedOnes() throws {
        let rules = Self.root.appendingPathComponent("config/prometheus/esco-alerts.yml")
        let tool = try #require(MetricsTests.promtool, "promtool is not installed: apt-get install prometheus")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["check", "rules", rules.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.contains("SUCCESS: 2 rules found"), "\(text)")
        let docs = try String(contentsOf: Self.root.appendingPathComponent("docs/OPERATIONS.md"), encoding: .utf8)
        #expect(docs.contains(try String(contentsOf: rules, encoding: .utf8)))
    }
}

/// `esco status --format prometheus` (the textfile collector's input): the gauges /metrics shows, from the
/// real binary against the Weaviate stand-in.
@Suite(.serialized) struct StatusPrometheusTests {
    static let config = AlertRuleTests.root.appendingPathComponent("config/weaviate_config.yaml").path

    static func status(weaviate: String) async throws -> Harness.Result {
        try await Harness.run(
            DatasetPaths.escoBinary, ["status", "--format", "prometheus", "--config", config, "--profile", "local"],
            environment: ["WEAVIATE_URL": weaviate, "T2V_URL": "http://127.0.0.1:1", "ESCO_DATA": DatasetPaths.sample])
    }

    @Test func printsTheIngestionGaugesOfMetrics() async throws {
        let services = try StandInServices()
        _ = try await services.clients.gateway.ensureSchema()
        let now = WallClock.nowMs()
        let state = IngestionState(
            status: .completed, runId: "r1", holder: "h:1", generation: 1, heartbeatAtMs: now, endedAtMs: now,
            fingerprint: try services.clients.mountedFingerprint(), counts: ["Skill": 300])
        try await services.clients.store.write(state, event: "completed", sequence: 1, nowMs: now)
        let r = try await Self.status(weaviate: services.weaviate.url)
        #expect(r.status == 0, "\(r.stderr)")
        let text = PrometheusText(r.stdout)
        #expect(text.value(MetricCatalog.stateReadable) == 1)
        #expect(text.value(MetricCatalog.status, ["status": "completed"]) == 1)
        #expect(text.value(MetricCatalog.objects, ["class": "Skill"]) == 300)
        #expect(text.value(MetricCatalog.lastCompleted) == Double(now) / 1000)
        // The same families as /metrics renders for this state (one implementation: IngestionGauges), as read
        // back: a state written without generations reads as generation 0 serving (an unversioned deployment).
        let stored = try await services.clients.store.read()
        #expect(text.value(MetricCatalog.dataGeneration, ["role": "serving"]) == 0)
        let rendered = PrometheusText(
            IngestionGauges.render(IngestionSnapshot(state: stored, lastCompletedAtMs: now, nowMs: now)))
        #expect(Set(text.samples.map(\.name)) == Set(rendered.samples.map(\.name)))
        let check = try MetricsTests.promtoolCheck(r.stdout)
        #expect(check.status == 0, "\(check.output)\n\(r.stdout)")
    }

    @Test func weaviateUnreachableIsAGaugeNotAFailure() async throws {
        let r = try await Self.status(weaviate: "http://127.0.0.1:1")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(PrometheusText(r.stdout).value(MetricCatalog.stateReadable) == 0)
        #expect(!PrometheusText(r.stdout).has(MetricCatalog.status))
    }
}
