import ESCOStandIns
import Foundation
import TestSupport
import Testing

/// The stand-in's alias API details that the product's client cannot see: go-swagger's body binding, empty 404s, the
/// echo of a create, route statistics, and aliases on the replicated stand-in (docs/weaviate-compat.md, Aliases).
@Suite struct WeaviateAliasTests {
    @Test func bodiesAreBoundLikeGoSwaggerAndMissingAliasesAre404WithoutABody() async throws {
        try await withWeaviateStandIn { url in
            #expect(try call(url, "POST", "/v1/schema", skillClass).status == 200)

            let none = try RawHTTP.request(url, "POST", "/v1/aliases", body: nil)
            #expect(none.status == 422)
            #expect(dict(try none.json())["code"] as? Int == 602)
            #expect(dict(try none.json())["message"] as? String == "body in body is required")

            let broken = try RawHTTP.request(url, "POST", "/v1/aliases", body: Data("{\"alias\":".utf8))
            #expect(broken.status == 400)
            #expect(
                (dict(try broken.json())["message"] as? String)?.hasPrefix("parsing body body from \"\" failed") == true
            )

            let typed = try call(url, "POST", "/v1/aliases", ["alias": 5, "class": "Skill"])
            #expect(typed.status == 400)
            #expect(
                dict(typed.json)["message"] as? String == "parsing body body from \"\" failed, because json: "
                    + "cannot unmarshal number into Go struct field Alias.alias of type string")
            let update = try call(url, "PUT", "/v1/aliases/Any", ["class": ["Skill"]])
            #expect(update.status == 400)
            #expect(
                (dict(update.json)["message"] as? String)?.hasSuffix(
                    "Go struct field AliasesUpdateBody.class of type string") == true)

            for (method, body) in [("GET", nil), ("DELETE", nil), ("PUT", ["class": "Skill"])]
                as [(String, [String: Any]?)]
            {
                let r = try RawHTTP.request(
                    url, method, "/v1/aliases/Missing",
                    body: try body.map { try JSONSerialization.data(withJSONObject: $0) })
                #expect(r.status == 404 && r.body.isEmpty, "\(method): \(r.status) \(r.body.count) bytes")
            }
        }
    }

    /// The create answers the body as the handler cased it: `class` is the name sent, even when it named an alias
    /// (usecases/schema/alias.go `AddAlias` mutates the request body; handlers_aliases.go answers it).
    @Test func aCreateEchoesTheRequestedTargetAndStoresTheResolvedClass() async throws {
        try await withWeaviateStandIn { url in
            #expect(try call(url, "POST", "/v1/schema", skillClass).status == 200)
            let first = try call(url, "POST", "/v1/aliases", ["alias": "first", "class": "skill"])
            #expect(first.status == 200)
            #expect(dict(first.json) as NSDictionary == ["alias": "First", "class": "Skill"] as NSDictionary)
            let second = try call(url, "POST", "/v1/aliases", ["alias": "Second", "class": "first"])
            #expect(dict(second.json) as NSDictionary == ["alias": "Second", "class": "First"] as NSDictionary)
            let stored = try call(url, "GET", "/v1/aliases/Second")
            #expect(dict(stored.json) as NSDictionary == ["alias": "Second", "class": "Skill"] as NSDictionary)
            // A filter naming no class lists every alias (usecases/schema/alias.go passes a nil class on).
            let all = try call(url, "GET", "/v1/aliases?class=Nothing")
            #expect(list(dict(all.json)["aliases"]).count == 2)
            #expect(list(dict(try call(url, "GET", "/v1/aliases?class=Second").json)["aliases"]).count == 2)

            _ = try call(url, "GET", "/v1/aliases/First")
            let stats = dict(try call(url, "GET", "/_standin/stats").json)
            #expect(dict(stats["requests"])["GET /v1/aliases/{aliasName}"] as? Int == 2)
        }
    }

    @Test func aClusterAppliesAliasesOnEveryNodeAndReplicatesWritesMadeThroughThem() throws {
        let cluster = try WeaviateCluster(options: .init(replicas: 3, lagMs: 60_000))
        defer { cluster.stop() }
        let urls = cluster.urls
        #expect(try call(urls[0], "POST", "/v1/schema", skillClass).status == 200)
        #expect(try call(urls[1], "POST", "/v1/aliases", ["alias": "Stable", "class": "Skill"]).status == 200)
        for url in urls {
            #expect(dict(try call(url, "GET", "/v1/aliases/Stable").json)["class"] as? String == "Skill", "\(url)")
        }
        // QUORUM from node 0 reaches nodes 0 and 1 now; node 2 only after the lag.
        var object = skill(1, label: "through the alias")
        object["class"] = "Stable"
        let w = try call(urls[0], "POST", "/v1/batch/objects?consistency_level=QUORUM", ["objects": [object]])
        #expect(dict(list(w.json).first)["class"] as? String == "Skill")
        #expect(cluster.objectCounts().map { $0["Skill"] ?? 0 } == [1, 1, 0])
        // A QUORUM read through the alias on node 2 asks nodes 2 and 0 and repairs node 2.
        #expect(try call(urls[2], "GET", "/v1/objects/Stable/\(id(1))?consistency_level=QUORUM").status == 200)
        #expect(cluster.objectCounts().map { $0["Skill"] ?? 0 } == [1, 1, 1])
        #expect(try call(urls[2], "DELETE", "/v1/objects/Stable/\(id(1))?consistency_level=ALL").status == 204)
        #expect(cluster.objectCounts().map { $0["Skill"] ?? 0 } == [0, 0, 0])
        #expect(try call(urls[0], "DELETE", "/v1/aliases/Stable").status == 204)
        for url in urls { #expect(try call(url, "GET", "/v1/aliases/Stable").status == 404, "\(url)") }
    }
}
