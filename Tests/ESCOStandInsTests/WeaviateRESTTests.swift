import ESCOStandIns
import Foundation
import TestSupport
import Testing

@Suite("Weaviate stand-in REST")
struct WeaviateRESTTests {
    @Test func wellKnownMetaAndSchema() async throws {
        try await withWeaviateStandIn { (url: String) async throws in
            #expect(try call(url, "GET", "/v1/.well-known/ready").status == 200)
            #expect(try call(url, "GET", "/v1/.well-known/live").status == 200)
            let meta = dict(try call(url, "GET", "/v1/meta").json)
            #expect(meta["version"] as? String == "1.32.0")
            #expect(meta["hostname"] as? String == "http://[::]:8080")

            #expect(try call(url, "GET", "/v1/schema/Skill").status == 404)
            #expect(try call(url, "POST", "/v1/schema", skillClass).status == 200)
            let again = try call(url, "POST", "/v1/schema", skillClass)
            #expect(again.status == 422)
            let msg = dict(list(dict(again.json)["error"]).first)["message"] as? String
            #expect(msg?.contains("already exists") == true)
            let bad: [String: Any] = ["class": "Bad", "properties": [["name": "x", "dataType": ["Nope"]]]]
            #expect(try call(url, "POST", "/v1/schema", bad).status == 422)
            let schema = dict(try call(url, "GET", "/v1/schema").json)
            #expect(list(schema["classes"]).count == 1)
            let c = dict(try call(url, "GET", "/v1/schema/Skill").json)
            #expect(list(c["properties"]).count == 6)

            let prop: [String: Any] = ["name": "status", "dataType": ["text"], "tokenization": "field"]
            #expect(try call(url, "POST", "/v1/schema/Skill/properties", prop).status == 200)
            #expect(try call(url, "POST", "/v1/schema/Skill/properties", prop).status == 422)
            #expect(list(dict(try call(url, "GET", "/v1/schema/Skill").json)["properties"]).count == 7)
            #expect(try call(url, "DELETE", "/v1/schema/Skill").status == 200)
            #expect(try call(url, "GET", "/v1/schema/Skill").status == 404)
            // Deleting it again is a no-op with 200: a generation's classes can be deleted again after a killed switch.
            #expect(try call(url, "DELETE", "/v1/schema/Skill").status == 200)
        }
    }

    @Test func objectLifecycleAndQuirks() async throws {
        try await withWeaviateStandIn { (url: String) async throws in
            try call(url, "POST", "/v1/schema", skillClass)
            let created = try call(url, "POST", "/v1/objects", skill(1, label: "manage staff", vector: [0.5, 0.5, 0]))
            #expect(created.status == 200)
            #expect(dict(created.json)["id"] as? String == id(1))
            let dup = try call(url, "POST", "/v1/objects", skill(1, label: "other"))
            #expect(dup.status == 422)
            #expect((dict(list(dict(dup.json)["error"]).first)["message"] as? String) == "id '\(id(1))' already exists")

            #expect(try RawHTTP.request(url, "HEAD", "/v1/objects/Skill/\(id(1))").status == 204)
            #expect(try RawHTTP.request(url, "HEAD", "/v1/objects/Skill/\(id(2))").status == 404)
            let missing = try RawHTTP.request(url, "GET", "/v1/objects/Skill/\(id(2))")
            #expect(missing.status == 404 && missing.body.isEmpty)

            let got = dict(try call(url, "GET", "/v1/objects/Skill/\(id(1))?include=vector").json)
            #expect((got["vector"] as? [Double]) == [0.5, 0.5, 0])
            #expect(dict(got["properties"])["preferredLabel"] as? String == "manage staff")
            #expect(got["creationTimeUnix"] is Int)
            #expect(dict(try call(url, "GET", "/v1/objects/Skill/\(id(1))").json)["vector"] == nil)

            // PATCH merges and keeps the vector.
            #expect(
                try call(url, "PATCH", "/v1/objects/Skill/\(id(1))", ["class": "Skill", "properties": ["code": "S1"]])
                    .status == 204)
            let patched = dict(try call(url, "GET", "/v1/objects/Skill/\(id(1))?include=vector").json)
            #expect(dict(patched["properties"])["code"] as? String == "S1")
            #expect(dict(patched["properties"])["preferredLabel"] as? String == "manage staff")
            #expect((patched["vector"] as? [Double]) == [0.5, 0.5, 0])
            #expect(
                try call(url, "PATCH", "/v1/objects/Skill/\(id(9))", ["class": "Skill", "properties": [:]]).status
                    == 404)

            // PUT replaces the whole object and, without a vector, drops it.
            var replacement = skill(1, label: "lead staff", vector: nil)
            replacement["properties"] = ["preferredLabel": "lead staff"]
            #expect(try call(url, "PUT", "/v1/objects/Skill/\(id(1))", replacement).status == 200)
            let put = dict(try call(url, "GET", "/v1/objects/Skill/\(id(1))?include=vector").json)
            #expect(put["vector"] == nil)
            #expect(dict(put["properties"])["code"] == nil)
            #expect(try call(url, "PUT", "/v1/objects/Skill/\(id(9))", skill(9, label: "x")).status == 500)

            // Unknown property: auto-schema is off.
            #expect(try call(url, "POST", "/v1/objects", skill(3, label: "x", extra: ["nope": 1])).status == 422)
            #expect(try call(url, "POST", "/v1/objects", skill(4, label: "x", extra: ["rank": "high"])).status == 422)

            #expect(try call(url, "DELETE", "/v1/objects/Skill/\(id(1))").status == 204)
            #expect(try call(url, "DELETE", "/v1/objects/Skill/\(id(1))").status == 204, "1.32: no existence check")
        }
    }

    @Test func listingPagesByIDWithAfterCursor() async throws {
        try await withWeaviateStandIn { (url: String) async throws in
            try call(url, "POST", "/v1/schema", skillClass)
            let objs = (1...7).reversed().map { skill($0, label: "s\($0)") }
            try call(url, "POST", "/v1/batch/objects", ["objects": objs])
            let first = dict(try call(url, "GET", "/v1/objects?class=Skill&limit=3&include=vector").json)
            let ids1 = list(first["objects"]).map { dict($0)["id"] as? String ?? "" }
            #expect(ids1 == [id(1), id(2), id(3)])
            #expect(first["totalResults"] as? Int == 3)
            #expect(dict(list(first["objects"]).first)["vector"] != nil)
            let next = dict(try call(url, "GET", "/v1/objects?class=Skill&limit=3&after=\(id(3))").json)
            #expect(list(next["objects"]).map { dict($0)["id"] as? String ?? "" } == [id(4), id(5), id(6)])
            let last = dict(try call(url, "GET", "/v1/objects?class=Skill&limit=3&after=\(id(7))").json)
            #expect(list(last["objects"]).isEmpty)
        }
    }

    @Test func batchUpsertsAndReportsPerItemErrors() async throws {
        try await withWeaviateStandIn { (url: String) async throws in
            try call(url, "POST", "/v1/schema", skillClass)
            try call(url, "POST", "/v1/batch/objects", ["objects": [skill(1, label: "old")]])
            let r = try call(
                url, "POST", "/v1/batch/objects",
                [
                    "objects": [
                        skill(1, label: "new", vector: [0, 1, 0]), ["class": "Nope", "properties": [:]],
                        skill(2, label: "first"), skill(2, label: "second"),
                        skill(3, label: "x", extra: ["unknownProp": "y"]),
                    ]
                ])
            #expect(r.status == 200)
            let items = list(r.json).map(dict)
            #expect(items.count == 5)
            let firstResult = dict(items[0]["result"])
            #expect(firstResult["status"] as? String == "SUCCESS" && firstResult["errors"] == nil)
            #expect(dict(items[1]["result"])["errors"] != nil)
            #expect(dict(items[4]["result"])["errors"] != nil)
            let one = dict(try call(url, "GET", "/v1/objects/Skill/\(id(1))?include=vector").json)
            #expect(dict(one["properties"])["preferredLabel"] as? String == "new")
            #expect((one["vector"] as? [Double]) == [0, 1, 0])
            #expect(
                dict(dict(try call(url, "GET", "/v1/objects/Skill/\(id(2))").json)["properties"])["preferredLabel"]
                    as? String == "second")
            #expect(try call(url, "GET", "/v1/objects/Skill/\(id(3))").status == 404)
        }
    }

    @Test func batchReferencesAppendEvenDuplicates() async throws {
        try await withWeaviateStandIn { (url: String) async throws in
            try call(url, "POST", "/v1/schema", skillClass)
            try call(url, "POST", "/v1/batch/objects", ["objects": [skill(1, label: "a"), skill(2, label: "b")]])
            let ref = [
                "from": "weaviate://localhost/Skill/\(id(1))/broaderSkills",
                "to": "weaviate://localhost/Skill/\(id(2))",
            ]
            let bad = [
                "from": "weaviate://localhost/Skill/\(id(1))/preferredLabel",
                "to": "weaviate://localhost/Skill/\(id(2))",
            ]
            let r = try call(url, "POST", "/v1/batch/references", [ref, ref, bad])
            #expect(r.status == 200)
            let results = list(r.json).map { dict(dict($0)["result"]) }
            #expect(results.map { $0["status"] as? String } == ["SUCCESS", "SUCCESS", "FAILED"])
            let o = dict(try call(url, "GET", "/v1/objects/Skill/\(id(1))").json)
            let refs = list(dict(o["properties"])["broaderSkills"]).map(dict)
            #expect(refs.count == 2)
            #expect(refs.first?["beacon"] as? String == "weaviate://localhost/Skill/\(id(2))")
            #expect(refs.first?["href"] as? String == "/v1/objects/Skill/\(id(2))")
        }
    }

    @Test func apiKeyAndAnonymousBearerRejection() async throws {
        try await withWeaviateStandIn(.init(apiKey: "secret")) { (url: String) async throws in
            #expect(try call(url, "GET", "/v1/schema").status == 401)
            #expect(try call(url, "GET", "/v1/schema", headers: ["Authorization": "Bearer wrong"]).status == 401)
            #expect(try call(url, "GET", "/v1/schema", headers: ["Authorization": "Bearer secret"]).status == 200)
            #expect(try call(url, "GET", "/v1/.well-known/ready").status == 200)
        }
        try await withWeaviateStandIn { (url: String) async throws in
            #expect(try call(url, "GET", "/v1/schema").status == 200)
            #expect(try call(url, "GET", "/v1/schema", headers: ["Authorization": "Bearer anything"]).status == 401)
        }
    }

    @Test func httpFramingChunkedExpectContinueAndStats() async throws {
        try await withWeaviateStandInServer { (server: WeaviateStandIn) async throws in
            let url = server.url
            let body = try JSONSerialization.data(withJSONObject: skillClass)
            let r = try RawHTTP.request(url, "POST", "/v1/schema", body: body, chunked: true, expectContinue: true)
            #expect(r.status == 200)
            #expect(r.headers["content-length"] == String(r.body.count))
            let head = try RawHTTP.request(url, "HEAD", "/v1/schema/Skill")
            #expect(head.status == 200 && head.body.isEmpty)
            try call(url, "POST", "/_standin/reset-stats")
            for n in 1...3 { try call(url, "POST", "/v1/batch/objects", ["objects": [skill(n, label: "x")]]) }
            try call(url, "GET", "/v1/objects/Skill/\(id(1))")
            let stats = dict(try call(url, "GET", "/_standin/stats").json)
            #expect(dict(stats["requests"])["POST /v1/batch/objects"] as? Int == 3)
            #expect(dict(stats["requests"])["GET /v1/objects/{className}/{id}"] as? Int == 1)
            #expect(stats["totalRequests"] as? Int == 4)
            #expect(dict(stats["objects"])["Skill"] as? Int == 3)
        }
    }

    @Test func manyRequestsQuickly() async throws {
        try await withWeaviateStandIn { (url: String) async throws in
            try call(url, "POST", "/v1/schema", skillClass)
            let start = Date()
            onThreads(8) { w in
                for i in 0..<125 {
                    _ = try? call(url, "POST", "/v1/batch/objects", ["objects": [skill(w * 1000 + i, label: "x")]])
                }
            }
            let elapsed = Date().timeIntervalSince(start)
            #expect(dict(dict(try call(url, "GET", "/_standin/stats").json)["objects"])["Skill"] as? Int == 1000)
            #expect(elapsed < 10, "1000 requests took \(elapsed)s")
        }
    }
}
