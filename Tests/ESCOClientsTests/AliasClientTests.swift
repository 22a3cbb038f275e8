import Foundation
import TestSupport
import Testing

@testable import ESCOClients

/// The alias operations' error mapping, against canned answers (the contract suite covers the real behaviour).
@Suite("Weaviate alias client")
struct AliasClientTests {
    /// Weaviate's own messages (cluster/schema/schema.go, cluster/raft_alias_apply_endpoints.go,
    /// entities/schema/validation.go) sorted into what the operator must do.
    @Test func refusalsAreClassifiedByWeaviatesMessages() {
        let prefix = "updating schema: TYPE_CREATE_ALIAS: create alias: "
        #expect(AliasRejection(message: prefix + "alias Skill already exists") == .aliasExists)
        #expect(AliasRejection(message: prefix + "class Skill already exists") == .classHasTheName)
        #expect(AliasRejection(message: "class does not exist: bad request") == .targetMissing)
        #expect(
            AliasRejection(message: "updating schema: TYPE_REPLACE_ALIAS: replace alias: class Skill_g7 does not exist")
                == .targetMissing)
        #expect(AliasRejection(message: "'Bad-name!' is not a valid alias name") == .invalidName)
        #expect(AliasRejection(message: "something else") == .other)
    }

    /// A Weaviate before 1.32 has no `/v1/aliases` route: go-swagger answers 404 with a body, which must not read as
    /// "no such alias".
    @Test func aWeaviateWithoutTheAliasAPIIsNamedNotTakenForAMissingAlias() async throws {
        try await withCannedServer({ request in
            .respond(status: 404, body: #"{"code":404,"message":"path \#(request.path) was not found"}"#)
        }) { server in
            let client = makeWeaviate(server.url)
            let calls: [(String, () async throws -> Void)] = [
                ("get", { _ = try await client.alias(named: "Skill") }),
                ("list", { _ = try await client.aliases() }),
                ("create", { try await client.createAlias("Skill", targetClass: "Skill_g1") }),
                ("replace", { try await client.replaceAliasTarget("Skill", targetClass: "Skill_g1") }),
                ("delete", { try await client.deleteAlias("Skill") }),
            ]
            for (name, call) in calls {
                let e = try #require(await weaviateError(call), "\(name)")
                #expect(e.status == 404 && e.code != .notFound, "\(name): \(e)")
                #expect(e.description.contains("needs Weaviate 1.32 or later"), "\(name): \(e)")
            }
        }
    }

    @Test func aMissingAliasIsNilOnReadAndNotFoundOnChange() async throws {
        try await withCannedServer({ _ in .respond(status: 404) }) { server in
            let client = makeWeaviate(server.url)
            #expect(try await client.alias(named: "Skill") == nil)
            let replace = try #require(
                await weaviateError { try await client.replaceAliasTarget("Skill", targetClass: "A") })
            #expect(replace.code == .notFound && replace.description.contains("create it (POST /v1/aliases)"))
            let delete = try #require(await weaviateError { try await client.deleteAlias("Skill") })
            #expect(delete.code == .notFound && delete.attempts == 1)
        }
    }

    /// A create answered 500 is not retried (a retry of a create that was applied would be refused as existing); a
    /// replace is idempotent and is. (503 means "not processed" and is retried for both: `RetryPolicy`.)
    @Test func aCreateIsNotRetriedButAReplaceIs() async throws {
        let n = Counter()
        try await withCannedServer({ request in
            if request.method == "PUT", n.next() == 1 { return .respond(status: 500) }
            if request.method == "PUT" { return .respond(status: 200, body: #"{"alias":"Skill","class":"Skill_g2"}"#) }
            return .respond(status: 500)
        }) { server in
            let client = makeWeaviate(server.url)
            let create = try #require(
                await weaviateError { try await client.createAlias("Skill", targetClass: "Skill_g1") })
            #expect(create.status == 500 && create.attempts == 1, "\(create)")
            #expect(
                try await client.replaceAliasTarget("Skill", targetClass: "Skill_g2")
                    == WeaviateAlias(name: "Skill", className: "Skill_g2"))
            #expect(server.requests.filter { $0.method == "PUT" }.count == 2)
        }
    }
}
