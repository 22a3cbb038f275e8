import ESCOStandIns
import Foundation
import TestSupport
import Testing

/// The replicated stand-in: writes reach `level` replicas at once and the rest after the lag; reads at ONE may be
/// stale, reads at QUORUM and ALL see every acknowledged QUORUM write and repair the replicas they asked.
@Suite struct WeaviateClusterTests {
    /// A 3-node cluster with a lag far longer than any test step, so "not yet replicated" is certain.
    static func withCluster(lagMs: Int = 60_000, _ body: (WeaviateCluster) throws -> Void) throws {
        let cluster = try WeaviateCluster(options: .init(replicas: 3, lagMs: lagMs))
        defer { cluster.stop() }
        try body(cluster)
    }

    static func label(_ url: String, _ n: Int, level: String) throws -> String? {
        let r = try call(url, "GET", "/v1/objects/Skill/\(id(n))?consistency_level=\(level)")
        guard r.status == 200 else { return nil }
        return dict(dict(r.json)["properties"])["preferredLabel"] as? String
    }

    static func write(_ url: String, _ n: Int, label: String, level: String) throws {
        let r = try call(
            url, "POST", "/v1/batch/objects?consistency_level=\(level)", ["objects": [skill(n, label: label)]])
        #expect(r.status == 200)
        #expect(dict(list(r.json).first)["result"].map { dict($0)["errors"] == nil } == true)
    }

    @Test func schemaReachesEveryNodeAtOnce() throws {
        try Self.withCluster { c in
            #expect(try call(c.urls[1], "POST", "/v1/schema", skillClass).status == 200)
            for url in c.urls {
                let classes = list(dict(try call(url, "GET", "/v1/schema").json)["classes"])
                #expect(classes.compactMap { dict($0)["class"] as? String } == ["Skill"], "\(url)")
            }
        }
    }

    @Test func aWriteAtOneIsInvisibleToAReadAtOneOnAnotherNode() throws {
        try Self.withCluster { c in
            _ = try call(c.urls[0], "POST", "/v1/schema", skillClass)
            try Self.write(c.urls[0], 1, label: "first", level: "ONE")
            #expect(try Self.label(c.urls[0], 1, level: "ONE") == "first")
            #expect(try Self.label(c.urls[1], 1, level: "ONE") == nil)
            #expect(try Self.label(c.urls[2], 1, level: "ONE") == nil)
        }
    }

    @Test func quorumWritesAndQuorumReadsAlwaysMeet() throws {
        try Self.withCluster { c in
            _ = try call(c.urls[0], "POST", "/v1/schema", skillClass)
            try Self.write(c.urls[0], 1, label: "from node 0", level: "QUORUM")  // nodes 0, 1
            // Update times are milliseconds, and replicas agreeing on the time agree whatever their content (as in
            // Weaviate): the second write must be a later millisecond to be the newer one.
            usleep(3_000)
            try Self.write(c.urls[1], 1, label: "from node 1", level: "QUORUM")  // nodes 1, 2 (newer)
            // Node 2 at ONE holds the newer version; node 0 at ONE still the older one.
            #expect(try Self.label(c.urls[0], 1, level: "ONE") == "from node 0")
            // Every quorum read set meets the newest write, and the newest update time wins.
            for url in c.urls { #expect(try Self.label(url, 1, level: "QUORUM") == "from node 1", "\(url)") }
        }
    }

    @Test func aQuorumReadRepairsTheStaleReplicaItAsked() throws {
        try Self.withCluster { c in
            _ = try call(c.urls[0], "POST", "/v1/schema", skillClass)
            try Self.write(c.urls[1], 7, label: "v1", level: "QUORUM")  // nodes 1, 2; node 0 lags
            #expect(try Self.label(c.urls[0], 7, level: "ONE") == nil)
            #expect(try Self.label(c.urls[0], 7, level: "QUORUM") == "v1")  // asks nodes 0, 1; repairs node 0
            #expect(try Self.label(c.urls[0], 7, level: "ONE") == "v1")
        }
    }

    @Test func lateReplicasConvergeAfterTheLag() async throws {
        let cluster = try WeaviateCluster(options: .init(replicas: 3, lagMs: 300))
        defer { cluster.stop() }
        let urls = cluster.urls
        _ = try call(urls[0], "POST", "/v1/schema", skillClass)
        try Self.write(urls[0], 3, label: "eventually", level: "ONE")
        #expect(try Self.label(urls[2], 3, level: "ONE") == nil)
        let converged = await e2ePoll(timeout: 20) { () -> Bool? in
            try urls.allSatisfy { try Self.label($0, 3, level: "ONE") == "eventually" } ? true : nil
        }
        #expect(converged == true)
        #expect(Set(cluster.objectCounts().map { $0["Skill"] ?? 0 }) == [1])
    }

    @Test func anUnknownConsistencyLevelIsRefused() throws {
        try Self.withCluster { c in
            _ = try call(c.urls[0], "POST", "/v1/schema", skillClass)
            let r = try call(c.urls[0], "GET", "/v1/objects/Skill/\(id(1))?consistency_level=MOST")
            #expect(r.status == 400)
        }
    }
}
