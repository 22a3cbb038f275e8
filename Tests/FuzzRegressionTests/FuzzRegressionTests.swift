import ESCOCore
import ESCOFuzzTargets
import ESCOStandIns
import Foundation
import Testing

/// Replays every fuzz seed (Tests/FuzzCorpus/seeds/TARGET) and every input a fuzzer once crashed on
/// (Tests/FuzzCorpus/regressions/TARGET)
/// through the same `FuzzTarget.run` the libFuzzer harness calls. A regression returning at all is the test:
/// before its fix, each one trapped (the process dies and the suite fails).
@Suite struct FuzzRegressionTests {
    static let fuzzRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("FuzzCorpus")

    static func inputs(_ kind: String, _ target: FuzzTarget) -> [URL] {
        let dir = fuzzRoot.appendingPathComponent(kind).appendingPathComponent(target.rawValue)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.sorted().filter { !$0.hasPrefix(".") }.map { dir.appendingPathComponent($0) }
    }

    @Test(arguments: FuzzTarget.allCases)
    func seedsRun(target: FuzzTarget) throws {
        let seeds = Self.inputs("seeds", target)
        #expect(!seeds.isEmpty, "Tests/FuzzCorpus/seeds/\(target.rawValue) has no seed inputs")
        for url in seeds { target.run(Array(try Data(contentsOf: url))) }
    }

    @Test(arguments: FuzzTarget.allCases)
    func regressionsRun(target: FuzzTarget) throws {
        for url in Self.inputs("regressions", target) { target.run(Array(try Data(contentsOf: url))) }
    }

    /// Found while writing the standin-http target (by reading, before fuzzing): a negative chunk size made the
    /// parser slice backwards, a trap.
    @Test func negativeChunkSizeIsA400() {
        let request = "POST /v1/batch/objects HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\nabc\r\n0\r\n\r\n"
        let (requests, error) = HTTPRequest.parseAll(Array(request.utf8))
        #expect(requests.isEmpty && error == "malformed chunk size")
    }

    @Test func standInParserReadsPipelinedRequests() {
        let text =
            "GET /v1/meta HTTP/1.1\r\nHost: x\r\n\r\nPOST /v1/graphql?a=b HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}"
        let (requests, error) = HTTPRequest.parseAll(Array(text.utf8))
        #expect(error == nil)
        #expect(requests.map(\.path) == ["/v1/meta", "/v1/graphql"] && requests[1].body == Array("{}".utf8))
    }
}
