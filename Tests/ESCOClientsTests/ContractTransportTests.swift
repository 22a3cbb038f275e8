import ESCOClients
import ESCOCore
import ESCOStandIns
import Foundation
import Testing

/// HTTP transport behaviour of Weaviate that the client must live with.
extension ContractTests {
    /// Weaviate's HTTP server closes keep-alive connections idle for 10 s (go-swagger `--cleanup-timeout` becomes
    /// `http.Server.IdleTimeout`, adapters/handlers/rest/server.go). The client's next request, a read or a write,
    /// must succeed at its first attempt on a fresh connection: retries are off here.
    @Test func requestsAfterTheServerClosedAnIdleConnectionSucceedAtOnce() async throws {
        let idle = ContractEnvironment.weaviateIsStandIn ? 0.5 : 10.0
        try await withContractWeaviate(.init(idleTimeoutSeconds: idle)) { _, target in
            let client = target.client(retries: 0)
            try await target.ensureProductSchema(client)
            let skill = skillObject(target, "idle", label: "idle", vector: contractVector(1))
            for round in 0..<2 {
                try await Task.sleep(for: .seconds(idle + 1))
                _ = try await client.meta()
                try await Task.sleep(for: .seconds(idle + 1))
                let results = try await client.batchObjects([skill])
                #expect(results.allSatisfy { $0.succeeded }, "round \(round): \(results)")
                try await Task.sleep(for: .seconds(idle + 1))
                #expect(try await client.aggregateCount(className: skill.className) == 1)
            }
        }
    }
}
