public import ESCOCore
import ESCOConfig
import Logging

extension WeaviateClient {
    /// Reads `resources/schemas/*.yaml` (or any directory).
    public func loadClassDefinitions(directory: String? = nil) throws -> [ClassDefinition] {
        try ClassDefinition.load(directory: directory ?? configuration.schemaDirectory)
    }

    /// `GET /v1/schema` → `{"classes": [...]}`.
    public func getSchema() async throws -> JSONValue {
        try await json("GET", "/v1/schema", expect: [200])
    }

    /// Creates missing classes and properties, idempotently. Classes are created without their reference properties
    /// first (references need their target class), then references are added with `POST /v1/schema/{class}/properties`.
    /// Everything is checked before anything is written.
    /// - Throws: `WeaviateError` `.schema` naming class, property, expected and found dataType when an existing
    ///   property differs; nothing is changed then.
    @discardableResult
    public func ensureSchema(_ classes: [ClassDefinition]) async throws -> SchemaReport {
        let schema = try await getSchema()
        var existing: [String: [String: [String]]] = [:]
        for cls in schema["classes"]?.arrayValue ?? [] {
            guard let name = cls["class"]?.stringValue else { continue }
            var props: [String: [String]] = [:]
            for p in cls["properties"]?.arrayValue ?? [] {
                if let pn = p["name"]?.stringValue { props[pn] = p["dataType"]?.arrayValue?.compactMap(\.stringValue) ?? [] }
            }
            existing[name] = props
        }

        var report = SchemaReport()
        var conflicts: [String] = []
        var toAdd: [(String, ClassDefinition.Property)] = []
        for cls in classes {
            guard let have = existing[cls.name] else {
                report.createdClasses.append(cls.name)
                toAdd += cls.properties.filter(\.isReference).map { (cls.name, $0) }
                continue
            }
            let wanted = Set(cls.properties.map(\.name))
            report.extraProperties += have.keys.filter { !wanted.contains($0) }.sorted().map { "\(cls.name).\($0)" }
            for p in cls.properties {
                guard let found = have[p.name] else {
                    toAdd.append((cls.name, p))
                    continue
                }
                // Reference target order carries no meaning; primitive types must match exactly.
                let same = p.isReference ? Set(found) == Set(p.dataType) : found == p.dataType
                if !same {
                    conflicts.append("class \(cls.name) property \(p.name): expected dataType \(p.dataType), found \(found)")
                }
            }
        }
        if !conflicts.isEmpty {
            throw WeaviateError(code: .schema, baseURL: url, method: "GET", path: "/v1/schema",
                                detail: conflicts.joined(separator: "; ")
                                    + ". Nothing was changed; migrate or delete the class yourself (esco never drops data)")
        }
        for cls in classes where report.createdClasses.contains(cls.name) {
            logger.debug("creating class", metadata: ["class": "\(cls.name)"])
            try await createClass(cls.withoutReferences)
        }
        for (className, p) in toAdd {
            _ = try await send("POST", "/v1/schema/\(escapeComponent(className))/properties", body: p.json,
                               expect: [200])
            report.addedProperties.append("\(className).\(p.name)")
        }
        return report
    }

    private func createClass(_ json: JSONValue) async throws {
        do {
            _ = try await send("POST", "/v1/schema", body: json, expect: [200])
        } catch let error as WeaviateError where error.status == 422
            && (error.serverMessage ?? "").lowercased().contains("already")
        {
            // Another runner created it between our read and this write: fine, properties are checked next run.
            logger.debug("class already created concurrently", metadata: ["message": "\(error.serverMessage ?? "")"])
        }
    }
}
