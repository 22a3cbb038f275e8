import ESCOStandIns
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Objects, batch, GraphQL and HTTP behaviour of Weaviate 1.32.2 that the stand-in must reproduce
/// (docs/weaviate-compat.md, sections "Objects and batch", "GraphQL" and "HTTP transport").
@Suite("Weaviate stand-in fidelity")
struct WeaviateFidelityTests {
    func ids(_ result: [String: Any], _ className: String = "Skill") -> [String] {
        getRows(result, className).map { dict($0["_additional"])["id"] as? String ?? "" }
    }

    func errorMessages(_ result: [String: Any]) -> [String] {
        list(result["errors"]).compactMap { dict($0)["message"] as? String }
    }

    func seed(_ url: String, count: Int) throws {
        try call(url, "POST", "/v1/schema", skillClass)
        for start in stride(from: 1, through: count, by: 100) {
            let batch = (start..<min(count + 1, start + 100)).map { skill($0, label: "skill \($0)") }
            #expect(try call(url, "POST", "/v1/batch/objects", ["objects": batch]).status == 200)
        }
    }

    /// go-swagger binds the body before any handler: its refusals have go-openapi's `{"code", "message"}` shape.
    @Test func bodiesGoSwaggerCannotBindAreRefusedBeforeAnyHandler() async throws {
        try await withWeaviateStandIn { url in
            let cases: [(String, String, String)] = [
                ("POST", "/v1/schema", "objectClass"), ("POST", "/v1/objects", "body"),
            ]
            for (method, path, parameter) in cases {
                let none = try RawHTTP.request(url, method, path, body: nil)
                #expect(none.status == 422, "\(path)")
                #expect(dict(try none.json())["code"] as? Int == 602)
                #expect(dict(try none.json())["message"] as? String == "\(parameter) in body is required")

                let broken = try RawHTTP.request(url, method, path, body: Data("{\"class\":".utf8))
                #expect(broken.status == 400, "\(path)")
                #expect(dict(try broken.json())["code"] as? Int == 400)
                let message = dict(try broken.json())["message"] as? String ?? ""
                #expect(message.hasPrefix("parsing \(parameter) body from \"\" failed, because "), "\(message)")

                let array = try RawHTTP.request(url, method, path, body: Data("[]".utf8))
                #expect(array.status == 400, "\(path)")
                #expect((dict(try array.json())["message"] as? String)?.contains("cannot unmarshal array") == true)
            }
            try call(url, "POST", "/v1/schema", skillClass)
            let property = try RawHTTP.request(url, "POST", "/v1/schema/Skill/properties", body: Data("{".utf8))
            #expect(property.status == 400)
            #expect((dict(try property.json())["message"] as? String)?.hasPrefix("parsing body body") == true)
        }
    }

    @Test func graphQLWithoutAnyClassIs422NoGraphQLProvider() async throws {
        try await withWeaviateStandIn { url in
            let r = try call(url, "POST", "/v1/graphql", ["query": "{ Get { Skill { code } } }"])
            #expect(r.status == 422)
            let message = dict(list(dict(r.json)["error"]).first)["message"] as? String ?? ""
            #expect(message.contains("no graphql provider present"), "\(String(describing: r.json))")
            try call(url, "POST", "/v1/schema", skillClass)
            #expect(try call(url, "POST", "/v1/graphql", ["query": "{ Get { Skill { code } } }"]).status == 200)
            #expect(try call(url, "POST", "/v1/graphql", ["query": ""]).status == 422)
        }
    }

    @Test func deletingAMissingObjectAnswers204() async throws {
        try await withWeaviateStandIn { url in
            try seed(url, count: 1)
            #expect(try call(url, "DELETE", "/v1/objects/Skill/\(id(1))").status == 204)
            #expect(try call(url, "GET", "/v1/objects/Skill/\(id(1))").status == 404)
            #expect(try call(url, "DELETE", "/v1/objects/Skill/\(id(1))").status == 204)
            #expect(try call(url, "DELETE", "/v1/objects/Skill/\(id(77))").status == 204)
        }
    }

    @Test func batchItemsCarryStatusAndBeaconTargetsMustAlreadyExist() async throws {
        try await withWeaviateStandIn { url in
            try call(url, "POST", "/v1/schema", skillClass)
            let ref = ["broaderSkills": [["beacon": "weaviate://localhost/Skill/\(id(1))"]]]
            // The target is in the same batch, before its source: still not stored when the source is validated.
            let first = try call(
                url, "POST", "/v1/batch/objects", ["objects": [skill(1, label: "t"), skill(2, label: "s", extra: ref)]])
            let items = list(first.json).map { dict(dict($0)["result"]) }
            #expect(items.map { $0["status"] as? String } == ["SUCCESS", "FAILED"])
            let message = dict(list(dict(items[1]["errors"])["error"]).first)["message"] as? String ?? ""
            #expect(message.contains("no object with id \(id(1)) found"), "\(message)")
            #expect(try call(url, "GET", "/v1/objects/Skill/\(id(2))").status == 404)
            // Once the target is stored, the same object is accepted; a single create checks beacons too.
            let second = try call(url, "POST", "/v1/batch/objects", ["objects": [skill(2, label: "s", extra: ref)]])
            #expect(list(second.json).map { dict(dict($0)["result"])["status"] as? String } == ["SUCCESS"])
            let dangling = ["broaderSkills": [["beacon": "weaviate://localhost/Skill/\(id(9))"]]]
            #expect(try call(url, "POST", "/v1/objects", skill(3, label: "x", extra: dangling)).status == 422)
            #expect(try call(url, "POST", "/v1/batch/objects", ["objects": []]).status == 422)

            // References: a missing source fails (without from/to in the answer); a missing target is not checked.
            let refs = try call(
                url, "POST", "/v1/batch/references",
                [
                    [
                        "from": "weaviate://localhost/Skill/\(id(8))/broaderSkills",
                        "to": "weaviate://localhost/Skill/\(id(1))",
                    ],
                    [
                        "from": "weaviate://localhost/Skill/\(id(1))/broaderSkills",
                        "to": "weaviate://localhost/Skill/\(id(9))",
                    ],
                ])
            let results = list(refs.json).map(dict)
            #expect(results.map { dict($0["result"])["status"] as? String } == ["FAILED", "SUCCESS"])
            #expect(results[0]["from"] == nil && results[1]["from"] as? String != nil)
            let refMessage = dict(list(dict(dict(results[0]["result"])["errors"])["error"]).first)["message"] as? String
            #expect(refMessage == "object with id \(id(8)) not found")
        }
    }

    @Test func getPagesWithWeaviatesDefaultsAndMaximum() async throws {
        let limits = QueryLimits(defaultsLimit: 10, defaultsLimitGraphQL: 100, maximumResults: 150)
        try await withWeaviateStandIn(.init(queryLimits: limits)) { url in
            try seed(url, count: 120)
            #expect(try ids(graphql(url, "{ Get { Skill { _additional { id } } } }")).count == 100)
            #expect(try ids(graphql(url, "{ Get { Skill(offset: 5) { _additional { id } } } }")).count == 10)
            #expect(try ids(graphql(url, "{ Get { Skill(limit: 150) { _additional { id } } } }")).count == 120)
            let over = try graphql(url, "{ Get { Skill(offset: 100, limit: 51) { _additional { id } } } }")
            #expect(
                errorMessages(over).first
                    == "explorer: list class: search: invalid pagination params: query maximum results exceeded",
                "\(over)")
            // The cursor is the way past the maximum: it needs a limit, and no offset, where or sort.
            let noLimit = try graphql(url, "{ Get { Skill(after: \"\(id(3))\") { _additional { id } } } }")
            #expect(errorMessages(noLimit).first?.contains("limit parameter must be set") == true, "\(noLimit)")
            let withWhere = try graphql(
                url,
                """
                { Get { Skill(after: "\(id(3))", limit: 5,
                    where: {path: ["rank"], operator: Equal, valueInt: 1}) { code } } }
                """)
            #expect(errorMessages(withWhere).first?.contains("where cannot be set with after") == true, "\(withWhere)")
            #expect(
                try ids(graphql(url, "{ Get { Skill(after: \"\(id(3))\", limit: 5) { _additional { id } } } }"))
                    == (4...8).map(id))
        }
    }

    @Test func unknownArgumentsPropertiesAndSortPathsAreErrors() async throws {
        try await withWeaviateStandIn { url in
            try seed(url, count: 3)
            let arg = try graphql(url, "{ Get { Skill(limitt: 3) { code } } }")
            #expect(errorMessages(arg).first?.hasPrefix("Unknown argument \"limitt\"") == true, "\(arg)")
            let prop = try graphql(
                url, "{ Get { Skill(where: {path: [\"nope\"], operator: Equal, valueText: \"x\"}) { code } } }")
            #expect(errorMessages(prop).first?.contains("no such prop with name 'nope'") == true, "\(prop)")
            let type = try graphql(
                url, "{ Get { Skill(where: {path: [\"rank\"], operator: Equal, valueText: \"1\"}) { code } } }")
            #expect(errorMessages(type).first?.contains("use \"valueInt\" instead") == true, "\(type)")
            let sort = try graphql(url, "{ Get { Skill(sort: [{path: [\"nope\"], order: asc}]) { code } } }")
            #expect(errorMessages(sort).first?.hasPrefix("invalid 'sort' parameter") == true, "\(sort)")
        }
    }

    @Test func idFiltersCompareTheStoredTextExactly() async throws {
        try await withWeaviateStandIn { url in
            try seed(url, count: 2)
            let hexID = "0000000a-0000-4000-8000-00000000000b"
            var object = skill(3, label: "hex")
            object["id"] = hexID
            try call(url, "POST", "/v1/batch/objects", ["objects": [object]])
            func hits(_ value: String) throws -> [String] {
                try ids(
                    graphql(
                        url,
                        "{ Get { Skill(where: {path: [\"id\"], operator: Equal, valueText: \"\(value)\"}) "
                            + "{ _additional { id } } } }"
                    ))
            }
            #expect(try hits(hexID) == [hexID])
            #expect(
                try hits(hexID.uppercased()) == [],
                "the _id index is matched byte for byte: an upper-case id finds nothing")
        }
    }

    @Test func sortComparesTextCaseInsensitively() async throws {
        try await withWeaviateStandIn { url in
            try call(url, "POST", "/v1/schema", skillClass)
            // By code points "Cherry" would come first; Weaviate ignores case.
            let labels = ["banana", "Cherry", "apple"]
            try call(
                url, "POST", "/v1/batch/objects",
                ["objects": labels.enumerated().map { skill($0.offset + 1, label: $0.element) }])
            let r = try graphql(
                url, "{ Get { Skill(sort: [{path: [\"preferredLabel\"], order: asc}]) { preferredLabel } } }")
            #expect(getRows(r, "Skill").map { $0["preferredLabel"] as? String ?? "" } == ["apple", "banana", "Cherry"])
        }
    }

    @Test func datesComeBackReserialisedLikeGosTime() async throws {
        try await withWeaviateStandIn { url in
            try call(
                url, "POST", "/v1/schema",
                [
                    "class": "Event", "vectorizer": "none",
                    "properties": [
                        ["name": "at", "dataType": ["date"]], ["name": "n", "dataType": ["int"]],
                    ],
                ])
            let sent = [
                "2024-01-02T03:04:05.000Z", "2024-01-02T03:04:05.120Z", "2024-01-02T03:04:05+02:00",
                "2024-01-02T03:04:05.123456789+00:00",
            ]
            let expected = [
                "2024-01-02T03:04:05Z", "2024-01-02T03:04:05.12Z", "2024-01-02T03:04:05+02:00",
                "2024-01-02T03:04:05.123456789Z",
            ]
            let objects = sent.enumerated().map { n, at in
                ["class": "Event", "id": id(n + 1), "properties": ["at": at, "n": n]] as [String: Any]
            }
            try call(url, "POST", "/v1/batch/objects", ["objects": objects])
            let rest = try (1...4).map { n in
                dict(dict(try call(url, "GET", "/v1/objects/Event/\(id(n))").json)["properties"])["at"] as? String
            }
            #expect(rest == expected)
            let r = try graphql(url, "{ Get { Event(sort: [{path: [\"n\"], order: asc}]) { at } } }")
            #expect(getRows(r, "Event").map { $0["at"] as? String } == expected)
        }
    }

    /// Weaviate's HTTP server closes a keep-alive connection idle for its IdleTimeout (go-swagger `--cleanup-timeout`,
    /// 10 s by default; adapters/handlers/rest/server.go).
    @Test func idleKeepAliveConnectionsAreClosed() async throws {
        try await withWeaviateStandInServer(.init(idleTimeoutSeconds: 0.3)) { server in
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            try #require(fd >= 0)
            defer { close(fd) }
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = in_port_t(UInt16(server.port).bigEndian)
            inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr)
            let rc = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            try #require(rc == 0)
            var timeout = timeval(tv_sec: 20, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let request = Array("GET /v1/.well-known/live HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
            #expect(send(fd, request, request.count, Int32(MSG_NOSIGNAL)) == request.count)
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = recv(fd, &buffer, buffer.count, 0)
            #expect(n > 0 && String(decoding: buffer[0..<max(0, n)], as: UTF8.self).hasPrefix("HTTP/1.1 200"))
            // Nothing more is sent: the server closes the connection (EOF) well before our 20 s receive timeout.
            let started = Date()
            #expect(recv(fd, &buffer, buffer.count, 0) == 0)
            #expect(Date().timeIntervalSince(started) < 15)
        }
    }
}
