import ESCOCore
import Foundation

/// One Weaviate object as the stand-in keeps it. Vectors are float32, as Weaviate stores them.
struct StoredObject: Sendable {
    var className: String
    var id: String
    var properties: [String: JSONValue]
    var vector: [Float]?
    var created: Int64
    var updated: Int64

    /// Weaviate's REST shape; references get `href` added as Weaviate does on reads.
    func encodeAPI(into out: inout [UInt8], includeVector: Bool, extra: [String: JSONValue] = [:]) {
        out.append(contentsOf: "{\"class\":".utf8)
        JSONCodec.writeString(className, into: &out)
        out.append(contentsOf: ",\"creationTimeUnix\":\(created),\"id\":".utf8)
        JSONCodec.writeString(id, into: &out)
        out.append(contentsOf: ",\"lastUpdateTimeUnix\":\(updated),\"properties\":".utf8)
        JSONCodec.write(.object(properties.mapValues(Self.withHrefs)), into: &out)
        if includeVector, let vector {
            out.append(contentsOf: ",\"vector\":".utf8)
            JSONCodec.writeFloats(vector, into: &out)
        }
        for (k, v) in extra.sorted(by: { $0.key < $1.key }) {
            out.append(UInt8(ascii: ","))
            JSONCodec.writeString(k, into: &out)
            out.append(UInt8(ascii: ":"))
            JSONCodec.write(v, into: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    func apiJSONBytes(includeVector: Bool) -> [UInt8] {
        var out: [UInt8] = []
        encodeAPI(into: &out, includeVector: includeVector)
        return out
    }

    /// Write-ahead-log form (exact float round trip, no hrefs).
    func encodeWAL(into out: inout [UInt8]) {
        out.append(contentsOf: "{\"class\":".utf8)
        JSONCodec.writeString(className, into: &out)
        out.append(contentsOf: ",\"created\":\(created),\"id\":".utf8)
        JSONCodec.writeString(id, into: &out)
        out.append(contentsOf: ",\"properties\":".utf8)
        JSONCodec.write(.object(properties), into: &out)
        out.append(contentsOf: ",\"updated\":\(updated)".utf8)
        if let vector {
            // Raw little-endian float32 in base64: exact, and ~10x cheaper than decimal text.
            out.append(contentsOf: ",\"vectorF32\":\"".utf8)
            let data = vector.withUnsafeBufferPointer { Data(buffer: $0) }
            out.append(contentsOf: data.base64EncodedString().utf8)
            out.append(UInt8(ascii: "\""))
        }
        out.append(UInt8(ascii: "}"))
    }

    init(
        className: String, id: String, properties: [String: JSONValue], vector: [Float]?, created: Int64, updated: Int64
    ) {
        self.className = className
        self.id = id
        self.properties = properties
        self.vector = vector
        self.created = created
        self.updated = updated
    }

    init?(wal v: JSONValue) {
        guard let c = v["class"]?.stringValue, let id = v["id"]?.stringValue else { return nil }
        className = c
        self.id = id
        properties = v["properties"]?.objectValue ?? [:]
        if let b64 = v["vectorF32"]?.stringValue, let data = Data(base64Encoded: b64) {
            vector = data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        } else {
            vector = v["vector"]?.arrayValue?.map { Float($0.doubleValue ?? 0) }
        }
        created = Int64(v["created"]?.doubleValue ?? 0)
        updated = Int64(v["updated"]?.doubleValue ?? 0)
    }

    /// Adds `href` to every beacon in a reference array, leaves other values alone.
    static func withHrefs(_ value: JSONValue) -> JSONValue {
        guard case .array(let items) = value, items.contains(where: { $0["beacon"] != nil }) else { return value }
        return .array(
            items.map { item in
                guard var o = item.objectValue, let b = o["beacon"]?.stringValue, let parsed = Beacon(b) else {
                    return item
                }
                o["href"] = .string("/v1/objects/\(parsed.className.map { "\($0)/" } ?? "")\(parsed.id)")
                return .object(o)
            })
    }
}

/// `weaviate://localhost/{Class}/{uuid}` (or the legacy class-less form), optionally `/{property}`.
struct Beacon: Hashable, Sendable {
    var className: String?
    var id: String
    var property: String?

    init?(_ s: String) {
        let prefix = "weaviate://localhost/"
        guard s.hasPrefix(prefix) else { return nil }
        let parts = s.dropFirst(prefix.count).split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        switch parts.count {
        case 1 where ObjectID.isUUID(parts[0]): id = parts[0].lowercased()
        case 2 where ObjectID.isUUID(parts[1]): className = parts[0]; id = parts[1].lowercased()
        case 2 where ObjectID.isUUID(parts[0]): id = parts[0].lowercased(); property = parts[1]
        case 3 where ObjectID.isUUID(parts[1]):
            className = parts[0]
            id = parts[1].lowercased()
            property = parts[2]
        default: return nil
        }
    }

    var string: String { "weaviate://localhost/\(className.map { "\($0)/" } ?? "")\(id)" }
}
