import ESCOCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The stand-in's data: schema classes and objects, persisted as a snapshot plus a write-ahead log.
///
/// Every mutation is one JSON line appended with `write(2)` before the caller answers, so a
/// SIGKILLed process loses nothing it acknowledged. The snapshot names the log it continues with
/// (`walSeq`), so a crash during compaction never replays a log twice (references append).
struct WeaviateStore {
    var classes: [String: JSONValue] = [:]
    var classOrder: [String] = []
    var objects: [String: [String: StoredObject]] = [:]
    /// Alias name (first letter upper-cased, as Weaviate keys them) → target class. An alias outlives its target
    /// class (cluster/schema/schema.go `deleteClass` leaves `aliases` alone); WeaviateStandIn+Aliases.swift.
    var aliases: [String: String] = [:]
    /// Vector length per class, fixed by the first vector written (Weaviate's vector index keeps its dimensions).
    private(set) var vectorDims: [String: Int] = [:]
    private var sortedIDCache: [String: [String]] = [:]
    private let directory: URL?
    private var walFD: Int32 = -1
    private var walSeq = 0
    private(set) var walBytes = 0
    static let compactThreshold = 512 * 1024 * 1024

    init(directory: URL?) throws {
        self.directory = directory
        guard let directory else { return }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let snapshot = directory.appendingPathComponent("snapshot.jsonl")
        if let data = FileManager.default.contents(atPath: snapshot.path) {
            _ = replay(Array(data), file: snapshot.path)
        }
        let walPath = walURL(walSeq).path
        if let data = FileManager.default.contents(atPath: walPath) {
            let good = replay(Array(data), file: walPath)
            // A torn last line (SIGKILL mid-write) is dropped so the next append starts clean.
            if good < data.count { truncate(walPath, off_t(good)) }
            walBytes = good
        }
        walFD = open(walPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard walFD >= 0 else { throw ServerError("cannot open \(walPath): \(String(cString: strerror(errno)))") }
    }

    private func walURL(_ seq: Int) -> URL { directory!.appendingPathComponent("wal-\(seq).jsonl") }

    /// Applies each complete line; returns the byte length of the valid prefix.
    private mutating func replay(_ bytes: [UInt8], file: String) -> Int {
        var lineStart = 0
        var good = 0
        while lineStart < bytes.count {
            guard let nl = bytes[lineStart...].firstIndex(of: 0x0A) else { break }
            if let v = try? JSONCodec.parse(Array(bytes[lineStart..<nl])) { apply(v) } else { break }
            lineStart = nl + 1
            good = lineStart
        }
        return good
    }

    /// Applies one logged mutation to memory.
    mutating func apply(_ op: JSONValue) {
        switch op["op"]?.stringValue {
        case "meta": walSeq = op["walSeq"]?.intValue ?? 0
        case "putClass":
            guard let c = op["class"], let name = c["class"]?.stringValue else { return }
            if classes[name] == nil { classOrder.append(name) }
            classes[name] = c
            if objects[name] == nil { objects[name] = [:] }
        case "addProperty":
            guard let name = op["className"]?.stringValue, case .object(var c)? = classes[name], let p = op["property"]
            else { return }
            c["properties"] = .array((c["properties"]?.arrayValue ?? []) + [p])
            classes[name] = .object(c)
        case "deleteClass":
            guard let name = op["className"]?.stringValue else { return }
            classes[name] = nil
            classOrder.removeAll { $0 == name }
            objects[name] = nil
            sortedIDCache[name] = nil
            vectorDims[name] = nil
        case "putAlias":
            guard let alias = op["alias"]?.stringValue, let target = op["class"]?.stringValue else { return }
            aliases[alias] = target
        case "deleteAlias":
            guard let alias = op["alias"]?.stringValue else { return }
            aliases[alias] = nil
        case "putObject":
            guard let o = op["object"].flatMap(StoredObject.init(wal:)) else { return }
            store(o)
        case "deleteObject":
            guard let c = op["className"]?.stringValue, let id = op["id"]?.stringValue else { return }
            if objects[c]?.removeValue(forKey: id) != nil { sortedIDCache[c] = nil }
        case "addRef":
            guard let c = op["className"]?.stringValue, let id = op["id"]?.stringValue,
                let prop = op["property"]?.stringValue, let beacon = op["beacon"]?.stringValue,
                var o = objects[c]?[id]
            else { return }
            o.properties[prop] = .array((o.properties[prop]?.arrayValue ?? []) + [["beacon": .string(beacon)]])
            o.updated = Int64(op["time"]?.doubleValue ?? Double(o.updated))
            objects[c]![id] = o
        default: break
        }
    }

    /// Logs then applies. Object ops are encoded by hand so vectors keep exact float32 values.
    mutating func commit(_ op: JSONValue) {
        var line = JSONCodec.encode(op)
        line.append(0x0A)
        appendWAL(line)
        apply(op)
    }

    mutating func commitPut(_ o: StoredObject) {
        var line = Array("{\"op\":\"putObject\",\"object\":".utf8)
        o.encodeWAL(into: &line)
        line.append(contentsOf: "}\n".utf8)
        appendWAL(line)
        store(o)
    }

    private mutating func store(_ o: StoredObject) {
        if objects[o.className]?[o.id] == nil { sortedIDCache[o.className] = nil }
        objects[o.className, default: [:]][o.id] = o
        if let v = o.vector, vectorDims[o.className] == nil { vectorDims[o.className] = v.count }
    }

    /// Weaviate's vector index refuses a vector whose length differs from the vectors it holds
    /// (`ValidateBeforeInsert` in adapters/repos/db/vector/hnsw): nil when `vector` fits `className`.
    func vectorLengthProblem(_ className: String, _ vector: [Float]?) -> String? {
        guard let vector, let dims = vectorDims[className], dims != vector.count else { return nil }
        return "new node has a vector with length \(vector.count). Existing nodes have vectors with length \(dims)"
    }

    private mutating func appendWAL(_ line: [UInt8]) {
        guard walFD >= 0 else { return }
        var off = 0
        while off < line.count {
            let n = line.withUnsafeBytes { Glibc.write(walFD, $0.baseAddress! + off, line.count - off) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { break }
            off += n
        }
        walBytes += line.count
        if walBytes > Self.compactThreshold { try? compact() }
    }

    /// Writes a snapshot naming the next log, swaps it in atomically, then starts that log.
    mutating func compact() throws {
        guard let directory else { return }
        let tmp = directory.appendingPathComponent("snapshot.jsonl.tmp")
        let fd = open(tmp.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw ServerError("cannot write \(tmp.path)") }
        var buf: [UInt8] = []
        func flush(_ force: Bool) {
            guard force || buf.count > 1 << 20 else { return }
            var off = 0
            while off < buf.count {
                let n = buf.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + off, buf.count - off) }
                if n <= 0 { break }
                off += n
            }
            buf.removeAll(keepingCapacity: true)
        }
        let next = walSeq + 1
        buf += JSONCodec.encode(["op": "meta", "walSeq": .number(Double(next))]) + [0x0A]
        for name in classOrder {
            buf += JSONCodec.encode(["op": "putClass", "class": classes[name]!]) + [0x0A]
        }
        for (alias, target) in aliases.sorted(by: { $0.key < $1.key }) {
            buf += JSONCodec.encode(["op": "putAlias", "alias": .string(alias), "class": .string(target)]) + [0x0A]
        }
        for name in classOrder {
            for o in (objects[name] ?? [:]).values {
                buf += Array("{\"op\":\"putObject\",\"object\":".utf8)
                o.encodeWAL(into: &buf)
                buf += Array("}\n".utf8)
                flush(false)
            }
        }
        flush(true)
        fsync(fd)
        Glibc.close(fd)
        let nextFD = open(walURL(next).path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0o644)
        guard nextFD >= 0 else { throw ServerError("cannot open \(walURL(next).path)") }
        guard rename(tmp.path, directory.appendingPathComponent("snapshot.jsonl").path) == 0 else {
            Glibc.close(nextFD)
            throw ServerError("cannot install snapshot in \(directory.path)")
        }
        if walFD >= 0 { Glibc.close(walFD) }
        unlink(walURL(walSeq).path)
        walFD = nextFD
        walSeq = next
        walBytes = 0
    }

    mutating func closeLog() {
        if walFD >= 0 { Glibc.close(walFD) }
        walFD = -1
    }

    /// Object ids of a class in uuid string order (Weaviate's cursor order).
    mutating func sortedIDs(_ className: String) -> [String] {
        if let ids = sortedIDCache[className] { return ids }
        let ids = (objects[className] ?? [:]).keys.sorted()
        sortedIDCache[className] = ids
        return ids
    }

    func properties(of className: String) -> [JSONValue] { classes[className]?["properties"]?.arrayValue ?? [] }

    func property(_ className: String, _ name: String) -> JSONValue? {
        properties(of: className).first { $0["name"]?.stringValue == name }
    }
}
