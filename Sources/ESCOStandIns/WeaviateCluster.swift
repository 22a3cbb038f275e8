public import ESCOCore
public import Foundation
import Synchronization

/// Several stand-in nodes, each holding a replica of every object, modelled on Weaviate 1.32's replication
/// (`usecases/replica/`): the node a request reaches coordinates it.
///
/// - Schema changes go through Raft in Weaviate: every node applies them before the answer.
/// - An object write (objects and batch endpoints) at level L is applied to the coordinator's replica and the next
///   L-1 nodes in ring order before the answer (`coordinator.Push`: broadcast, wait for L acks), and reaches the
///   remaining replicas `lagMs` later, in the order sent, each overwriting what it holds (no timestamp check).
/// - An object read at level L asks the coordinator and the next L-1 nodes (`coordinator.Pull`), votes by update
///   time (`finder_stream.readOne`: replicas agreeing on the time agree, whatever their content), and when they
///   disagree picks the first with the newest time and writes it over the others (`repairer.repairOne`); the answer
///   comes from the coordinator's replica, repaired first. A replica without the object votes with time 0.
/// - GraphQL and object lists read the coordinator's replica only.
/// The level is the request's `consistency_level` (ONE, QUORUM, ALL), QUORUM when absent, as Weaviate defaults it
/// for object reads and writes (`defaultConsistency` in adapters/repos/db/index.go; searches default to ONE). Give each client a different node URL to model clients landing on different nodes.
public final class WeaviateCluster: Sendable {
    public struct Options: Sendable {
        public var replicas: Int
        /// Delay before a write reaches the replicas outside its consistency level.
        public var lagMs: Int
        /// Settings for every node; `dataDirectory`, when set, gets one `node-<i>` folder per node, and node i listens
        /// on `port + i` (every node on a free port when `port` is 0).
        public var node: WeaviateStandIn.Options

        public init(replicas: Int = 3, lagMs: Int = 0, node: WeaviateStandIn.Options = .init()) {
            self.replicas = replicas
            self.lagMs = lagMs
            self.node = node
        }
    }

    public let nodes: [WeaviateStandIn]
    public let lagMs: Int
    public var urls: [String] { nodes.map(\.url) }
    let schemaLock = Mutex(())
    let deliveries: DelayedDeliveries

    public init(options: Options) throws {
        precondition(options.replicas >= 1, "a cluster has at least one node")
        var nodes: [WeaviateStandIn] = []
        for i in 0..<options.replicas {
            var o = options.node
            o.dataDirectory = options.node.dataDirectory?.appendingPathComponent("node-\(i)")
            o.port = options.node.port == 0 ? 0 : options.node.port + i
            // A replication factor up to the number of nodes can be placed.
            o.clusterNodes = max(o.clusterNodes, options.replicas)
            nodes.append(try WeaviateStandIn(options: o))
        }
        self.nodes = nodes
        lagMs = options.lagMs
        deliveries = DelayedDeliveries()
        for (i, n) in nodes.enumerated() { n.replication.withLock { $0 = ReplicationLink(cluster: self, index: i) } }
    }

    /// Stops every node; writes still in flight to lagging replicas are lost, as with a crashed cluster.
    public func stop() {
        deliveries.stop()
        for n in nodes { n.stop() }
    }

    /// Objects per class on each node's replica, for tests that check convergence.
    public func objectCounts() -> [[String: Int]] { nodes.map { $0.objectCounts() } }

    /// Number of replicas a level asks: ONE 1, QUORUM n/2+1, ALL n (`types.ConsistencyLevel` in Weaviate).
    func count(forLevel level: String?) -> Int? {
        let n = nodes.count
        switch level ?? "QUORUM" {
        case "ONE": return 1
        case "QUORUM": return n / 2 + 1
        case "ALL": return n
        default: return nil
        }
    }

    /// Ring order from `coordinator`: itself first.
    func ring(from coordinator: Int) -> [Int] { (0..<nodes.count).map { (coordinator + $0) % nodes.count } }

    // MARK: coordination

    func coordinate(_ req: HTTPRequest, _ segs: [String], on coordinator: Int) -> HTTPResponse {
        let node = nodes[coordinator]
        let method = req.method == "HEAD" ? "GET" : req.method
        let area = segs.count > 1 ? segs[1] : ""
        // Alias changes are Raft schema commands too (cluster/raft_alias_apply_endpoints.go).
        if area == "schema" || area == "aliases", method != "GET" {
            return schemaLock.withLock { _ in
                let response = node.route(req, segs)
                if (200..<300).contains(response.status) {
                    for i in ring(from: coordinator).dropFirst() { _ = nodes[i].route(req, segs) }
                }
                return response
            }
        }
        guard area == "objects" || area == "batch" else { return node.route(req, segs) }
        guard let level = count(forLevel: req.query["consistency_level"]) else {
            // adapters/handlers/rest/handlers_objects.go getConsistencyLevel; every objects and batch handler: 400.
            return .weaviateError(
                400,
                "unrecognized consistency level '\(req.query["consistency_level"] ?? "")', "
                    + "try one of the following: ['ONE', 'QUORUM', 'ALL']")
        }
        if method == "GET" {
            if segs.count == 4 {
                // The class as `objectByID` resolves it: GET upper-cases its first letter, HEAD does not.
                let named = req.method == "GET" ? SchemaRules.uppercaseFirst(segs[2]) : segs[2]
                let className = node.resolvingAlias(named)
                repair(className: className, id: segs[3].lowercased(), level: level, from: coordinator)
            }
            return node.route(req, segs)
        }
        let response = node.route(req, segs)
        guard (200..<300).contains(response.status) else { return response }
        let written = Self.writtenKeys(req, segs, response) { name in
            node.resolvingAlias(req.method == "DELETE" ? SchemaRules.uppercaseFirst(name) : name)
        }
        replicate(written, level: level, from: coordinator)
        return response
    }

    /// The objects a successful write touched, as (class, id); `resolve` turns a path's class (maybe an alias) into
    /// the class written. Bodies of answers already carry the target class.
    static func writtenKeys(
        _ req: HTTPRequest, _ segs: [String], _ response: HTTPResponse, resolve: (String) -> String
    ) -> [ObjectKey] {
        if segs.count == 4, segs[1] == "objects" {
            return [ObjectKey(className: resolve(segs[2]), id: segs[3].lowercased())]
        }
        if segs.count == 2, segs[1] == "objects", let o = try? JSONCodec.parse(response.body),
            let c = o["class"]?.stringValue, let id = o["id"]?.stringValue
        {
            return [ObjectKey(className: c, id: id)]
        }
        if segs.count == 3, segs[2] == "objects", let items = try? JSONCodec.parse(response.body).arrayValue {
            return items.compactMap { item in
                guard item["result"]?["errors"] == nil, let c = item["class"]?.stringValue,
                    let id = item["id"]?.stringValue
                else { return nil }
                return ObjectKey(className: c, id: id.lowercased())
            }
        }
        if segs.count == 3, segs[2] == "references", let items = try? JSONCodec.parse(req.body).arrayValue {
            // from: weaviate://localhost/{Class}/{id}/{property}
            return items.compactMap { item in
                guard let from = item["from"]?.stringValue else { return nil }
                let parts = from.split(separator: "/").map(String.init)
                guard parts.count >= 5 else { return nil }
                return ObjectKey(className: parts[2], id: parts[3].lowercased())
            }
        }
        return []
    }

    /// Sends the coordinator's versions of `keys` to the next `level - 1` replicas now and to the rest after the lag.
    func replicate(_ keys: [ObjectKey], level: Int, from coordinator: Int) {
        guard !keys.isEmpty, nodes.count > 1 else { return }
        let versions = nodes[coordinator].replicaVersions(keys)
        for (k, target) in ring(from: coordinator).enumerated().dropFirst() {
            if k < level {
                nodes[target].overwriteReplica(keys, versions)
            } else {
                let node = nodes[target]
                deliveries.schedule(afterMs: lagMs) { node.overwriteReplica(keys, versions) }
            }
        }
    }

    /// Read repair of one object over the replicas a read at `level` asks.
    func repair(className: String, id: String, level: Int, from coordinator: Int) {
        let key = ObjectKey(className: className, id: id)
        let asked = Array(ring(from: coordinator).prefix(level))
        let votes = asked.map { (node: $0, version: nodes[$0].replicaVersions([key])[0]) }
        let times = votes.map { $0.version?.updated ?? 0 }
        guard Set(times).count > 1 else { return }  // agreement by update time: nothing to repair
        var winner = 0
        for (i, t) in times.enumerated() where t > times[winner] { winner = i }
        let newest = votes[winner].version
        for (i, vote) in votes.enumerated() where times[i] != times[winner] {
            nodes[vote.node].overwriteReplica([key], [newest])
        }
    }
}

/// One object's address in the cluster.
struct ObjectKey: Sendable, Hashable {
    var className: String
    var id: String
}

/// A node's tie to its cluster (weak, so the cluster owns its nodes and not the other way round).
struct ReplicationLink: @unchecked Sendable {
    weak var cluster: WeaviateCluster?
    var index: Int
}

extension WeaviateStandIn {
    /// The stored versions of `keys` (nil where this replica has none).
    func replicaVersions(_ keys: [ObjectKey]) -> [StoredObject?] {
        store.withLock { s in keys.map { s.objects[$0.className]?[$0.id] } }
    }

    /// Makes this replica hold exactly `versions` (nil deletes), timestamps included, as Weaviate's replica
    /// overwrite does; skips classes this node does not have.
    func overwriteReplica(_ keys: [ObjectKey], _ versions: [StoredObject?]) {
        store.withLock { s in
            for (key, version) in zip(keys, versions) where s.classes[key.className] != nil {
                if let version {
                    s.commitPut(version)
                } else if s.objects[key.className]?[key.id] != nil {
                    s.commit(["op": "deleteObject", "className": .string(key.className), "id": .string(key.id)])
                }
            }
        }
    }
}

/// Work due after a delay, run in due order by one thread the cluster owns and stops.
final class DelayedDeliveries: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [(due: UInt64, seq: Int, work: @Sendable () -> Void)] = []
    private var seq = 0
    private var stopped = false
    private let finished = DispatchSemaphore(value: 0)

    init() {
        let thread = Thread { [self] in run() }
        thread.name = "weaviate-cluster-replication"
        thread.start()
    }

    func schedule(afterMs ms: Int, _ work: @escaping @Sendable () -> Void) {
        condition.lock()
        defer { condition.unlock() }
        guard !stopped else { return }
        seq += 1
        queue.append((DispatchTime.now().uptimeNanoseconds + UInt64(max(0, ms)) * 1_000_000, seq, work))
        queue.sort { ($0.due, $0.seq) < ($1.due, $1.seq) }
        condition.signal()
    }

    func stop() {
        condition.lock()
        let first = !stopped
        stopped = true
        queue.removeAll()
        condition.signal()
        condition.unlock()
        if first { finished.wait() }
    }

    private func run() {
        condition.lock()
        while !stopped {
            guard let next = queue.first else {
                condition.wait()
                continue
            }
            let now = DispatchTime.now().uptimeNanoseconds
            if next.due > now {
                _ = condition.wait(until: Date(timeIntervalSinceNow: Double(next.due - now) / 1e9))
                continue
            }
            queue.removeFirst()
            condition.unlock()
            next.work()
            condition.lock()
        }
        condition.unlock()
        finished.signal()
    }
}
