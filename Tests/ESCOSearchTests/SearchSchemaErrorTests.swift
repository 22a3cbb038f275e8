import ESCOClients
import ESCOConfig
import ESCOCore
import ESCOSearch
import ESCOStandIns
import Foundation
import Logging
import SearchTestSupport
import TestSupport
import Testing

/// What search reports when Weaviate's schema is not the product's: nothing ingested, or a class without a property.
@Suite struct SearchSchemaErrorTests {
    func searchError(_ body: () async throws -> Void) async -> SearchError? {
        do { try await body() } catch let e as SearchError { return e } catch {}
        return nil
    }

    @Test func aWeaviateWithoutClassesMeansNotIngested() async throws {
        let services = try StandInServices()
        // Weaviate answers every GraphQL query with 422 "no graphql provider present" while it has no class.
        let e = await searchError {
            _ = try await services.backend.objects(
                className: "Skill", filter: .equal(["conceptUri"], .text("x")), fields: ["conceptUri"], limit: 1)
        }
        #expect(e?.code == .notReady, "\(String(describing: e))")
        #expect(e?.message.contains("run esco ingest") == true)
    }

    /// Weaviate 1.32.2 answers GraphQL with HTTP 422 "no graphql provider present" while it has no class
    /// (adapters/handlers/rest/handlers_graphql.go): that is "not ingested" (exit 2), not "try later".
    @Test func aGraphQL422WithoutProviderMeansNotIngested() async throws {
        try await withCannedServer({ _ in
            .respond(
                status: 422,
                body:
                    #"{"error":[{"message":"no graphql provider present, this is most likely because no schema is "#
                    + #"present. Import a schema first!"}]}"#
            )
        }) { server in
            var config = ESCOConfiguration.Weaviate(url: server.url)
            config.retries = 0
            let client = WeaviateClient(configuration: config, logger: Logger(label: "t"))
            let backend = WeaviateSearchBackend(weaviate: client, vectorizer: FixedVectorizer(), stateReader: { nil })
            let e = await searchError {
                _ = try await backend.objects(
                    className: "Skill", filter: .equal(["conceptUri"], .text("x")), fields: ["conceptUri"], limit: 1)
            }
            #expect(e?.code == .notReady, "\(String(describing: e))")
            #expect(e?.message.contains("has no classes") == true && e?.message.contains(server.url) == true)
        }
    }

    @Test func aClassWithoutAQueriedPropertyIsASchemaMismatchNamingIt() async throws {
        let services = try StandInServices()
        let skill =
            #"{"class":"Skill","vectorizer":"none","properties":[{"name":"conceptUri","dataType":["text"]},"#
            + #"{"name":"preferredLabel","dataType":["text"]}]}"#
        #expect(try RawHTTP.request(services.weaviate.url, "POST", "/v1/schema", body: Data(skill.utf8)).status == 200)
        let e = await searchError {
            _ = try await services.backend.nearVector(
                className: "Skill", vector: [1, 0], filter: nil, limit: 5,
                properties: ["conceptUri", "preferredLabel", "description"])
        }
        #expect(e?.code == .schemaMismatch, "\(String(describing: e))")
        #expect(e?.message.contains("class Skill has no property \"description\"") == true, "\(String(describing: e))")
        // A class that is missing altogether still means the data is not ingested.
        let missing = await searchError {
            _ = try await services.backend.nearVector(
                className: "Occupation", vector: [1, 0], filter: nil, limit: 5, properties: ["conceptUri"])
        }
        #expect(missing?.code == .notReady, "\(String(describing: missing))")
    }
}

/// One fixed vector per text: these tests never reach the vectorizer's behaviour.
struct FixedVectorizer: TextVectorizing {
    func vectorize(_ texts: [String]) async throws -> [[Float]] { texts.map { _ in [1, 0] } }
    func identity() async throws -> VectorizerIdentity {
        VectorizerIdentity(model: "fixed", directTokenize: true, dimensions: 2)
    }
}
