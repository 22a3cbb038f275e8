public import ESCOCore

/// One Weaviate object as sent and received over REST.
public struct WeaviateObject: Sendable, Equatable {
    public var className: String
    /// Lower-case UUID string.
    public var id: String
    /// Property values; a reference property is an array of `{"beacon": "weaviate://localhost/Class/uuid"}`.
    public var properties: [String: JSONValue]
    public var vector: [Float]?
    /// Milliseconds since 1970, as Weaviate reports them (absent on objects we build).
    public var creationTimeUnix: Int64?
    public var lastUpdateTimeUnix: Int64?

    public init(
        className: String, id: String, properties: [String: JSONValue] = [:], vector: [Float]? = nil,
        creationTimeUnix: Int64? = nil, lastUpdateTimeUnix: Int64? = nil
    ) {
        self.className = className
        self.id = id.lowercased()
        self.properties = properties
        self.vector = vector
        self.creationTimeUnix = creationTimeUnix
        self.lastUpdateTimeUnix = lastUpdateTimeUnix
    }

    /// The beacon other objects use to point at this one.
    public var beacon: String { Beacon.to(className: className, id: id) }

    /// The REST body (`class`, `id`, `properties`, `vector` when present).
    public var json: JSONValue {
        var o = membersBeforeVector
        if let vector { o["vector"] = .array(vector.map { .number(Double($0)) }) }
        return .object(o)
    }

    /// Every member but `vector`, which sorts after all of them (the codec writes keys in sorted order).
    private var membersBeforeVector: [String: JSONValue] {
        ["class": .string(className), "id": .string(id), "properties": .object(properties)]
    }

    /// `{"objects":[…]}` for `POST /v1/batch/objects`: the bytes of `["objects": .array(objects.map(\.json))]`,
    /// written without building that tree (a vector as 384 `JSONValue`s is six times its size as Floats).
    public static func batchBody(_ objects: some Collection<WeaviateObject>) -> [UInt8] {
        var out: [UInt8] = []
        // Vector components are at most ~14 characters: most bodies fit without regrowing (each regrowth copies).
        out.reserveCapacity(objects.reduce(64) { $0 + 512 + ($1.vector?.count ?? 0) * 14 })
        out.append(contentsOf: #"{"objects":["#.utf8)
        for (n, object) in objects.enumerated() {
            if n > 0 { out.append(UInt8(ascii: ",")) }
            object.write(into: &out)
        }
        out.append(contentsOf: "]}".utf8)
        return out
    }

    /// `json`'s bytes: the other members as the codec writes them, then the vector straight from its Floats,
    /// last as in sorted order.
    public func write(into out: inout [UInt8]) {
        JSONCodec.write(.object(membersBeforeVector), into: &out)
        guard let vector else { return }
        out.removeLast()  // the object's closing brace: the vector goes inside
        out.append(contentsOf: #","vector":"#.utf8)
        JSONCodec.writeFloats(vector, into: &out)
        out.append(UInt8(ascii: "}"))
    }

    /// Decodes Weaviate's object JSON; nil when `class` or `id` is missing.
    public init?(json: JSONValue) {
        guard let cls = json["class"]?.stringValue, let id = json["id"]?.stringValue else { return nil }
        self.init(
            className: cls, id: id, properties: json["properties"]?.objectValue ?? [:],
            vector: json["vector"]?.arrayValue?.compactMap { $0.doubleValue.map(Float.init) },
            // `exactly`: a timestamp out of Int64's range (a hostile 1e300) is dropped, not a trap.
            creationTimeUnix: json["creationTimeUnix"]?.doubleValue.flatMap { Int64(exactly: $0) },
            lastUpdateTimeUnix: json["lastUpdateTimeUnix"]?.doubleValue.flatMap { Int64(exactly: $0) })
        if vector?.isEmpty == true { vector = nil }
    }
}

/// Weaviate beacons (`weaviate://localhost/{Class}/{uuid}`), the wire form of references.
public enum Beacon {
    public static func to(className: String, id: String) -> String {
        "weaviate://localhost/\(className)/\(id.lowercased())"
    }

    /// The property side of a reference: `weaviate://localhost/{Class}/{uuid}/{property}`.
    public static func from(className: String, id: String, property: String) -> String {
        to(className: className, id: id) + "/" + property
    }

    /// A reference property value pointing at the given objects.
    public static func references(_ targets: [(className: String, id: String)]) -> JSONValue {
        .array(targets.map { .object(["beacon": .string(to(className: $0.className, id: $0.id))]) })
    }
}

/// One reference to add with `batchReferences` (Weaviate appends: sending it twice stores it twice).
public struct ReferenceSpec: Sendable, Hashable {
    public var fromClass: String
    public var fromID: String
    public var property: String
    public var toClass: String
    public var toID: String

    public init(fromClass: String, fromID: String, property: String, toClass: String, toID: String) {
        self.fromClass = fromClass
        self.fromID = fromID.lowercased()
        self.property = property
        self.toClass = toClass
        self.toID = toID.lowercased()
    }
}

/// The outcome of one item of a batch request, in request order.
public struct BatchItemResult: Sendable, Equatable {
    public var index: Int
    /// Object id, or `from` beacon for references.
    public var id: String
    public var errors: [String]
    public var succeeded: Bool { errors.isEmpty }

    public init(index: Int, id: String, errors: [String]) {
        self.index = index
        self.id = id
        self.errors = errors
    }
}
