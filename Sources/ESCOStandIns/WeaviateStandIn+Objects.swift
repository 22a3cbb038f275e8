import ESCOCore
import ESCOSystem
import Foundation
import Synchronization

/// An object body as sent to `/v1/objects` or in a batch.
struct IncomingObject {
    var className: String
    var id: String?
    var properties: [String: JSONValue]
    var vector: [Float]?

    static func parse(_ v: JSONValue) -> Result<IncomingObject, ObjectError> {
        guard case .object(let o) = v else { return .failure(.init(422, "object must be a JSON object")) }
        let className = o["class"]?.stringValue ?? ""
        var id: String?
        if let raw = o["id"], !raw.isNull {
            guard let s = raw.stringValue, ObjectID.isUUID(s) else {
                return .failure(.init(422, "invalid object: invalid UUID length: \(o["id"]?.stringValue?.count ?? 0)"))
            }
            id = s.lowercased()
        }
        var vector: [Float]?
        if let raw = o["vector"], !raw.isNull {
            guard let a = raw.arrayValue, a.allSatisfy({ $0.doubleValue != nil }) else {
                return .failure(.init(422, "invalid object: vector must be an array of numbers"))
            }
            vector = a.isEmpty ? nil : a.map { Float($0.doubleValue!) }
        }
        let props = o["properties"]?.objectValue ?? [:]
        return .success(IncomingObject(className: className, id: id, properties: props, vector: vector))
    }
}

struct ObjectError: Error {
    let status: Int
    let message: String
    init(_ status: Int, _ message: String) {
        self.status = status
        self.message = message
    }
}

extension WeaviateStore {
    /// Checks properties against the class (auto-schema is off) and normalises beacons.
    func validate(_ o: IncomingObject) -> Result<[String: JSONValue], ObjectError> {
        guard classes[o.className] != nil else {
            return .failure(.init(422, "invalid object: class \"\(o.className)\" not found in schema"))
        }
        var out: [String: JSONValue] = [:]
        for (name, value) in o.properties {
            guard let def = property(o.className, name),
                let types = def["dataType"]?.arrayValue?.compactMap(\.stringValue), let type = types.first
            else {
                return .failure(
                    .init(
                        422,
                        "invalid object: no such prop with name '\(name)' found in class '\(o.className)' in the schema. Check your schema files for which properties in this class are available"
                    ))
            }
            if value.isNull { continue }
            if let problem = Self.typeProblem(value, type: type, isRef: !primitiveDataTypes.contains(type)) {
                return .failure(
                    .init(
                        422, "invalid object: invalid \(type) property '\(name)' on class '\(o.className)': \(problem)")
                )
            }
            if !primitiveDataTypes.contains(type) {
                var refs: [JSONValue] = []
                for item in value.arrayValue ?? [] {
                    guard let b = item["beacon"]?.stringValue.flatMap(Beacon.init) else {
                        return .failure(
                            .init(
                                422,
                                "invalid object: invalid reference property '\(name)': beacon must be weaviate://localhost/{Class}/{uuid}"
                            ))
                    }
                    var nb = b
                    if nb.className == nil, types.count == 1 { nb.className = types[0] }
                    if let c = nb.className, !types.contains(c) {
                        return .failure(
                            .init(
                                422,
                                "invalid object: invalid reference property '\(name)': class '\(c)' is not a target of this property"
                            ))
                    }
                    // Every beacon's target must exist when the object is validated, before anything of a batch
                    // is stored (usecases/objects/validation/properties_validation.go parseAndValidateSingleRef).
                    let exists =
                        nb.className.map { objects[$0]?[nb.id] != nil } ?? objects.values.contains { $0[nb.id] != nil }
                    if !exists {
                        let message = "'cref' \(o.className):\(name): no object with id \(nb.id) found"
                        return .failure(.init(422, "invalid object: " + message))
                    }
                    refs.append(["beacon": .string(nb.string)])
                }
                out[name] = .array(refs)
            } else if type.hasPrefix("date") {
                // Weaviate parses dates into Go's time.Time and stores them JSON-encoded (RFC 3339 with nanoseconds,
                // trailing zeros dropped): what reads return is that re-serialisation, not the string sent.
                out[name] =
                    value.arrayValue.map { .array($0.map(Self.reserialisedDate)) } ?? Self.reserialisedDate(value)
            } else {
                out[name] = value
            }
        }
        return .success(out)
    }

    static func typeProblem(_ v: JSONValue, type: String, isRef: Bool) -> String? {
        if isRef { return v.arrayValue == nil ? "reference properties must be arrays of beacons" : nil }
        let base = type.hasSuffix("[]") ? String(type.dropLast(2)) : type
        if type.hasSuffix("[]") {
            guard let a = v.arrayValue else { return "not a list, but \(kind(v))" }
            return a.lazy.compactMap { scalarProblem($0, base) }.first
        }
        return scalarProblem(v, base)
    }

    static func scalarProblem(_ v: JSONValue, _ t: String) -> String? {
        switch t {
        case "text", "string": return v.stringValue == nil ? "not a string, but \(kind(v))" : nil
        case "int":
            return v.intValue == nil ? "requires an integer, the given value is '\(JSONCodec.encodeString(v))'" : nil
        case "number": return v.doubleValue == nil ? "not a number, but \(kind(v))" : nil
        case "boolean": return v.boolValue == nil ? "not a boolean, but \(kind(v))" : nil
        case "uuid": return v.stringValue.map(ObjectID.isUUID) == true ? nil : "requires a uuid string"
        case "date":
            guard let s = v.stringValue, parseDate(s) != nil else {
                return
                    "requires a string with a RFC3339 formatted date, but the given value is '\(JSONCodec.encodeString(v))'"
            }
            return nil
        default: return nil
        }
    }

    static func kind(_ v: JSONValue) -> String {
        switch v {
        case .null: "nil"
        case .bool: "bool"
        case .number: "float64"
        case .string: "string"
        case .array: "[]interface {}"
        case .object: "map[string]interface {}"
        }
    }
}

extension WeaviateStore {
    static func reserialisedDate(_ v: JSONValue) -> JSONValue {
        v.stringValue.flatMap(GoTime.rfc3339Nano).map(JSONValue.string) ?? v
    }
}

/// Go's `time.Parse(time.RFC3339, s)` followed by `json.Marshal` (time.RFC3339Nano): the fraction loses its
/// trailing zeros (and its dot when nothing is left), a zero offset becomes `Z`, other offsets are kept.
enum GoTime {
    static func rfc3339Nano(_ s: String) -> String? {
        let b = Array(s.utf8)
        func digits(_ r: Range<Int>) -> Bool {
            r.upperBound <= b.count && b[r].allSatisfy { (0x30...0x39).contains($0) }
        }
        guard b.count >= 20, digits(0..<4), b[4] == 0x2D, digits(5..<7), b[7] == 0x2D, digits(8..<10),
            b[10] == 0x54 || b[10] == 0x74, digits(11..<13), b[13] == 0x3A, digits(14..<16), b[16] == 0x3A,
            digits(17..<19), parseDate(s) != nil
        else { return nil }
        var i = 19
        var fraction = ""
        if b[i] == 0x2E {
            i += 1
            let start = i
            while i < b.count, (0x30...0x39).contains(b[i]) { i += 1 }
            guard i > start, i - start <= 9 else { return nil }
            fraction = String(decoding: b[start..<i], as: UTF8.self)
            while fraction.hasSuffix("0") { fraction.removeLast() }
        }
        let zone = String(decoding: b[i...], as: UTF8.self)
        let offset: String
        switch zone {
        case "Z", "z", "+00:00", "-00:00": offset = "Z"
        default:
            guard zone.utf8.count == 6, zone.first == "+" || zone.first == "-" else { return nil }
            offset = zone
        }
        return String(decoding: b[0..<10], as: UTF8.self) + "T" + String(decoding: b[11..<19], as: UTF8.self)
            + (fraction.isEmpty ? "" : "." + fraction) + offset
    }
}

/// An RFC 3339 date as Weaviate's Go code holds it (to the nanosecond), nil when Go's parser would refuse it.
func parseDate(_ s: String) -> RFC3339.Instant? { RFC3339.parseInstant(s) }

extension WeaviateStandIn {
    func createObject(_ req: HTTPRequest) -> HTTPResponse {
        let body: JSONValue
        switch GoSwaggerBinding(parameter: "body", model: "Object").bind(req.body) {
        case .failure(let refusal): return refusal.response
        case .success(let fields): body = .object(fields)
        }
        var incoming: IncomingObject
        switch IncomingObject.parse(body) {
        case .failure(let e): return .weaviateError(e.status, e.message)
        case .success(let o): incoming = o
        }
        // usecases/objects/add.go: the class's first letter is upper-cased and an alias becomes its target.
        incoming.className = resolvingAlias(SchemaRules.uppercaseFirst(incoming.className))
        let id = incoming.id ?? UUID().uuidString.lowercased()
        incoming.id = id
        // Weaviate's existence check and write are separate steps; createWindowMs widens the gap.
        let checked: Result<[String: JSONValue], ObjectError> = store.withLock { s in
            if s.objects[incoming.className]?[id] != nil { return .failure(.init(422, "id '\(id)' already exists")) }
            return s.validate(incoming)
        }
        let props: [String: JSONValue]
        switch checked {
        case .failure(let e): return .weaviateError(e.status, e.message)
        case .success(let p): props = p
        }
        let window = faults.createWindowMs
        if window > 0 { usleep(UInt32(window) * 1000) }
        let now = WallClock.nowMs()
        let obj = StoredObject(
            className: incoming.className, id: id, properties: props, vector: incoming.vector, created: now,
            updated: now)
        let failure = store.withLock { s -> String? in
            guard s.classes[obj.className] != nil else { return "class \"\(obj.className)\" was deleted" }
            if let problem = s.vectorLengthProblem(obj.className, obj.vector) { return problem }
            s.commitPut(obj)
            return nil
        }
        // Weaviate wraps storage errors as "put object: ..." and answers 500 (usecases/objects/add.go).
        if let failure { return .weaviateError(500, "put object: \(failure)") }
        return .jsonBytes(200, obj.apiJSONBytes(includeVector: true))
    }

    func objectByID(_ req: HTTPRequest, className pathClass: String, id: String) -> HTTPResponse {
        // GET and DELETE upper-case the path's class first (usecases/objects/get.go, delete.go), HEAD, PUT and PATCH
        // do not; all of them turn an alias into its target (`resolveAlias`).
        let named = ["GET", "DELETE"].contains(req.method) ? SchemaRules.uppercaseFirst(pathClass) : pathClass
        let className = resolvingAlias(named)
        switch req.method {
        case "GET", "HEAD":
            guard let o = store.withLock({ $0.objects[className]?[id] }) else { return .empty(404) }
            if req.method == "HEAD" { return .empty(204) }
            let include = (req.query["include"] ?? "").split(separator: ",").contains("vector")
            return .jsonBytes(200, o.apiJSONBytes(includeVector: include))
        case "DELETE":
            // Weaviate 1.32 deletes by class and id without an existence check (usecases/objects/delete.go):
            // a missing object answers 204 like a deleted one.
            store.withLock { s in
                guard s.objects[className]?[id] != nil else { return }
                s.commit(["op": "deleteObject", "className": .string(className), "id": .string(id)])
            }
            return .empty(204)
        case "PUT", "PATCH": return update(req, className: className, id: id, merge: req.method == "PATCH")
        default: return .weaviateError(405, "method \(req.method) not allowed on \(req.path)")
        }
    }

    private func update(_ req: HTTPRequest, className: String, id: String, merge: Bool) -> HTTPResponse {
        let body: JSONValue
        switch GoSwaggerBinding(parameter: "body", model: "Object").bind(req.body) {
        case .failure(let refusal): return refusal.response
        case .success(let fields): body = .object(fields)
        }
        var incoming: IncomingObject
        switch IncomingObject.parse(body) {
        case .failure(let e): return .weaviateError(e.status, e.message)
        case .success(let o): incoming = o
        }
        // usecases/objects/update.go, merge.go: the body's class is upper-cased and resolved like the path's.
        incoming.className =
            incoming.className.isEmpty ? className : resolvingAlias(SchemaRules.uppercaseFirst(incoming.className))
        if incoming.className != className || (incoming.id != nil && incoming.id != id) {
            return .weaviateError(422, "invalid update: field 'id' or 'class' is immutable")
        }
        return store.withLock { s in
            guard let existing = s.objects[className]?[id] else {
                // Weaviate 1.25-1.32 answers 500 for PUT on a missing object, 404 for PATCH.
                if merge { return .empty(404) }
                return .weaviateError(500, "repo.putobject: object \(className)/\(id) not found: no object to replace")
            }
            if merge {
                for (k, v) in existing.properties where incoming.properties[k] == nil { incoming.properties[k] = v }
                if incoming.vector == nil { incoming.vector = existing.vector }
            }
            switch s.validate(incoming) {
            case .failure(let e): return .weaviateError(e.status, e.message)
            case .success(let props):
                if let problem = s.vectorLengthProblem(className, incoming.vector) {
                    return .weaviateError(500, "update object: put object: \(problem)")
                }
                // PUT without a vector drops it (vectorizer none): the defect of the original loader that
                // docs/ARCHITECTURE.md#what-this-replaces names.
                let obj = StoredObject(
                    className: className, id: id, properties: props, vector: incoming.vector,
                    created: existing.created, updated: WallClock.nowMs())
                s.commitPut(obj)
                return merge ? .empty(204) : .jsonBytes(200, obj.apiJSONBytes(includeVector: true))
            }
        }
    }

    func listObjects(_ req: HTTPRequest) -> HTTPResponse {
        let limit = Int(req.query["limit"] ?? "") ?? 25
        let includeVector = (req.query["include"] ?? "").split(separator: ",").contains("vector")
        // usecases/objects/query.go resolves an alias (not upper-casing a class name).
        guard let className = req.query["class"].map(resolvingAlias) else {
            if req.query["after"] != nil { return .weaviateError(422, "the 'after' parameter requires 'class'") }
            // Without a class: every object, class by class (good enough for our use).
            let all = store.withLock { s in
                s.classOrder.flatMap { c in s.sortedIDs(c).compactMap { s.objects[c]?[$0] } }
            }
            let offset = Int(req.query["offset"] ?? "") ?? 0
            return listBody(Array(all.dropFirst(offset).prefix(limit)), includeVector: includeVector)
        }
        let page: [StoredObject]? = store.withLock { s in
            guard s.classes[className] != nil else { return nil }
            let ids = s.sortedIDs(className)
            var start = 0
            if let after = req.query["after"]?.lowercased() {
                start = ids.partitionPoint { $0 <= after }
            } else if let offset = Int(req.query["offset"] ?? "") {
                start = min(offset, ids.count)
            }
            return ids[start...].prefix(limit).compactMap { s.objects[className]?[$0] }
        }
        guard let page else { return .weaviateError(422, "class \"\(className)\" not found in schema") }
        return listBody(page, includeVector: includeVector)
    }

    private func listBody(_ objs: [StoredObject], includeVector: Bool) -> HTTPResponse {
        var out = Array("{\"objects\":[".utf8)
        for (n, o) in objs.enumerated() {
            if n > 0 { out.append(UInt8(ascii: ",")) }
            o.encodeAPI(into: &out, includeVector: includeVector)
        }
        out.append(contentsOf: "],\"totalResults\":\(objs.count)}".utf8)
        return .jsonBytes(200, out)
    }
}

extension Array {
    /// Index of the first element for which `pred` is false, given a partitioned array.
    func partitionPoint(_ pred: (Element) -> Bool) -> Int {
        var lo = 0
        var hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            if pred(self[mid]) { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
