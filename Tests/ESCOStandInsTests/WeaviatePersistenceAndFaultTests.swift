import ESCOStandIns
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Weaviate stand-in persistence and faults")
struct WeaviatePersistenceAndFaultTests {
    func write(_ url: String) throws {
        try call(url, "POST", "/v1/schema", skillClass)
        try call(
            url, "POST", "/v1/batch/objects",
            ["objects": (1...5).map { skill($0, label: "s\($0)", vector: [Double($0), 0.25, -1]) }])
        try call(
            url, "POST", "/v1/batch/references",
            [
                [
                    "from": "weaviate://localhost/Skill/\(id(1))/broaderSkills",
                    "to": "weaviate://localhost/Skill/\(id(2))",
                ],
                [
                    "from": "weaviate://localhost/Skill/\(id(1))/broaderSkills",
                    "to": "weaviate://localhost/Skill/\(id(3))",
                ],
            ])
        try call(url, "POST", "/v1/schema/Skill/properties", ["name": "extra", "dataType": ["text"]])
        try call(url, "DELETE", "/v1/objects/Skill/\(id(5))")
    }

    func verify(_ url: String) throws {
        let c = dict(try call(url, "GET", "/v1/schema/Skill").json)
        #expect(list(c["properties"]).count == 7)
        let page = list(dict(try call(url, "GET", "/v1/objects?class=Skill&include=vector").json)["objects"]).map(dict)
            .filter { $0["id"] as? String != id(9) }
        #expect(page.map { $0["id"] as? String } == [id(1), id(2), id(3), id(4)])
        #expect((page[2]["vector"] as? [Double]) == [3, 0.25, -1])
        let refs = list(dict(page[0]["properties"])["broaderSkills"]).map { dict($0)["beacon"] as? String }
        #expect(refs == ["weaviate://localhost/Skill/\(id(2))", "weaviate://localhost/Skill/\(id(3))"])
    }

    @Test func restartInProcessKeepsEverything() async throws {
        try await withTemporaryDirectory { dir in
            try await withWeaviateStandIn(.init(dataDirectory: dir)) { (url: String) async throws in try write(url) }
            try await withWeaviateStandIn(.init(dataDirectory: dir)) { (url: String) async throws in try verify(url) }
            // A second restart after a snapshot-only start must not duplicate references.
            try await withWeaviateStandIn(.init(dataDirectory: dir)) { (url: String) async throws in try verify(url) }
        }
    }

    @Test func sigkilledProcessRecoversFromLogIncludingTornLine() async throws {
        try await withTemporaryDirectory { dir in
            let p = try StandInProcess(arguments: ["weaviate", "--port", "0", "--data-dir", dir.path])
            try write(p.url)
            p.send(SIGKILL)
            #expect(try p.waitForExit() == SIGKILL || p.process.terminationReason == .uncaughtSignal)
            // A torn final line, as a kill in the middle of a write would leave.
            let wal = dir.appendingPathComponent("wal-0.jsonl")
            let h = try FileHandle(forWritingTo: wal)
            h.seekToEndOfFile()
            h.write(Data("{\"op\":\"putObject\",\"obj".utf8))
            try h.close()
            let q = try StandInProcess(arguments: ["weaviate", "--port", "0", "--data-dir", dir.path])
            try verify(q.url)
            // Appends after the torn line still replay.
            try call(q.url, "POST", "/v1/batch/objects", ["objects": [skill(9, label: "after")]])
            q.send(SIGKILL)
            _ = try q.waitForExit()
            let r = try StandInProcess(arguments: ["weaviate", "--port", "0", "--data-dir", dir.path])
            #expect(try call(r.url, "GET", "/v1/objects/Skill/\(id(9))").status == 200)
            try verify(r.url)
            r.send(SIGTERM)
            #expect(try r.waitForExit() == 0)
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("snapshot.jsonl").path))
        }
    }

    @Test func createWindowLetsConcurrentCreatesBothSucceed() async throws {
        func race(_ url: String) -> [Int] {
            let statuses = LockedArray()
            onThreads(2) { n in
                let s = (try? call(url, "POST", "/v1/objects", skill(1, label: "racer \(n)")).status) ?? -1
                statuses.append(s)
            }
            return statuses.values.sorted()
        }
        try await withWeaviateStandIn(.init(faults: Faults(createWindowMs: 300))) { (url: String) async throws in
            try call(url, "POST", "/v1/schema", skillClass)
            #expect(race(url) == [200, 200])
        }
        // Without the window the check and the write are still two steps, as in Weaviate (usecases/objects/add.go
        // checks `Exists`, then puts), so two truly concurrent creates may both pass on a loaded machine; a create
        // after the first has answered is always refused.
        try await withWeaviateStandIn { (url: String) async throws in
            try call(url, "POST", "/v1/schema", skillClass)
            #expect(try call(url, "POST", "/v1/objects", skill(1, label: "first")).status == 200)
            #expect(try call(url, "POST", "/v1/objects", skill(1, label: "second")).status == 422)
        }
    }

    @Test func errorRateIsRoughlyHonouredAndReproducible() async throws {
        func run() async throws -> [Int] {
            try await withWeaviateStandIn(.init(faults: Faults(errorRate: 0.3, seed: 42))) {
                (url: String) async throws in
                try (0..<200).map { _ in try call(url, "GET", "/v1/schema").status }
            }
        }
        let a = try await run()
        let failures = a.filter { $0 >= 500 }.count
        #expect((40...80).contains(failures), "\(failures) of 200 failed")
        #expect(Set(a.filter { $0 >= 500 }).isSubset(of: [500, 503]))
        #expect(try await run() == a)
    }

    @Test func dropFaultClosesConnectionsAndRuntimeFaultControl() async throws {
        try await withWeaviateStandIn { (url: String) async throws in
            try call(url, "POST", "/v1/schema", skillClass)
            try call(url, "POST", "/_standin/faults", ["dropRate": 1.0])
            #expect(throws: RawHTTPError.self) { try call(url, "GET", "/v1/schema") }
            // Drops happen both before and after the write is applied.
            for n in 1...20 { _ = try? call(url, "POST", "/v1/batch/objects", ["objects": [skill(n, label: "d")]]) }
            let applied = dict(dict(try call(url, "GET", "/_standin/stats").json)["objects"])["Skill"] as? Int ?? -1
            #expect((1...19).contains(applied), "\(applied) of 20 dropped writes were applied")
            #expect(dict(try call(url, "GET", "/_standin/faults").json)["dropRate"] as? Double == 1)
            // Well-known endpoints are never faulted.
            #expect(try call(url, "GET", "/v1/.well-known/ready").status == 200)
            try call(url, "POST", "/_standin/faults", ["dropRate": 0, "latencyMs": 50])
            let t0 = Date()
            #expect(try call(url, "GET", "/v1/schema").status == 200)
            #expect(Date().timeIntervalSince(t0) >= 0.05)
            #expect(try call(url, "POST", "/_standin/faults", ["errorRate": 2]).status == 422)
        }
    }

    @Test func readinessDelay() async throws {
        try await withWeaviateStandIn(.init(faults: Faults(readinessDelayMs: 300))) { (url: String) async throws in
            #expect(try call(url, "GET", "/v1/.well-known/ready").status == 503)
            #expect(try call(url, "GET", "/v1/.well-known/live").status == 200)
            try await Task.sleep(for: .milliseconds(350))
            #expect(try call(url, "GET", "/v1/.well-known/ready").status == 200)
        }
    }

    @Test func exitAfterWritesInProcessStopsServing() async throws {
        try await withWeaviateStandIn(.init(faults: Faults(exitAfterWrites: 2))) { (url: String) async throws in
            #expect(try call(url, "POST", "/v1/schema", skillClass).status == 200)
            #expect(try call(url, "POST", "/v1/objects", skill(1, label: "a")).status == 200)
            #expect(throws: (any Error).self) { try call(url, "GET", "/v1/objects/Skill/\(id(1))") }
        }
    }

    @Test func exitAfterWritesMakesTheBinaryExit3() async throws {
        try await withTemporaryDirectory { dir in
            let p = try StandInProcess(arguments: [
                "weaviate", "--port", "0", "--data-dir", dir.path, "--exit-after-writes", "2",
            ])
            #expect(try call(p.url, "POST", "/v1/schema", skillClass).status == 200)
            #expect(try call(p.url, "POST", "/v1/batch/objects", ["objects": [skill(1, label: "a")]]).status == 200)
            #expect(try p.waitForExit() == 3)
            // The acknowledged writes survived the crash.
            let q = try StandInProcess(arguments: ["weaviate", "--port", "0", "--data-dir", dir.path])
            #expect(try call(q.url, "GET", "/v1/objects/Skill/\(id(1))").status == 200)
            q.terminate()
        }
    }
}

final class LockedArray: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Int] = []
    func append(_ v: Int) { lock.lock(); items.append(v); lock.unlock() }
    var values: [Int] { lock.lock(); defer { lock.unlock() }; return items }
}
