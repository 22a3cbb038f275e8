import ESCOCore
import ESCOSearch
import ESCOSearchServer
import Foundation
import SearchTestSupport
import TestSupport
import Testing

/// esco-search does what its OpenAPI document (`GET /openapi.json`) says: the document's parameter patterns
/// and the service's parsing accept the same values, undeclared methods are 405 with `Allow`, and schemathesis
/// with every check finds nothing against the live service over the stand-ins.
@Suite(.serialized) struct OpenAPIConformanceTests {
    static var document: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8)) as? [String: Any]) ?? [:]
    }

    static func schema(_ path: String, _ method: String, parameter: String) throws -> [String: Any] {
        let paths = try #require(document["paths"] as? [String: [String: [String: Any]]])
        let parameters = try #require(paths[path]?[method]?["parameters"] as? [[String: Any]])
        let p = try #require(parameters.first { $0["name"] as? String == parameter })
        return try #require(p["schema"] as? [String: Any])
    }

    /// What JSON Schema says of a string: `pattern` found anywhere (ECMA-262 `search`), lengths in code points.
    static func valid(_ s: String, _ schema: [String: Any]) throws -> Bool {
        let n = s.unicodeScalars.count
        if let min = schema["minLength"] as? Int, n < min { return false }
        if let max = schema["maxLength"] as? Int, n > max { return false }
        guard var pattern = schema["pattern"] as? String else { return true }
        // ECMA-262's closing `$` is the end of the string; ICU's (like Python's) also matches before a final
        // newline, so spell it `\z` here (schemathesis reads it the ECMA way too).
        if pattern.hasSuffix("$") { pattern = String(pattern.dropLast()) + "\\z" }
        let regex = try NSRegularExpression(pattern: pattern)
        return regex.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil
    }

    static let texts = [
        "welder", "x", "", " ", "\t\n\r", "\u{85}", "\u{A0}", "\u{3000}\u{2028}", "\u{200B}", "\u{1C}", " a ", "\u{0}",
        "é", "\u{301}", String(repeating: "a", count: 500), String(repeating: "a", count: 501),
        " " + String(repeating: "a", count: 499) + " ", String(repeating: "e\u{301}", count: 251),
    ]

    @Test func searchTextAgreesWithTheDocument() throws {
        let schema = try Self.schema("/search", "get", parameter: "q")
        for text in Self.texts {
            let encoded = text.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let accepted = (try? HTTPRequestParsing.searchQuery("q=" + encoded)) != nil
            #expect(accepted == (try Self.valid(text, schema)), "q=\(text.debugDescription)")
        }
    }

    @Test func enrichTitleAgreesWithTheDocument() throws {
        for text in Self.texts {
            let body = JSONCodec.encode(["title": .string(text), "description": "x"])
            let accepted = (try? HTTPRequestParsing.enrichment(body)) != nil
            let schema: [String: Any] = [
                "minLength": 1, "maxLength": 500,
                "pattern": try Self.schema("/search", "get", parameter: "q")["pattern"] as Any,
            ]
            #expect(accepted == (try Self.valid(text, schema)), "title \(text.debugDescription)")
        }
    }

    static let ids = [
        "9342d47a-1bab-5709-9869-c840b2eac501", "9342D47A-1BAB-5709-9869-C840B2EAC501",
        "9342d47a1bab57099869c840b2eac501",
        "9342d47a-1bab-5709-9869-c840b2eac50", " 9342d47a-1bab-5709-9869-c840b2eac501",
        "http://data.europa.eu/esco/skill/x",
        "https://data.europa.eu/esco/occupation/a-b.c_d~e/f", "http://data.europa.eu/esco/",
        "http://data.europa.eu/esco/é",
        "http://data.europa.eu/esco/a b", "http://data.europa.eu/esco/a\n", "HTTP://data.europa.eu/esco/x",
        "http://data.europa.eu/esco/" + String(repeating: "a", count: 273),
        "http://data.europa.eu/esco/" + String(repeating: "a", count: 274), "９３４２d47a-1bab-5709-9869-c840b2eac50",
    ]

    @Test func conceptIdsAgreeWithTheDocument() throws {
        let idSchema = try Self.schema("/concepts/{id}", "get", parameter: "id")
        let uriSchema = try Self.schema("/concepts", "get", parameter: "uri")
        for id in Self.ids {
            let encoded = id.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let byPath = (try? HTTPRequestParsing.conceptID(path: Substring(encoded), query: nil)) != nil
            #expect(byPath == (try Self.valid(id, idSchema)), "/concepts/\(id.debugDescription)")
            let byQuery = (try? HTTPRequestParsing.conceptURI("uri=" + encoded)) != nil
            #expect(byQuery == (try Self.valid(id, uriSchema)), "/concepts?uri=\(id.debugDescription)")
        }
    }

    @Test(arguments: [
        "1", "100", "0", "101", "-1", "+5", " 5", "5 ", "05", "1.0", "1e1", "ten", "", "99999999999999999999",
    ])
    func limitIsAnInteger(text: String) {
        let strict = text.range(of: #"^-?(0|[1-9][0-9]*)$"#, options: .regularExpression) != nil
        let inRange = Int(text).map { (1...100).contains($0) } ?? false
        let accepted =
            (try? HTTPRequestParsing.searchQuery("q=a&limit=" + text.replacingOccurrences(of: " ", with: "%20"))) != nil
        #expect(accepted == (strict && inRange), "limit=\(text.debugDescription)")
    }

    @Test(arguments: [
        "0", "1", "0.5", "1e-3", "1E-3", "-0", "nan", "inf", ".5", "+0.5", " 0.5", "0x1p-1", "1.5", "0.5.5",
    ])
    func minCertaintyIsANumber(text: String) {
        let strict =
            text.range(of: #"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$"#, options: .regularExpression) != nil
        let inRange = Double(text).map { (0...1).contains($0) } ?? false
        let query =
            "q=a&min_certainty="
            + text.replacingOccurrences(of: " ", with: "%20").replacingOccurrences(of: "+", with: "%2B")
        let accepted = (try? HTTPRequestParsing.searchQuery(query)) != nil
        #expect(accepted == (strict && inRange), "min_certainty=\(text.debugDescription)")
    }

    @Test func undeclaredMethodsAre405WithAllow() async throws {
        let services = try await SampleFixture.shared.ingested()
        try await withSearchServer(try services.server()) { url in
            for (method, path, allow) in [
                ("PUT", "/search?q=x", "GET"), ("POST", "/healthz", "GET"), ("DELETE", "/readyz", "GET"),
                ("PATCH", "/openapi.json", "GET"), ("GET", "/enrich", "POST"), ("DELETE", "/concepts", "GET"),
                ("POST", "/concepts/9342d47a-1bab-5709-9869-c840b2eac501", "GET"), ("TRACE", "/search", "GET"),
            ] {
                let r = try await RawHTTP.requestOffPool(url, method, path)
                #expect(r.status == 405, "\(method) \(path): \(r.status) \(r.text)")
                #expect(r.headers["allow"] == allow, "\(method) \(path): \(r.headers)")
                #expect(r.text.contains("\"status\":405"), "\(r.text)")
            }
            #expect(try await RawHTTP.requestOffPool(url, "PUT", "/nowhere").status == 404)
        }
    }

    /// schemathesis (PyPI) with every check, positive and negative data, against the live service.
    @Test(.timeLimit(.minutes(20))) func schemathesisFindsNoFailures() async throws {
        let st = try #require(
            ["/usr/local/bin/st", "/usr/bin/st"].first { FileManager.default.isExecutableFile(atPath: $0) }
                ?? Self.which("st"),
            "schemathesis is not installed: pip install 'schemathesis==4.32.5' (scripts/test does this)")
        let services = try await SampleFixture.shared.ingested()
        try await withSearchServer(try services.server()) { url in
            let report = FileManager.default.temporaryDirectory.appendingPathComponent("st-\(UUID().uuidString).txt")
            let status = try await Self.run(
                st,
                [
                    "run", url + "/openapi.json", "--checks", "all", "--mode", "all", "--max-examples", "60", "--seed",
                    "20261201",
                    // One worker: hypothesis 6.x on CPython 3.11 can fail with "AST constructor recursion depth
                    // mismatch" when two threads describe filters at once (a tool error, not a finding).
                    "--workers", "1", "--request-timeout", "30", "--suppress-health-check", "all", "--no-color",
                ], output: report)
            let output = (try? String(contentsOf: report, encoding: .utf8)) ?? ""
            #expect(status == 0, "schemathesis reported failures:\n\(output.suffix(6000))")
            try? FileManager.default.removeItem(at: report)
        }
    }

    static func which(_ name: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let path = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// Runs a child to its end without blocking the cooperative pool (the server under test runs on it).
    static func run(_ executable: String, _ arguments: [String], output: URL) async throws -> Int32 {
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        defer { try? handle.close() }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        // schemathesis keeps a `.schemathesis/` cache in its working directory: not in the repository.
        p.currentDirectoryURL = output.deletingLastPathComponent()
        p.standardOutput = handle
        p.standardError = handle
        try p.run()
        while p.isRunning { try await Task.sleep(for: .milliseconds(200)) }
        return p.terminationStatus
    }
}
