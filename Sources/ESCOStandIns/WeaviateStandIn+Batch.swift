import ESCOCore
import Foundation
import Synchronization

extension WeaviateStandIn {
    /// `POST /v1/batch/objects`: upsert each object; per-item errors in a 200 answer.
    func batchObjects(_ req: HTTPRequest) -> HTTPResponse {
        guard let body = try? JSONCodec.parse(req.body), let items = body["objects"]?.arrayValue else {
            return .weaviateError(422, "invalid batch body: expected {\"objects\":[...]}")
        }
        var out = Array("[".utf8)
        store.withLock { s in
            let now = nowMillis()
            for (n, item) in items.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                var error: String?
                var stored: StoredObject?
                switch IncomingObject.parse(item) {
                case .failure(let e): error = e.message
                case .success(let o):
                    switch s.validate(o) {
                    case .failure(let e): error = e.message
                    case .success(let props):
                        let id = o.id ?? UUID().uuidString.lowercased()
                        // Upsert: an existing id is overwritten, keeping its creation time.
                        let created = s.objects[o.className]?[id]?.created ?? now
                        let obj = StoredObject(
                            className: o.className, id: id, properties: props, vector: o.vector, created: created,
                            updated: now)
                        s.commitPut(obj)
                        stored = obj
                    }
                }
                if let stored {
                    stored.encodeAPI(into: &out, includeVector: true, extra: ["result": [:]])
                } else {
                    var echo = item.objectValue ?? [:]
                    echo["result"] = ["errors": ["error": [["message": .string(error ?? "unknown error")]]]]
                    JSONCodec.write(.object(echo), into: &out)
                }
            }
        }
        out.append(UInt8(ascii: "]"))
        return .jsonBytes(200, out)
    }

    /// `POST /v1/batch/references`: appends every reference, even one already present.
    func batchReferences(_ req: HTTPRequest) -> HTTPResponse {
        guard let body = try? JSONCodec.parse(req.body), let items = body.arrayValue else {
            return .weaviateError(422, "invalid batch body: expected an array of {\"from\",\"to\"}")
        }
        var results: [JSONValue] = []
        store.withLock { s in
            let now = Double(nowMillis())
            for item in items {
                var r = item.objectValue ?? [:]
                if let problem = addReference(&s, item, time: now) {
                    r["result"] = ["status": "FAILED", "errors": ["error": [["message": .string(problem)]]]]
                } else {
                    r["result"] = ["status": "SUCCESS"]
                }
                results.append(.object(r))
            }
        }
        return .json(200, .array(results))
    }

    private func addReference(_ s: inout WeaviateStore, _ item: JSONValue, time: Double) -> String? {
        guard let fromText = item["from"]?.stringValue, let from = Beacon(fromText), let prop = from.property,
            let fromClass = from.className
        else {
            return "invalid from: must be weaviate://localhost/{Class}/{id}/{property}"
        }
        guard let toText = item["to"]?.stringValue, var to = Beacon(toText), to.property == nil else {
            return "invalid to: must be weaviate://localhost/{Class}/{id}"
        }
        guard s.classes[fromClass] != nil else { return "source class \"\(fromClass)\" not found in schema" }
        guard let def = s.property(fromClass, prop), let types = def["dataType"]?.arrayValue?.compactMap(\.stringValue),
            let first = types.first, !primitiveDataTypes.contains(first)
        else {
            return "property \"\(prop)\" of class \"\(fromClass)\" is not a reference property"
        }
        if to.className == nil, types.count == 1 { to.className = types[0] }
        if let c = to.className, !types.contains(c) {
            return "target class \"\(c)\" is not a valid target of \(fromClass).\(prop)"
        }
        guard s.objects[fromClass]?[from.id] != nil else {
            return "source object \(fromClass)/\(from.id) not found"
        }
        s.commit([
            "op": "addRef", "className": .string(fromClass), "id": .string(from.id), "property": .string(prop),
            "beacon": .string(to.string), "time": .number(time),
        ])
        return nil
    }
}
