import Dispatch
import ESCOClients
import ESCOConfig
import ESCOCore
import ESCOSearch
import Logging

extension FuzzTarget {
    /// Weaviate's GraphQL answers as the client and the search backend decode them (HTTP 200, fuzzed body).
    static func graphQL(_ data: [UInt8]) {
        let client = client(answering: data)
        let backend = WeaviateSearchBackend(weaviate: client, vectorizer: NoVectorizer(), stateReader: { nil })
        blocking {
            _ = try? await backend.nearVector(
                className: "Skill", vector: [0.5, 0.25], filter: nil, limit: 10,
                properties: ["conceptUri", "preferredLabel"])
            _ = try? await client.aggregateCount(className: "Skill")
            _ = try? await client.getObject(className: "Skill", id: "9342d47a-1bab-5709-9869-c840b2eac501")
        }
    }

    /// A batch answer for three objects and two references.
    static func batch(_ data: [UInt8]) {
        let client = client(answering: data)
        let objects = (0..<3).map { n in
            WeaviateObject(className: "Skill", id: ObjectID.uuid5("fuzz/\(n)"), properties: ["preferredLabel": "x"])
        }
        let refs = [
            ReferenceSpec(
                fromClass: "Skill", fromID: objects[0].id, property: "broader", toClass: "Skill",
                toID: objects[1].id)
        ]
        blocking {
            _ = try? await client.batchObjects(objects)
            _ = try? await client.batchReferences(refs + refs)
        }
    }

    private static func client(answering body: [UInt8]) -> WeaviateClient {
        WeaviateClient(
            configuration: .init(url: "http://fuzz.invalid:8080", retries: 0), logger: Logger(label: "fuzz"),
            transport: CannedTransport(body: body), retryPolicy: RetryPolicy(retries: 0, sleep: { _ in }))
    }

    /// Runs async client code to completion from libFuzzer's synchronous callback.
    private static func blocking(_ body: @escaping @Sendable () async -> Void) {
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            await body()
            done.signal()
        }
        done.wait()
    }
}

/// Answers every request with HTTP 200 and the same body.
private struct CannedTransport: HTTPTransport {
    let body: [UInt8]
    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        HTTPResponse(status: 200, headers: ["content-type": "application/json"], body: body)
    }
}

private struct NoVectorizer: TextVectorizing {
    func vectorize(_ texts: [String]) async throws -> [[Float]] { texts.map { _ in [0.5, 0.25] } }
    func identity() async throws -> VectorizerIdentity {
        VectorizerIdentity(model: "fuzz", directTokenize: true, dimensions: 2)
    }
}
