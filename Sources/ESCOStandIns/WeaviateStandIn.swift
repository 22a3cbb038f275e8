public import ESCOCore
public import Foundation
import Logging
import Synchronization

/// An HTTP server that answers like Weaviate 1.32 for the REST and GraphQL subset esco-stack uses
/// (docs/weaviate-compat.md, docs/ARCHITECTURE.md#stand-ins), with persistence to a directory and fault injection.
public final class WeaviateStandIn: Sendable {
    /// How to run the stand-in.
    public struct Options: Sendable {
        public var host: String
        /// 0 picks a free port; read `port` or `url` after start.
        public var port: Int
        /// Where the snapshot and write-ahead log live; nil keeps everything in memory.
        public var dataDirectory: URL?
        /// When set, every `/v1` request needs `Authorization: Bearer <apiKey>`.
        public var apiKey: String?
        public var faults: Faults
        /// QUERY_DEFAULTS_LIMIT, QUERY_DEFAULTS_LIMIT_GRAPHQL and QUERY_MAXIMUM_RESULTS, as Weaviate reads them.
        public var queryLimits: QueryLimits
        /// How long a keep-alive connection may sit idle before the server closes it (Weaviate: the go-swagger
        /// server's `--cleanup-timeout`, 10 s, becomes `http.Server.IdleTimeout`).
        public var idleTimeoutSeconds: Double
        /// Called once the `exitAfterWrites`-th write has been answered (the executable exits 3).
        public var onExitAfterWrites: (@Sendable () -> Void)?
        /// Weaviate's `REPLICATION_MINIMUM_FACTOR` (default 1): classes get it when they send no factor, and a
        /// smaller factor is refused.
        public var replicationMinimumFactor = 1
        /// Nodes the modelled cluster has for placing a class's replicas (schema checks only; data is not replicated).
        public var clusterNodes = 1

        public init(
            host: String = "127.0.0.1", port: Int = 0, dataDirectory: URL? = nil, apiKey: String? = nil,
            faults: Faults = Faults(), queryLimits: QueryLimits = QueryLimits(), idleTimeoutSeconds: Double = 10,
            onExitAfterWrites: (@Sendable () -> Void)? = nil
        ) {
            self.host = host
            self.port = port
            self.dataDirectory = dataDirectory
            self.apiKey = apiKey
            self.faults = faults
            self.queryLimits = queryLimits
            self.idleTimeoutSeconds = idleTimeoutSeconds
            self.onExitAfterWrites = onExitAfterWrites
        }
    }

    struct Control {
        var faults: Faults
        var random: SplitMix64
        var writes = 0
        var halted = false
        var stopped = false
    }

    struct Stats {
        var routes: [String: Int] = [:]
        var total = 0
    }

    let options: Options
    let store: Mutex<WeaviateStore>
    let control: Mutex<Control>
    let stats = Mutex(Stats())
    /// Set when this node is one of a `WeaviateCluster`'s: requests are then coordinated across its replicas.
    let replication = Mutex<ReplicationLink?>(nil)
    let startedAt = Date()
    let logger = Logger(label: "esco.standin.weaviate")
    private let server: Mutex<HTTPServer?> = Mutex(nil)

    /// The bound port.
    public let port: Int
    public var url: String { "http://\(options.host):\(port)" }

    /// Loads the data directory, binds and starts serving.
    public init(options: Options) throws {
        self.options = options
        let loaded = try WeaviateStore(directory: options.dataDirectory)
        store = Mutex(loaded)
        control = Mutex(Control(faults: options.faults, random: SplitMix64(seed: options.faults.seed)))
        let box = HandlerBox()
        let http = try HTTPServer(
            host: options.host, port: options.port, idleTimeoutSeconds: options.idleTimeoutSeconds
        ) { box.handle($0) }
        port = http.port
        box.target = self
        server.withLock { $0 = http }
        http.start()
        logger.debug("weaviate stand-in listening", metadata: ["url": "\(url)"])
    }

    /// Stops serving, then writes a snapshot and closes the log. Idempotent.
    public func stop() {
        let first = control.withLock { c -> Bool in
            defer { c.stopped = true }
            return !c.stopped
        }
        server.withLock { $0 }?.stop()
        guard first else { return }
        store.withLock { s in
            do { try s.compact() } catch { logger.error("snapshot failed", metadata: ["error": "\(error)"]) }
            s.closeLog()
        }
    }

    /// Replaces the fault settings at runtime (the dice are re-seeded when the seed changes).
    public func setFaults(_ faults: Faults) {
        control.withLock { c in
            if c.faults.seed != faults.seed { c.random = SplitMix64(seed: faults.seed) }
            c.faults = faults
        }
    }

    public var faults: Faults { control.withLock { $0.faults } }

    /// Objects per class, as `/_standin/stats` reports.
    public func objectCounts() -> [String: Int] { store.withLock { $0.objects.mapValues(\.count) } }

    // MARK: request pipeline

    func handle(_ req: HTTPRequest) -> HTTPResponse? {
        let segs = req.segments
        if segs.first == "_standin" { return handleControl(req, segs) }
        let template = Self.routeTemplate(req.method, segs)
        stats.withLock { s in
            s.total += 1
            s.routes[template, default: 0] += 1
        }
        guard segs.first == "v1" else { return .weaviateError(404, "path \(req.path) was not found") }
        if segs.count >= 2, segs[1] == ".well-known" { return wellKnown(segs) }
        if let denied = authenticate(req) { return denied }
        // Fault dice, rolled under one lock so a seed gives one reproducible sequence.
        let (faults, fail, failStatus, drop, dropAfter, halted) = control.withLock { c in
            let f = c.faults
            let fail = f.errorRate > 0 && c.random.nextUnit() < f.errorRate
            let status = fail ? (c.random.next() % 2 == 0 ? 500 : 503) : 0
            let drop = !fail && f.dropRate > 0 && c.random.nextUnit() < f.dropRate
            let after = drop && c.random.next() % 2 == 0
            return (f, fail, status, drop, after, c.halted)
        }
        if halted { return nil }
        if faults.latencyMs > 0 { usleep(UInt32(faults.latencyMs) * 1000) }
        if fail { return .weaviateError(failStatus, "stand-in injected fault: simulated server error") }
        if drop && !dropAfter { return nil }
        let link = replication.withLock { $0 }
        let response = link.flatMap { l in l.cluster?.coordinate(req, segs, on: l.index) } ?? route(req, segs)
        if drop { return nil }
        countWrite(req, response)
        return response
    }

    private func countWrite(_ req: HTTPRequest, _ response: HTTPResponse) {
        guard ["POST", "PUT", "PATCH", "DELETE"].contains(req.method), req.path != "/v1/graphql",
            (200..<300).contains(response.status)
        else { return }
        let trigger = control.withLock { c -> Bool in
            c.writes += 1
            guard let limit = c.faults.exitAfterWrites, c.writes >= limit, !c.halted else { return false }
            c.halted = true
            return true
        }
        guard trigger else { return }
        logger.warning(
            "exit-after-writes reached; no longer serving", metadata: ["writes": "\(faults.exitAfterWrites ?? 0)"])
        if let hook = options.onExitAfterWrites {
            // Let this response reach the client first: the write was acknowledged, then the process dies.
            Thread.detachNewThread {
                usleep(20_000)
                hook()
            }
        } else {
            server.withLock { $0 }?.closeListener()
        }
    }

    private func wellKnown(_ segs: [String]) -> HTTPResponse {
        switch segs.count == 3 ? segs[2] : "" {
        case "ready":
            let delay = Double(faults.readinessDelayMs) / 1000
            return Date().timeIntervalSince(startedAt) < delay ? .empty(503) : .empty(200)
        case "live": return .empty(200)
        case "openid-configuration": return .weaviateError(404, "OIDC is not configured")
        default: return .weaviateError(404, "not found")
        }
    }

    /// API key check. An anonymous Weaviate cannot validate a bearer token, so it rejects it.
    private func authenticate(_ req: HTTPRequest) -> HTTPResponse? {
        let auth = req.header("authorization")
        let bearer = auth.flatMap { $0.lowercased().hasPrefix("bearer ") ? String($0.dropFirst(7)) : nil }
        if let key = options.apiKey {
            if bearer == key { return nil }
            return .json(401, ["code": 401, "message": "unauthorized: invalid api key"])
        }
        if bearer != nil {
            return .json(
                401,
                ["code": 401, "message": "anonymous access not enabled: no OIDC or API key authentication configured"])
        }
        return nil
    }

    static func routeTemplate(_ method: String, _ s: [String]) -> String {
        var t: [String] = []
        for (i, seg) in s.enumerated() {
            if i >= 2, s[1] == "objects" {
                t.append(i == 2 && !ObjectID.isUUID(seg) ? "{className}" : "{id}")
            } else if i == 2, s[1] == "schema" {
                t.append("{className}")
            } else if i == 2, s[1] == "aliases" {
                t.append("{aliasName}")
            } else {
                t.append(seg)
            }
        }
        return "\(method) /" + t.joined(separator: "/")
    }

    func route(_ req: HTTPRequest, _ s: [String]) -> HTTPResponse {
        let m = req.method == "HEAD" ? "GET" : req.method
        switch (m, s.count > 1 ? s[1] : "", s.count) {
        case ("GET", "meta", 2):
            return .json(200, ["hostname": "http://[::]:8080", "version": "1.32.0", "modules": [:]])
        case ("GET", "schema", 2): return getSchema()
        case ("POST", "schema", 2): return createClass(req)
        case ("GET", "schema", 3): return getClass(s[2])
        case ("DELETE", "schema", 3): return deleteClass(s[2])
        case ("POST", "schema", 4) where s[3] == "properties": return addProperty(s[2], req)
        case ("POST", "objects", 2): return createObject(req)
        case ("GET", "objects", 2): return listObjects(req)
        case (_, "objects", 4): return objectByID(req, className: s[2], id: s[3].lowercased())
        case (_, "objects", 3) where ObjectID.isUUID(s[2]):
            return .weaviateError(422, "class name is required: use /v1/objects/{className}/{id}")
        case ("POST", "batch", 3) where s[2] == "objects": return batchObjects(req)
        case ("POST", "batch", 3) where s[2] == "references": return batchReferences(req)
        case ("POST", "graphql", 2): return graphQL(req)
        case (_, "aliases", 2...3): return routeAliases(req, m, s)
        default:
            return .weaviateError(
                m == "GET" || m == "HEAD" ? 404 : 405, "path \(req.path) was not found for method \(m)")
        }
    }

    // MARK: control endpoints (never faulted, never authenticated)

    private func handleControl(_ req: HTTPRequest, _ s: [String]) -> HTTPResponse {
        switch (req.method, s.count > 1 ? s[1] : "") {
        case ("GET", "faults"): return .json(200, faults.json)
        case ("POST", "faults"):
            do {
                let f = try faults.merged(with: try JSONCodec.parse(req.body))
                setFaults(f)
                return .json(200, f.json)
            } catch {
                return .weaviateError(422, "\(error)")
            }
        case ("GET", "stats"):
            let s = stats.withLock { $0 }
            let counts = objectCounts()
            return .json(
                200,
                [
                    "totalRequests": .number(Double(s.total)),
                    "requests": .object(s.routes.mapValues { .number(Double($0)) }),
                    "objects": .object(counts.mapValues { .number(Double($0)) }),
                    "totalObjects": .number(Double(counts.values.reduce(0, +))),
                    "writes": .number(Double(control.withLock { $0.writes })),
                ])
        case ("POST", "reset-stats"):
            stats.withLock { $0 = Stats() }
            return .empty(204)
        default: return .weaviateError(404, "unknown stand-in control path \(req.path)")
        }
    }
}

/// Breaks the init-order cycle: the server needs a handler before the stand-in is fully built.
private final class HandlerBox: @unchecked Sendable {
    weak var target: WeaviateStandIn?
    func handle(_ r: HTTPRequest) -> HTTPResponse? {
        // A nil answer means "drop the connection"; only a missing target is a 503.
        guard let target else { return .empty(503) }
        return target.handle(r)
    }
}
