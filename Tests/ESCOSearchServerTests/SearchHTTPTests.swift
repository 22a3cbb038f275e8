import ESCOClients
import ESCOCore
import ESCOIngestion
import ESCORuntime
import ESCOSearch
import ESCOSearchServer
import ESCOStandIns
import ESCOSystem
import Foundation
import SearchTestSupport
import TestSupport
import Testing

/// `esco-search`'s routes in process (HummingbirdTesting's router client: no byte-exact wire behaviour is needed
/// here; OpenAPIConformanceTests and the CLI tests cover the real socket), against the stand-ins.
@Suite(.serialized) struct SearchHTTPTests {
    static func json(_ r: RouterResponse) throws -> [String: Any] {
        try #require(try r.json() as? [String: Any], "not a JSON object: \(r.text)")
    }

    static func errorStatus(_ r: RouterResponse) throws -> Int? {
        (try json(r)["error"] as? [String: Any])?["status"] as? Int
    }

    @Test func readyzIs200OnlyAfterAVerifiedIngestion() async throws {
        // Before: an empty Weaviate (no schema, no state).
        let empty = try StandInServices()
        try await withSearchRouter(try empty.server(cacheSeconds: 0)) { client in
            #expect(try await client.request("GET", "/healthz").status == 200)
            let before = try await client.request("GET", "/readyz")
            #expect(before.status == 503)
            #expect(try Self.json(before)["ready"] as? Bool == false)
            // Data routes refuse to answer from a half-loaded (here: empty) index.
            let search = try await client.request("GET", "/search?q=welder")
            #expect(search.status == 503)
            #expect(try Self.errorStatus(search) == 503)

            // The state alone decides: completed for the mounted fingerprint, then failed, then another dataset.
            _ = try await empty.clients.gateway.ensureSchema()
            var state = IngestionState(status: .completed, fingerprint: try empty.clients.mountedFingerprint())
            state.vectorizer = try await empty.clients.vectorizerClient.identity()
            try await empty.clients.store.writeCurrent(state, nowMs: WallClock.nowMs())
            #expect(try await client.request("GET", "/readyz").status == 200)
            state.status = .failed
            state.error = "step skills: boom"
            try await empty.clients.store.writeCurrent(state, nowMs: WallClock.nowMs())
            let failed = try await client.request("GET", "/readyz")
            #expect(failed.status == 503)
            #expect((try Self.json(failed)["reason"] as? String)?.contains("boom") == true)
            state.status = .completed
            state.fingerprint = "sha256:other"
            try await empty.clients.store.writeCurrent(state, nowMs: WallClock.nowMs())
            let outdated = try await client.request("GET", "/readyz")
            #expect(outdated.status == 503)
            #expect(try Self.json(outdated)["status"] as? String == "outdated")
        }
        // After a real, verified ingestion of the sample.
        let services = try await SampleFixture.shared.ingested()
        try await withSearchRouter(try services.server(cacheSeconds: 0)) { client in
            let after = try await client.request("GET", "/readyz")
            #expect(after.status == 200, "\(after.text)")
            #expect(try await client.request("GET", "/search?q=welder").status == 200)
        }
    }

    /// Issue 10 item 3: data made by another model than the one serving queries is not ready, and the
    /// reason names both.
    @Test func readyzIs503NamingBothIdentitiesWhenTheVectorizerChangedModel() async throws {
        let services = try StandInServices()
        try await withSearchRouter(try services.server(cacheSeconds: 0)) { client in
            _ = try await services.clients.gateway.ensureSchema()
            let live = try await services.clients.vectorizerClient.identity()
            var stored = live
            stored.modelType = "bert"
            stored.hiddenSize = 768
            stored.dimensions = 768
            let state = IngestionState(
                status: .completed, fingerprint: try services.clients.mountedFingerprint(), vectorizer: stored)
            try await services.clients.store.writeCurrent(state, nowMs: WallClock.nowMs())
            let r = try await client.request("GET", "/readyz")
            #expect(r.status == 503)
            let body = try Self.json(r)
            #expect(body["status"] as? String == "vectorizer_mismatch")
            let reason = body["reason"] as? String ?? ""
            #expect(reason.contains(stored.description), "\(reason)")
            #expect(reason.contains(live.description), "\(reason)")
            // Data routes refuse too: their vectors would not match the index.
            #expect(try await client.request("GET", "/search?q=welder").status == 503)

            // Stopping the vectorizer: not ready either, since every query needs it.
            var same = state
            same.vectorizer = live
            try await services.clients.store.writeCurrent(same, nowMs: WallClock.nowMs())
            #expect(try await client.request("GET", "/readyz").status == 200)
            services.vectorizer?.stop()
            let down = try await client.request("GET", "/readyz")
            #expect(down.status == 503)
            #expect(try Self.json(down)["status"] as? String == "vectorizer_unavailable")
        }
    }

    static let badRequests: [(String, String, String?, Int)] = [
        ("GET", "/search", nil, 400),
        ("GET", "/search?q=", nil, 400),
        ("GET", "/search?q=%20%20", nil, 400),
        ("GET", "/search?q=" + String(repeating: "a", count: 501), nil, 400),
        ("GET", "/search?q=welder&limit=0", nil, 400),
        ("GET", "/search?q=welder&limit=101", nil, 400),
        ("GET", "/search?q=welder&limit=ten", nil, 400),
        ("GET", "/search?q=welder&type=job", nil, 400),
        ("GET", "/search?q=welder&min_certainty=2", nil, 400),
        ("GET", "/search?q=welder&min_certainty=-1", nil, 400),
        ("GET", "/search?q=welder&min-certainty=0.5", nil, 400),
        ("GET", "/search?q=welder&q=baker", nil, 400),
        ("GET", "/search?q=%E0%A4%A", nil, 400),
        ("GET", "/search?q=%ZZ", nil, 400),
        ("GET", "/concepts/not-an-id", nil, 400),
        ("GET", "/concepts/http%3A%2F%2Fexample.com%2Fx", nil, 400),
        ("GET", "/concepts/%ZZ", nil, 400),
        ("GET", "/concepts", nil, 400),
        ("GET", "/concepts?uri=nope", nil, 400),
        ("GET", "/concepts/00000000-0000-0000-0000-000000000000", nil, 404),
        ("GET", "/concepts/http%3A%2F%2Fdata.europa.eu%2Fesco%2Fskill%2Fmissing", nil, 404),
        ("POST", "/enrich", "not json", 400),
        ("POST", "/enrich", "[1,2]", 400),
        ("POST", "/enrich", #"{"description": "x"}"#, 400),
        ("POST", "/enrich", #"{"title": "welder"}"#, 400),
        ("POST", "/enrich", #"{"title": 3, "description": "x"}"#, 400),
        ("POST", "/enrich", #"{"title": " ", "description": "x"}"#, 400),
        ("POST", "/enrich", #"{"title": "a", "description": "x", "extra": 1}"#, 400),
        ("GET", "/nowhere", nil, 404),
    ]

    @Test func badRequestsGetTheirDocumented4xxWithAJSONError() async throws {
        let services = try await SampleFixture.shared.ingested()
        try await withSearchRouter(try services.server()) { client in
            for (method, path, body, status) in Self.badRequests {
                let r = try await client.request(method, path, body: body.map { Data($0.utf8) })
                #expect(r.status == status, "\(method) \(path.prefix(60)): \(r.status) \(r.text.prefix(200))")
                #expect(try Self.errorStatus(r) == status, "\(path.prefix(60))")
                let message = (try Self.json(r)["error"] as? [String: Any])?["message"] as? String ?? ""
                #expect(!message.isEmpty)
            }
        }
    }

    @Test func conceptsRoutesReturnTheDatasetRelations() async throws {
        let services = try await SampleFixture.shared.ingested()
        let model = try await SampleFixture.shared.datasetModel()
        try await withSearchRouter(try services.server()) { client in
            for doc in model.occupations.prefix(10) + model.skills.prefix(10) {
                let encoded = doc.uri.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                for path in [
                    "/concepts/\(encoded)", "/concepts/\(ObjectID.uuid5(doc.uri))", "/concepts?uri=\(encoded)",
                ] {
                    let r = try await client.request("GET", path)
                    #expect(r.status == 200, "\(path)")
                    let detail = try JSONDecoder().decode(ConceptDetail.self, from: r.body)
                    #expect(detail.uri == doc.uri)
                    for (name, targets) in model.relations.properties(doc.className, doc.uri)
                    where ConceptSchema.relations(of: detail.type).contains(where: { $0.name == name }) {
                        #expect(Set(detail.related(name).map(\.uri)) == Set(targets.map(\.uri)), "\(doc.uri) \(name)")
                    }
                }
            }
            let label = model.skills[3].properties["preferredLabel"]?.stringValue ?? ""
            let q = label.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let r = try await client.request("GET", "/search?q=\(q)&type=skill&limit=3&min_certainty=0")
            let results = try #require(try Self.json(r)["results"] as? [[String: Any]])
            #expect(results.count == 3 && results.first?["uri"] as? String == model.skills[3].uri)
            let body = Data(
                #"{"title": "\#(model.occupations[0].properties["preferredLabel"]!.stringValue!)", "description": ""}"#
                    .utf8)
            let e = try await client.request("POST", "/enrich", body: body)
            #expect(e.status == 200)
            #expect(
                ((try Self.json(e)["occupations"] as? [[String: Any]])?.first?["uri"] as? String)
                    == model.occupations[0].uri)
        }
    }

    @Test func weaviateDownIs503NamingWeaviate() async throws {
        let services = try StandInServices()
        let server = try services.server()
        services.weaviate.stop()
        try await withSearchRouter(server) { client in
            for path in ["/search?q=welder", "/concepts/00000000-0000-0000-0000-000000000000", "/readyz"] {
                let r = try await client.request("GET", path)
                #expect(r.status == 503, "\(path): \(r.text)")
                #expect(r.text.contains("Weaviate"), "\(path): \(r.text)")
            }
            #expect(try await client.request("GET", "/healthz").status == 200)
        }
    }

    @Test func openAPIDocumentListsEveryRoute() async throws {
        let services = try StandInServices()
        let server = try services.server()
        let doc = try #require(
            try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8)) as? [String: Any])
        #expect(doc["openapi"] as? String == "3.1.0")
        let paths = try #require(doc["paths"] as? [String: [String: Any]])
        let routes = server.routeDescriptions
        #expect(routes.count >= 7)
        for route in routes {
            // "GET /concepts/**": the router spells the catch-all `**`; OpenAPI spells it `{id}`.
            let parts = route.split(separator: " ", maxSplits: 1).map(String.init)
            let path = parts[1].replacingOccurrences(of: "/**", with: "/{id}")
            let methods = try #require(paths[path], "\(path) missing from the OpenAPI document")
            #expect(methods[parts[0].lowercased()] != nil, "\(route)")
        }
        try await withSearchRouter(server) { client in
            let r = try await client.request("GET", "/openapi.json")
            #expect(r.status == 200 && r.text.contains("\"/enrich\""))
        }
    }
}
