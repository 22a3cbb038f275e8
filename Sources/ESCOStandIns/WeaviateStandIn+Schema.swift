import Synchronization
import ESCOCore

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

    func getClass(_ name: String) -> HTTPResponse {
        guard let c = store.withLock({ $0.classes[name] }) else { return .empty(404) }
        return .json(200, c)
    }

    func deleteClass(_ name: String) -> HTTPResponse {
        // Weaviate answers 200 whether or not the class existed.
        store.withLock { s in
            if s.classes[name] != nil { s.commit(["op": "deleteClass", "className": .string(name)]) }
        }
        return .empty(200)
    }

    func createClass(_ req: HTTPRequest) -> HTTPResponse {
        guard case .object(var c)? = try? JSONCodec.parse(req.body) else {
            return .weaviateError(422, "parsing body body from \"\" failed, because invalid JSON in request body")
        }
        guard var name = c["class"]?.stringValue, !name.isEmpty else {
            return .weaviateError(422, "class name must not be empty")
        }
        // Weaviate upper-cases the first letter of class names.
        name = name.prefix(1).uppercased() + name.dropFirst()
        c["class"] = .string(name)
        if c["vectorizer"] == nil { c["vectorizer"] = "none" }
        if c["vectorIndexType"] == nil { c["vectorIndexType"] = "hnsw" }
        let props = (c["properties"]?.arrayValue ?? [])
        return store.withLock { s in
            if s.classes[name] != nil { return .weaviateError(422, "class name \"\(name)\" already exists") }
            var seen: Set<String> = []
            var filled: [JSONValue] = []
            for p in props {
                switch Self.normaliseProperty(p, className: name, classes: s.classes) {
                case .failure(let message): return .weaviateError(422, message)
                case .success(let np):
                    let pn = np["name"]?.stringValue ?? ""
                    if !seen.insert(pn.lowercased()).inserted {
                        return .weaviateError(422, "class \"\(name)\": conflict for property \"\(pn)\": already in use or provided multiple times")
                    }
                    filled.append(np)
                }
            }
            c["properties"] = .array(filled)
            s.commit(["op": "putClass", "class": .object(c)])
            return .json(200, .object(c))
        }
    }

    func addProperty(_ className: String, _ req: HTTPRequest) -> HTTPResponse {
        guard let p = try? JSONCodec.parse(req.body) else {
            return .weaviateError(422, "parsing body body from \"\" failed, because invalid JSON in request body")
        }
        return store.withLock { s in
            guard s.classes[className] != nil else {
                return .weaviateError(422, "could not find class \"\(className)\" in schema")
            }
            switch Self.normaliseProperty(p, className: className, classes: s.classes) {
            case .failure(let message): return .weaviateError(422, message)
            case .success(let np):
                let pn = np["name"]?.stringValue ?? ""
                if s.properties(of: className).contains(where: { $0["name"]?.stringValue?.lowercased() == pn.lowercased() }) {
                    return .weaviateError(422, "class \"\(className)\": property \"\(pn)\" already exists")
                }
                s.commit(["op": "addProperty", "className": .string(className), "property": np])
                return .json(200, np)
            }
        }
    }

    enum PropertyResult { case success(JSONValue), failure(String) }

    /// Validates a property definition and fills in the defaults Weaviate adds.
    static func normaliseProperty(_ p: JSONValue, className: String, classes: [String: JSONValue]) -> PropertyResult {
        guard case .object(var o) = p, let name = o["name"]?.stringValue, !name.isEmpty else {
            return .failure("property must have a non-empty 'name'")
        }
        guard name.first!.isLetter || name.first == "_", name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            return .failure("'\(name)' is not a valid property name. Property names in Weaviate are restricted to valid GraphQL names, which must be “/[_A-Za-z][_0-9A-Za-z]{0,230}/”.")
        }
        guard let types = o["dataType"]?.arrayValue?.compactMap(\.stringValue), !types.isEmpty else {
            return .failure("property '\(name)': dataType must be a non-empty array of strings")
        }
        if types.count == 1, primitiveDataTypes.contains(types[0]) {
            if types[0].hasPrefix("text") || types[0].hasPrefix("string") {
                if o["tokenization"] == nil { o["tokenization"] = "word" }
                let tok = o["tokenization"]?.stringValue ?? ""
                if !["word", "field", "whitespace", "lowercase", "trigram", "gse", "kagome_ja", "kagome_kr"].contains(tok) {
                    return .failure("property '\(name)': tokenization '\(tok)' is not allowed for data type '\(types[0])'")
                }
                if o["indexSearchable"] == nil { o["indexSearchable"] = true }
            }
            if o["indexFilterable"] == nil { o["indexFilterable"] = true }
        } else {
            for t in types {
                if primitiveDataTypes.contains(t) {
                    return .failure("property '\(name)': invalid dataType: primitive type '\(t)' cannot be mixed with other types")
                }
                guard t == className || classes[t] != nil else {
                    return .failure("property '\(name)': invalid dataType: reference property to nonexistent class \"\(t)\"")
                }
            }
            if o["indexFilterable"] == nil { o["indexFilterable"] = true }
        }
        return .success(.object(o))
    }
}
