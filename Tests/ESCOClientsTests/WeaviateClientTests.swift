import ESCOClients
import ESCOConfig
import ESCOCore
import Foundation
import Logging
import Synchronization
import TestSupport
import Testing

/// Counts calls from server threads.
final class Counter: Sendable {
    private let value = Mutex(0)
    func next() -> Int {
        value.withLock {
            $0 += 1; return $0
        }
    }
}

/// Records the pauses a retry policy asked for, without sleeping.
final class SleepRecorder: Sendable {
    private let value = Mutex<[Duration]>([])
    var sleeps: [Duration] { value.withLock { $0 } }
    func policy(retries: Int) -> RetryPolicy {
        RetryPolicy(retries: retries, sleep: { d in self.value.withLock { $0.append(d) } }, random: { 1 })
    }
}

func makeWeaviate(
    _ url: String, retries: Int = 3, key: String? = nil, timeout: Double = 5,
    consistency: ESCOConfiguration.ConsistencyLevel? = nil,
    batchSize: Int = 200, recorder: SleepRecorder = SleepRecorder()
) -> WeaviateClient {
    let config = ESCOConfiguration.Weaviate(
        url: url, apiKey: key.map(Secret.init), connectTimeout: .seconds(2),
        requestTimeout: .seconds(fractional: timeout),
        retries: retries, batchSize: batchSize, consistencyLevel: consistency)
    return WeaviateClient(
        configuration: config, logger: Logger(label: "test"), retryPolicy: recorder.policy(retries: retries))
}

func weaviateError(_ body: () async throws -> Void) async -> WeaviateError? {
    do { try await body() } catch let e as WeaviateError { return e } catch {}
    return nil
}

@Suite("Weaviate client over loopback")
struct WeaviateClientTests {
    @Test func retries429And503ThenSucceeds() async throws {
        let n = Counter()
        try await withCannedServer({ _ in
            switch n.next() {
            case 1: .respond(status: 429, body: #"{"error":[{"message":"slow down"}]}"#)
            case 2: .respond(status: 503)
            default: .respond(status: 200, body: #"{"version":"1.32.0"}"#)
            }
        }) { server in
            let recorder = SleepRecorder()
            let client = makeWeaviate(server.url, recorder: recorder)
            let meta = try await client.meta()
            #expect(meta["version"]?.stringValue == "1.32.0")
            #expect(server.requests.count == 3)
            // Full jitter with random()=1: base 200 ms, doubled per retry.
            #expect(recorder.sleeps == [.milliseconds(200), .milliseconds(400)])
        }
    }

    @Test(arguments: [400, 404, 422])
    func clientErrorsAreNotRetried(status: Int) async throws {
        try await withCannedServer({ _ in
            .respond(status: status, body: #"{"error":[{"message":"property 'x' is wrong"}]}"#)
        }) { server in
            let client = makeWeaviate(server.url)
            let e = await weaviateError { _ = try await client.getSchema() }
            #expect(server.requests.count == 1)
            #expect(e?.code == .http && e?.status == status)
            #expect(e?.serverMessage == "property 'x' is wrong")
            #expect(
                e?.description
                    == "Weaviate at \(server.url): GET /v1/schema failed with HTTP \(status): property 'x' is wrong")
        }
    }

    @Test func connectionRefusedIsRetriedThenNamesTheURL() async throws {
        let server = try CannedHTTPServer { _ in .respond(status: 200) }
        let url = server.url
        server.stop()
        let recorder = SleepRecorder()
        let client = makeWeaviate(url, retries: 2, recorder: recorder)
        let e = await weaviateError { _ = try await client.meta() }
        #expect(e?.code == .connection)
        #expect(e?.attempts == 3)
        #expect(recorder.sleeps.count == 2)
        let text = e?.description ?? ""
        #expect(text.hasPrefix("Weaviate at \(url): GET /v1/meta failed after 3 attempts: cannot connect"))
        #expect(text.contains("WEAVIATE_URL"))
        #expect(await client.isReady() == false)
    }

    @Test func droppedConnectionRetriedOnlyWhenSafe() async throws {
        let n = Counter()
        try await withCannedServer({ _ in n.next() % 2 == 1 ? .drop : .respond(status: 200, body: "[{\"result\":{}}]") }
        ) {
            server in
            let client = makeWeaviate(server.url)
            let results = try await client.batchObjects([WeaviateObject(className: "Skill", id: ObjectID.uuid5("a"))])
            #expect(results.count == 1 && results[0].succeeded)
            #expect(server.requests.count == 2)
            // References append, so a request that may have arrived is never sent twice.
            let ref = ReferenceSpec(
                fromClass: "Skill", fromID: ObjectID.uuid5("a"), property: "broaderSkills",
                toClass: "Skill", toID: ObjectID.uuid5("b"))
            let e = await weaviateError { _ = try await client.batchReferences([ref]) }
            #expect(e?.code == .connection)
            #expect(server.requests.count == 3)
        }
    }

    @Test func timeoutIsReported() async throws {
        try await withCannedServer({ _ in .respond(status: 200, body: "{}", delay: 60) }) { server in
            // The server would answer after 60 s; a 0.3 s timeout must end the call long before that
            // (a generous bound, so a loaded CI machine cannot make this flaky).
            let client = makeWeaviate(server.url, retries: 0, timeout: 0.3)
            let start = ContinuousClock.now
            let e = await weaviateError { _ = try await client.meta() }
            #expect(e?.code == .timeout)
            #expect(ContinuousClock.now - start < .seconds(30))
            #expect(e?.description.contains("timed out") == true)
        }
    }

    @Test func bearerOnlyWithAKey() async throws {
        try await withCannedServer({ _ in .respond(status: 200, body: "{}") }) { server in
            _ = try await makeWeaviate(server.url).meta()
            _ = try await makeWeaviate(server.url, key: "sk-secret").meta()
            let r = server.requests
            #expect(r[0].headers["authorization"] == nil)
            #expect(r[1].headers["authorization"] == "Bearer sk-secret")
            #expect(r[0].headers["expect"] == nil)
        }
        // The key never appears in an error an operator reads.
        try await withCannedServer({ _ in .respond(status: 401, body: #"{"error":[{"message":"unauthorized"}]}"#) }) {
            server in
            let e = await weaviateError { _ = try await makeWeaviate(server.url, key: "sk-secret").meta() }
            #expect(e?.description.contains("sk-secret") == false)
            #expect(e?.description.contains("WEAVIATE_API_KEY") == true)
        }
    }

    @Test func batchItemErrorsAreSurfacedAndOnlyFailuresRetried() async throws {
        let n = Counter()
        try await withCannedServer({ req in
            let count = ((req.bodyJSON as? [String: Any])?["objects"] as? [Any])?.count ?? 0
            if n.next() == 1 {
                return .respond(
                    status: 200,
                    body:
                        #"[{"result":{}},{"result":{"errors":{"error":[{"message":"vector lengths don't match"}]}}},{"result":{}}]"#
                )
            }
            return .respond(
                status: 200,
                body: "["
                    + Array(repeating: #"{"result":{"errors":{"error":[{"message":"still bad"}]}}}"#, count: count)
                    .joined(separator: ",") + "]")
        }) { server in
            let client = makeWeaviate(server.url, consistency: .quorum)
            let objects = ["a", "b", "c"].map {
                WeaviateObject(className: "Skill", id: ObjectID.uuid5($0), properties: ["x": 1], vector: [0.5])
            }
            let results = try await client.batchObjects(objects)
            #expect(results.map(\.succeeded) == [true, false, true])
            #expect(results[1].errors == ["vector lengths don't match"])
            #expect(results[1].id == ObjectID.uuid5("b"))
            #expect(server.requests[0].target == "/v1/batch/objects?consistency_level=QUORUM")
            let sent = (server.requests[0].bodyJSON as? [String: Any])?["objects"] as? [[String: Any]]
            #expect(sent?.first?["class"] as? String == "Skill")
            #expect((sent?.first?["vector"] as? [Double]) == [0.5])

            do {
                try await client.upsert(objects, rounds: 3)
                Issue.record("upsert should fail")
            } catch let e as BatchError {
                #expect(e.failures.count == 3)
                #expect(e.description.contains("still bad"))
            }
        }
    }

    @Test func batchBodyIsTheObjectsJSONWrittenWithoutTheTree() throws {
        let objects = [
            WeaviateObject(
                className: "Skill", id: "00000000-0000-0000-0000-000000000001",
                properties: ["label": "quote \" and\nline", "refs": [["beacon": "weaviate://localhost/Skill/x"]]],
                vector: [0.1, -0.25, 1, 0, 1e-7, 3.4e38]),
            WeaviateObject(className: "Label", id: "00000000-0000-0000-0000-000000000002", properties: [:]),
        ]
        // The same members as each object's `json`; vectors compared as the Floats Weaviate stores (the tree holds
        // them widened to Double, the body as their shortest Float text: both read back as the same Float).
        let parsed = try #require(try JSONCodec.parse(WeaviateObject.batchBody(objects))["objects"]?.arrayValue)
        #expect(parsed.count == objects.count)
        for (json, object) in zip(parsed, objects) {
            let back = try #require(WeaviateObject(json: json))
            #expect(back.className == object.className && back.id == object.id)
            #expect(back.properties == object.properties && back.vector == object.vector)
            var withoutVector = json.objectValue ?? [:]
            withoutVector["vector"] = nil
            var expected = object.json.objectValue ?? [:]
            expected["vector"] = nil
            #expect(withoutVector == expected)
        }
        let text = String(decoding: WeaviateObject.batchBody(objects), as: UTF8.self)
        #expect(text.contains("[0.1,-0.25,1.0,0.0,1e-07,3.4e+38]"))
    }

    @Test func upsertResendsOnlyFailedItems() async throws {
        let n = Counter()
        try await withCannedServer({ req in
            n.next() == 1
                ? .respond(status: 200, body: #"[{"result":{}},{"result":{"errors":{"error":[{"message":"busy"}]}}}]"#)
                : .respond(status: 200, body: #"[{"result":{}}]"#)
        }) { server in
            let client = makeWeaviate(server.url)
            let objects = ["a", "b"].map { WeaviateObject(className: "Skill", id: ObjectID.uuid5($0)) }
            try await client.upsert(objects)
            let second = (server.requests[1].bodyJSON as? [String: Any])?["objects"] as? [[String: Any]]
            #expect(second?.count == 1)
            #expect(second?.first?["id"] as? String == ObjectID.uuid5("b"))
        }
    }

    @Test func objectEndpoints() async throws {
        let id = ObjectID.uuid5("hello")
        try await withCannedServer({ req in
            switch (req.method, req.path) {
            case ("GET", "/v1/objects/Skill/\(id)"):
                .respond(
                    status: 200,
                    body:
                        #"{"class":"Skill","id":"\#(id)","properties":{"code":"S1"},"vector":[0.5,0.25],"creationTimeUnix":1700000000123}"#
                )
            case ("GET", _): .respond(status: 404)
            case ("HEAD", "/v1/objects/Skill/\(id)"): .respond(status: 204)
            case ("HEAD", _): .respond(status: 404)
            case ("POST", "/v1/objects"):
                .respond(status: 422, body: #"{"error":[{"message":"id '\#(id)' already exists"}]}"#)
            case ("DELETE", _): .respond(status: 404)
            case ("PATCH", _): .respond(status: 204)
            default: .respond(status: 500)
            }
        }) { server in
            let client = makeWeaviate(server.url, retries: 0)
            let o = try #require(try await client.getObject(className: "Skill", id: id, includeVector: true))
            #expect(o.properties["code"] == "S1" && o.vector == [0.5, 0.25] && o.creationTimeUnix == 1_700_000_000_123)
            #expect(server.requests[0].target == "/v1/objects/Skill/\(id)?include=vector")
            #expect(try await client.getObject(className: "Skill", id: ObjectID.uuid5("x")) == nil)
            #expect(try await client.objectExists(className: "Skill", id: id))
            #expect(try await !client.objectExists(className: "Skill", id: ObjectID.uuid5("x")))
            let e = await weaviateError { try await client.createObject(o) }
            #expect(e?.code == .alreadyExists)
            try await client.deleteObject(className: "Skill", id: id)  // a 404 from an older server also means gone
            #expect(server.requests.last?.method == "DELETE")
            try await client.patchObject(className: "Skill", id: id, properties: ["code": "S2"])
            #expect(server.requests.last?.method == "PATCH")
        }
    }

    @Test func graphQLErrorsAndAggregate() async throws {
        try await withCannedServer({ req in
            let q = (req.bodyJSON as? [String: Any])?["query"] as? String ?? ""
            if q.contains("Aggregate") {
                return .respond(status: 200, body: #"{"data":{"Aggregate":{"Skill":[{"meta":{"count":42}}]}}}"#)
            }
            return .respond(
                status: 200,
                body: #"{"data":null,"errors":[{"message":"Cannot query field \"nope\" on type \"Skill\"."}]}"#)
        }) { server in
            let client = makeWeaviate(server.url)
            let count = try await client.aggregateCount(
                className: "Skill", where: .equal(["status"], .text("released")))
            #expect(count == 42)
            let e = await weaviateError { _ = try await client.get(GraphQLGet(className: "Skill", fields: ["nope"])) }
            #expect(e?.code == .graphQL)
            #expect(e?.serverMessages == ["Cannot query field \"nope\" on type \"Skill\"."])
            #expect(e?.unknownGraphQLField?.field == "nope" && e?.unknownGraphQLField?.type == "Skill")
            #expect(e?.isEmptySchema == false)
            #expect(server.requests.count == 2)
        }
    }

    @Test func aBatchItemWithStatusFailedAndNoMessageIsAFailure() async throws {
        try await withCannedServer({ _ in
            .respond(status: 200, body: #"[{"result":{"status":"SUCCESS"}},{"result":{"status":"FAILED"}}]"#)
        }) { server in
            let client = makeWeaviate(server.url)
            let objects = ["a", "b"].map {
                WeaviateObject(className: "Skill", id: ObjectID.uuid5($0), properties: [:], vector: nil)
            }
            let results = try await client.batchObjects(objects)
            #expect(results.map(\.succeeded) == [true, false])
            #expect(results[1].errors.joined().contains("status FAILED"), "\(results[1].errors)")
        }
    }

    @Test func graphQLOnAnEmptySchemaIsRecognised() async throws {
        try await withCannedServer({ _ in
            .respond(
                status: 422,
                body: #"{"error":[{"message":"no graphql provider present, this is most likely because no schema is "#
                    + #"present. Import a schema first!"}]}"#)
        }) { server in
            let client = makeWeaviate(server.url, retries: 0)
            let e = await weaviateError { _ = try await client.get(GraphQLGet(className: "Skill", fields: ["code"])) }
            #expect(e?.status == 422 && e?.isEmptySchema == true, "\(String(describing: e))")
            #expect(e?.unknownGraphQLField == nil)
        }
    }

    @Test func readiness() async throws {
        let n = Counter()
        try await withCannedServer({ _ in n.next() == 1 ? .respond(status: 503) : .respond(status: 200) }) { server in
            let client = makeWeaviate(server.url)
            #expect(await client.isReady() == false)
            #expect(await client.isReady() == true)
            #expect(server.requests.allSatisfy { $0.path == "/v1/.well-known/ready" })
        }
    }
}
