public import ESCOStandIns
public import Foundation

/// Runs `body` with an in-process Weaviate stand-in on 127.0.0.1 (port 0 unless set); stops it after.
public func withWeaviateStandIn<T>(
    _ options: WeaviateStandIn.Options = .init(), _ body: (_ url: String) async throws -> T
) async throws -> T {
    let server = try WeaviateStandIn(options: options)
    defer { server.stop() }
    return try await body(server.url)
}

/// Like `withWeaviateStandIn(_:_:)` but hands over the server itself (faults, stats, restart tests).
public func withWeaviateStandInServer<T>(
    _ options: WeaviateStandIn.Options = .init(), _ body: (_ server: WeaviateStandIn) async throws -> T
) async throws -> T {
    let server = try WeaviateStandIn(options: options)
    defer { server.stop() }
    return try await body(server)
}

/// Runs `body` with an in-process text2vec-transformers stand-in; stops it after.
public func withVectorizerStandIn<T>(
    _ options: VectorizerStandIn.Options = .init(), _ body: (_ url: String) async throws -> T
) async throws -> T {
    let server = try VectorizerStandIn(options: options)
    defer { server.stop() }
    return try await body(server.url)
}

/// A fresh temporary directory, removed after `body`.
public func withTemporaryDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("esco-standin-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    return try await body(dir)
}

/// An in-process replicated Weaviate stand-in (`WeaviateCluster`) for black-box tests that need only its nodes' URLs
/// and per-node counts; stop it when done.
public final class ClusterStandIn: Sendable {
    let cluster: WeaviateCluster

    init(_ cluster: WeaviateCluster) { self.cluster = cluster }

    public static func start(replicas: Int, lagMs: Int) throws -> ClusterStandIn {
        ClusterStandIn(try WeaviateCluster(options: .init(replicas: replicas, lagMs: lagMs)))
    }

    public var urls: [String] { cluster.urls }
    /// Objects per class on each node's replica.
    public func objectCounts() -> [[String: Int]] { cluster.objectCounts() }
    public func stop() { cluster.stop() }
}
