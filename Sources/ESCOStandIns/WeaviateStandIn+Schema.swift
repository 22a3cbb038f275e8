import ESCOCore
import Foundation
import Synchronization

/// Primitive data types Weaviate accepts (anything else must name a class: a reference).
let primitiveDataTypes: Set<String> = [
    "text", "text[]", "string", "string[]", "int", "int[]", "number", "number[]", "boolean", "boolean[]",
    "date", "date[]", "uuid", "uuid[]", "geoCoordinates", "phoneNumber", "blob", "object", "object[]",
]

extension WeaviateStandIn {
    func getSchema() -> HTTPResponse {
        let classes = store.withLock { s in s.classOrder.compactMap { s.classes[$0] } }
        return .json(200, ["classes": .array(classes)])
    }

    /// `GET /v1/schema/{class}`: the first letter is upper-cased, and an alias name reads its target class
    /// (usecases/schema/class.go `GetConsistentClass`; cluster/schema/schema.go `ReadOnlyClasses` resolves aliases).
    func getClass(_ name: String) -> HTTPResponse {
        let c = store.withLock { s in s.readOnlyClass(SchemaRules.uppercaseFirst(name)).flatMap { s.classes[$0] } }
        guard let c else { return .empty(404) }
        return .json(200, c)
    }

    /// `DELETE /v1/schema/{class}`: the first letter is upper-cased, then the class of exactly that name goes; an alias
    /// name deletes nothing, and aliases pointing at a deleted class stay (cluster/schema/schema.go `deleteClass`).
    func deleteClass(_ rawName: String) -> HTTPResponse {
        let name = SchemaRules.uppercaseFirst(rawName)
        // Weaviate answers 200 whether or not the class existed.
        store.withLock { s in
            if s.classes[name] != nil { s.commit(["op": "deleteClass", "className": .string(name)]) }
        }
        return .empty(200)
    }

    /// `POST /v1/schema` as Weaviate 1.32.2: defaults and validation (`SchemaRules`), then the existence check that
    /// runs before the Raft apply (cluster/schema/manager.go `PreApplyFilter`: exact name, or a name differing only in
    /// case), then the apply itself, which checks the exact name again (cluster/schema/schema.go `addClass`).
    /// Concurrent creates can both pass the first check: `createWindowMs` widens that gap, and the later one then gets
    /// the apply's message.
    func createClass(_ req: HTTPRequest) -> HTTPResponse {
        let body: [String: JSONValue]
        switch GoSwaggerBinding(parameter: "objectClass", model: "Class").bind(req.body) {
        case .failure(let refusal): return refusal.response
        case .success(let fields): body = fields
        }
        let prepared: [String: JSONValue]
        do throws(SchemaRules.Refusal) {
            prepared = try store.withLock { s throws(SchemaRules.Refusal) in
                try schemaRules.prepareClass(body, classExists: { s.classes[$0] != nil })
            }
        } catch {
            return Self.refusal(error)
        }
        let name = prepared["class"]?.stringValue ?? ""
        // `ClassEqual` looks at aliases first, then classes.
        let similar = store.withLock { s -> (name: String, item: String)? in
            if let alias = s.aliasEqualFold(name) { return (alias, "alias") }
            return s.classOrder.first { $0.lowercased() == name.lowercased() }.map { ($0, "class") }
        }
        if let similar {
            return .weaviateError(
                422,
                similar.name == name
                    ? "\(similar.item) name \(name) already exists"
                    : "class already exists: found similar \(similar.item) \"\(similar.name)\"")
        }
        sleepCreateWindow()
        return store.withLock { s in
            if s.classes[name] != nil {
                return .weaviateError(422, "updating schema: TYPE_ADD_CLASS: class already exists")
            }
            s.commit(["op": "putClass", "class": .object(prepared)])
            return .json(200, .object(prepared))
        }
    }

    /// `POST /v1/schema/{class}/properties` as Weaviate 1.32.2: the class must exist, the property is validated against
    /// the class as read (usecases/schema/property.go `AddClassProperty`), then applied through Raft, where a property
    /// of the same name added meanwhile wins silently (cluster/schema/meta_class.go `MergeProps`: the request still
    /// answers 200; Weaviate then copies the later one's `indexRangeFilters`, which the stand-in does not model and the
    /// product never sets). `createWindowMs` widens that gap.
    func addProperty(_ className: String, _ req: HTTPRequest) -> HTTPResponse {
        let body: JSONValue
        switch GoSwaggerBinding(parameter: "body", model: "Property").bind(req.body) {
        case .failure(let refusal): return refusal.response
        case .success(let fields): body = .object(fields)
        }
        let prepared: JSONValue
        do throws(SchemaRules.Refusal) {
            prepared = try store.withLock { s throws(SchemaRules.Refusal) in
                guard s.classes[className] != nil else { throw SchemaRules.Refusal(message: "class is nil: not found") }
                return try schemaRules.prepareProperty(
                    body, className: className, existing: s.properties(of: className),
                    classExists: { s.classes[$0] != nil })
            }
        } catch {
            return Self.refusal(error)
        }
        sleepCreateWindow()
        return store.withLock { s in
            guard s.classes[className] != nil else {
                return .weaviateError(422, "updating schema: TYPE_ADD_PROPERTY: class not found")
            }
            let pn = (prepared["name"]?.stringValue ?? "").lowercased()
            if s.properties(of: className).contains(where: { $0["name"]?.stringValue?.lowercased() == pn }) {
                return .json(200, prepared)
            }
            s.commit(["op": "addProperty", "className": .string(className), "property": prepared])
            return .json(200, prepared)
        }
    }

    var schemaRules: SchemaRules {
        SchemaRules(replicationMinimumFactor: options.replicationMinimumFactor, nodes: options.clusterNodes)
    }

    private func sleepCreateWindow() {
        let window = faults.createWindowMs
        if window > 0 { usleep(UInt32(window) * 1000) }
    }

    static func refusal(_ r: SchemaRules.Refusal) -> HTTPResponse {
        // go-swagger's body validation answers {"code": N, "message": ...}; the handlers answer {"error": [...]}.
        if let code = r.swaggerCode {
            return .json(422, ["code": .number(Double(code)), "message": .string(r.message)])
        }
        return .weaviateError(422, r.message)
    }
}
