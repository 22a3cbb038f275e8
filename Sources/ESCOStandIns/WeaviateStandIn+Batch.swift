import ESCOCore
import ESCOSystem
import Foundation
import Synchronization

extension WeaviateStandIn {
    /// `POST /v1/batch/objects`: upsert each object; per-item errors in a 200 answer. As in Weaviate
    /// (usecases/objects/batch_add.go), every item is validated first, beacon targets included, and only then is
    /// anything stored: an object pointing at another object of the same batch fails. Each result carries
    /// `result.status` SUCCESS or FAILED (adapters/handlers/rest/handlers_batch_objects.go).
    func batchObjects(_ req: HTTPRequest) -> HTTPResponse {
        guard let body = try? JSONCodec.parse(req.body), let items = body["objects"]?.arrayValue else {
            return .weaviateError(422, "invalid batch body: expected {\"objects\":[...]}")
        }
        if items.isEmpty {
            return .weaviateError(
                422, "invalid param 'objects': cannot be empty, need at least one object for batching")
        }
        var out = Array("[".utf8)
        store.withLock { s in
            let now = WallClock.nowMs()
            let checked = items.map { item in Self.checkBatchObject(item, s, now: now) }
            for (n, result) in checked.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                switch result {
                case .success(let obj):
                    s.commitPut(obj)
                    obj.encodeAPI(into: &out, includeVector: true, extra: ["result": ["status": "SUCCESS"]])
                case .failure(let e):
                    var echo = items[n].objectValue ?? [:]
                    echo["result"] = ["status": "FAILED", "errors": ["error": [["message": .string(e.message)]]]]
                    JSONCodec.write(.object(echo), into: &out)
                }
            }
        }
        out.append(UInt8(ascii: "]"))
        return .jsonBytes(200, out)
    }

    private static func checkBatchObject(_ item: JSONValue, _ s: WeaviateStore, now: Int64)
        -> Result<StoredObject, ObjectError>
    {
        var o: IncomingObject
        switch IncomingObject.parse(item) {
        case .failure(let e): return .failure(e)
        case .success(let parsed): o = parsed
        }
        // usecases/objects/batch_add.go: each class is upper-cased and an alias becomes its target, so the stored
        // object (and its echo) carries the target class.
        o.className = s.resolvingAlias(SchemaRules.uppercaseFirst(o.className))
        let props: [String: JSONValue]
        switch s.validate(o) {
        case .failure(let e): return .failure(e)
        case .success(let p): props = p
        }
        let id = o.id ?? UUID().uuidString.lowercased()
        if let problem = s.vectorLengthProblem(o.className, o.vector) {
            return .failure(.init(422, "Validate vector index for \(id): \(problem)"))
        }
        // Upsert: an existing id is overwritten whole. Weaviate stamps every batch object with
        // creationTimeUnix = lastUpdateTimeUnix = now, even on an overwrite (weaviate/weaviate#2500;
        // usecases/objects/batch_add.go), so the creation time is not kept.
        return .success(
            StoredObject(
                className: o.className, id: id, properties: props, vector: o.vector, created: now, updated: now))
    }

    /// `POST /v1/batch/references`: appends every reference, even one already present.
    func batchReferences(_ req: HTTPRequest) -> HTTPResponse {
        guard let body = try? JSONCodec.parse(req.body), let items = body.arrayValue else {
            return .weaviateError(422, "invalid batch body: expected an array of {\"from\",\"to\"}")
        }
        if items.isEmpty {
            return .weaviateError(422, "invalid params: length cannot be 0, need at least one reference for batching")
        }
        var results: [JSONValue] = []
        store.withLock { s in
            let now = Double(WallClock.nowMs())
            for item in items {
                var r = item.objectValue ?? [:]
                if let problem = addReference(&s, item, time: now) {
                    // A failed item carries no from/to (handlers_batch_objects.go referencesResponse).
                    r = ["result": ["status": "FAILED", "errors": ["error": [["message": .string(problem)]]]]]
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
        // Only the source must exist: a non-multi-tenant target is not looked up (usecases/objects/
        // batch_references_add.go), and the shard's merge fails for a missing source
        // (adapters/repos/db/shard_write_merge.go mutableMergeObjectLSM).
        guard s.objects[fromClass]?[from.id] != nil else { return "object with id \(from.id) not found" }
        s.commit([
            "op": "addRef", "className": .string(fromClass), "id": .string(from.id), "property": .string(prop),
            "beacon": .string(to.string), "time": .number(time),
        ])
        return nil
    }
}
