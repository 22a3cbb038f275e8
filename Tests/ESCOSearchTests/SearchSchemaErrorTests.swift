import ESCOClients
import ESCOCore
import ESCOSearch
import ESCOStandIns
import Foundation
import Testing
import TestSupport

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

    @Test func aClassWithoutAQueriedPropertyIsASchemaMismatchNamingIt() async throws {
        let services = try StandInServices()
        let skill = #"{"class":"Skill","vectorizer":"none","properties":[{"name":"conceptUri","dataType":["text"]},"#
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
