public import ESCOCore
import Logging

extension WeaviateClient {
    /// Reads `resources/schemas/*.yaml` (or any directory), with `weaviate.replicationFactor` applied when the profile
    /// sets one (otherwise no factor is sent and Weaviate's `REPLICATION_MINIMUM_FACTOR` applies).
    public func loadClassDefinitions(directory: String? = nil) throws -> [ClassDefinition] {
        try ClassDefinition.load(directory: directory ?? configuration.schemaDirectory).map {
            $0.withReplicationFactor(configuration.replicationFactor)
        }
    }

    /// `DELETE /v1/schema/{class}` with its objects; Weaviate answers 200 whether or not the class existed, and an
    /// alias name deletes nothing (cluster/schema/schema.go `deleteClass`).
    public func deleteClass(_ name: String) async throws {
        _ = try await send("DELETE", "/v1/schema/\(escapeComponent(name))", expect: [200])
    }

    /// `GET /v1/schema` → `{"classes": [...]}`.
    public func getSchema() async throws -> JSONValue {
        try await json("GET", "/v1/schema", expect: [200])
    }

    /// Creates missing classes and properties, idempotently, also when several runners on separate hosts do it at
    /// once. Classes are created without their reference properties first (references need their target class), then
    /// references are added with `POST /v1/schema/{class}/properties`.
    ///
    /// Everything is compared before anything is written. A class or property that "already exists" (created by
    /// another runner between our read and our write) is success when, read again, it matches our definition; the
    /// schema is read and compared once more after the writes, because Weaviate answers 200 to a property added
    /// concurrently under the same name but keeps the first definition (cluster/schema/meta_class.go `MergeProps`).
    /// - Throws: `WeaviateError` `.schema` naming class, property and both definitions when Weaviate's differ from
    ///   ours (before writing: nothing was changed); `.http` with Weaviate's message for any other refusal.
    @discardableResult
    public func ensureSchema(_ classes: [ClassDefinition]) async throws -> SchemaReport {
        var plan = SchemaPlan(ours: classes, schema: try await getSchema())
        try throwIfConflicting(plan, written: false)
        var report = SchemaReport()
        report.extraProperties = plan.extraProperties
        if plan.isComplete { return report }

        if !plan.classesToCreate.isEmpty {
            for cls in plan.classesToCreate {
                if try await createClass(cls) { report.createdClasses.append(cls.name) }
            }
            // Read again: classes created by another runner meanwhile are compared, and their missing references
            // (every class is created without them) are what is left to add.
            plan = SchemaPlan(ours: classes, schema: try await getSchema())
            try throwIfConflicting(plan, written: true)
            if let gone = plan.classesToCreate.first {
                throw schemaError(
                    "class \(gone.name) is missing right after it was created: something deleted it; "
                        + "check what else manages this Weaviate's schema, then run again")
            }
        }
        for missing in plan.propertiesToAdd {
            if try await addProperty(missing) {
                report.addedProperties.append("\(missing.className).\(missing.property.name)")
            }
        }
        if plan.propertiesToAdd.isEmpty { return report }

        plan = SchemaPlan(ours: classes, schema: try await getSchema())
        try throwIfConflicting(plan, written: true)
        guard plan.isComplete else {
            let names =
                (plan.classesToCreate.map(\.name)
                + plan.propertiesToAdd.map { "\($0.className).\($0.property.name)" }).joined(separator: ", ")
            throw schemaError(
                "still missing after they were created: \(names); something deleted them; check what "
                    + "else manages this Weaviate's schema, then run again")
        }
        return report
    }

    private func throwIfConflicting(_ plan: SchemaPlan, written: Bool) throws {
        guard !plan.conflicts.isEmpty else { return }
        let what =
            written
            ? ". Another runner (or a person) created it differently while esco was creating the schema"
            : ". Nothing was changed"
        throw schemaError(
            plan.conflicts.joined(separator: "; ") + what
                + "; make resources/schemas and Weaviate agree: migrate or delete the class yourself (esco never drops "
                + "data), or change the definition in resources/schemas")
    }

    private func schemaError(_ detail: String) -> WeaviateError {
        WeaviateError(code: .schema, baseURL: url, method: "GET", path: "/v1/schema", detail: detail)
    }

    /// `POST /v1/schema`. Returns false when another runner created the class first (compared by the caller on the
    /// next read).
    private func createClass(_ cls: ClassDefinition) async throws -> Bool {
        logger.debug("creating class", metadata: ["class": "\(cls.name)"])
        do {
            _ = try await send("POST", "/v1/schema", body: cls.withoutReferences, expect: [200])
            return true
        } catch let error as WeaviateError where error.status == 422 {
            let message = error.serverMessage ?? ""
            switch SchemaRejection(message: message) {
            case .classExists:
                logger.debug("class created concurrently", metadata: ["class": "\(cls.name)", "message": "\(message)"])
                return false
            case .similarClass(let other):
                throw schemaError(
                    "class \(cls.name)\(SchemaPlan.origin(cls)): Weaviate holds a class named "
                        + "\"\(other)\", which differs only in case, and refuses the new one (\(message)); rename or "
                        + "delete one of them")
            case .alias(let alias):
                throw schemaError(
                    "class \(cls.name)\(SchemaPlan.origin(cls)): Weaviate has an alias named "
                        + "\"\(alias)\" (\(message)); delete or rename the alias (DELETE /v1/aliases/\(alias))")
            case .propertyExists, .other:
                throw refused(error, cls)
            }
        }
    }

    /// `POST /v1/schema/{class}/properties`. Returns false when the property already exists (compared by the caller
    /// on the next read).
    private func addProperty(_ missing: SchemaPlan.Missing) async throws -> Bool {
        let path = "/v1/schema/\(escapeComponent(missing.className))/properties"
        do {
            _ = try await send("POST", path, body: missing.property.json, expect: [200])
            return true
        } catch let error as WeaviateError where error.status == 422 {
            guard SchemaRejection(message: error.serverMessage ?? "") == .propertyExists else {
                var e = error
                e.detail = "Weaviate refused property \(missing.property.name) of class \(missing.className)"
                throw e
            }
            logger.debug(
                "property added concurrently",
                metadata: ["class": "\(missing.className)", "property": "\(missing.property.name)"])
            return false
        }
    }

    /// A class Weaviate refuses for a reason of its own: its message, the file, and for the replication factor the
    /// setting to change.
    private func refused(_ error: WeaviateError, _ cls: ClassDefinition) -> WeaviateError {
        var e = error
        var detail = "Weaviate refused class \(cls.name)\(SchemaPlan.origin(cls))"
        let message = error.serverMessage ?? ""
        if message.contains("replication factor") || message.contains("enough weaviate nodes for replication") {
            detail +=
                configuration.replicationFactor == nil
                ? "; set weaviate.replicationFactor in the profile to a factor this Weaviate accepts"
                : "; change weaviate.replicationFactor (now \(configuration.replicationFactor!)) in the profile, or "
                    + "remove it to let Weaviate's REPLICATION_MINIMUM_FACTOR apply"
        }
        e.detail = detail
        return e
    }
}
