import ESCOClients
import ESCOConfig
import ESCOCore
import ESCORuntime
import ESCOStandIns
import Foundation
import Logging
import TestSupport
import Testing

/// The history `esco status` shows, over the Weaviate stand-in: bounded, newest first, independent of read order.
@Suite struct StateHistoryTests {
    /// Events of `runs` runs (generations 1...runs), written as the lease writes them: a claim, steps, the end.
    func writeRuns(_ store: StateStore, _ runs: ClosedRange<Int>) async throws {
        for g in runs {
            // Timestamps with trailing zeros in their milliseconds: Weaviate returns `.120Z` as `.12Z`.
            let state = IngestionState(
                status: .inProgress, runId: "run-\(g)", holder: "host:\(g)", generation: g,
                heartbeatAtMs: Self.heartbeat(g))
            for (n, event) in ["claimed generation \(g)", "step 1/2 schema started", "completed"].enumerated() {
                try await store.write(state, event: event, sequence: n + 1, nowMs: 1_700_000_000_000 - Int64(g))
            }
        }
    }

    /// Runs backwards with the generation on purpose: order must come from generation and sequence alone.
    static func heartbeat(_ g: Int) -> Int64 { 1_700_000_000_120 - Int64(g) * 1_000 }

    @Test func historyKeepsTheLastRunsAndShowsTheNewestFirst() async throws {
        // A low QUERY_MAXIMUM_RESULTS, as an operator may set: a read of "everything" is an error there.
        try await withWeaviateStandInServer(.init(queryLimits: QueryLimits(maximumResults: 200))) { server in
            let client = WeaviateClient(configuration: .init(url: server.url), logger: Logger(label: "t"))
            let gateway = WeaviateGateway(
                client: client, schemaDirectory: Harness.packageRoot.appendingPathComponent("resources/schemas").path)
            _ = try await gateway.ensureSchema()
            let store = StateStore(backend: gateway)
            try await writeRuns(store, 1...(StateStore.historyGenerations + 30))

            let newest = StateStore.historyGenerations + 30
            let history = try await store.history(limit: 8)
            #expect(
                history.map(\.state.generation) == [
                    newest, newest, newest, newest - 1, newest - 1, newest - 1,
                    newest - 2, newest - 2,
                ])
            #expect(history.prefix(3).map(\.sequence) == [3, 2, 1])
            #expect(history.first?.event == "completed")
            #expect(history.first?.state.heartbeatAtMs == Self.heartbeat(newest), "dates read back to the millisecond")

            // Older runs were pruned when newer ones claimed: exactly the last historyGenerations runs remain.
            let counts = try await client.aggregateCount(
                className: "Metadata", where: .equal(["metaType"], .text("ingestion_event")))
            #expect(counts == StateStore.historyGenerations * 3)
            let oldest = try await client.aggregateCount(
                className: "Metadata",
                where: .and([.equal(["metaType"], .text("ingestion_event")), .lessThan(["generation"], .int(31))]))
            #expect(oldest == 0)
        }
    }
}
