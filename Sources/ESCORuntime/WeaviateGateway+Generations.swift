public import ESCOClients
public import ESCOCore

/// Data generations over Weaviate (docs/ARCHITECTURE.md#aliases): the gateway of one generation maps the logical
/// class names the pipeline uses (`Skill`) to that generation's classes (`Skill_g7`), beacons included; the switch
/// re-applies the aliases; old generations' classes are deleted.
extension WeaviateGateway: GenerationStore {
    public func generation(_ n: Int) -> any WeaviateWriting {
        WeaviateGateway(client: client, schemaDirectory: schemaDirectory, dataGeneration: n)
    }

    /// Points every stable name (`Skill`) at generation `n`'s class, creating the alias where there is none.
    /// Idempotent: the switch re-applies it in full. A stable name still held by a class (a deployment made before
    /// generations, whose generation 0 is kept for a rollback) cannot be an alias yet: it is left, and listed.
    /// - Throws: `WeaviateError` `.schema` naming the missing classes, before anything changed, when generation
    ///   `n` is not complete in Weaviate. A switch killed after deleting a dropped generation but before its state
    ///   write still lists that generation as previous; a rollback to it must fail here rather than serve nothing
    ///   (Weaviate refuses an alias to a missing class, but generation 0 has no aliases to refuse).
    public func publish(generation n: Int) async throws -> String {
        let versioned = try client.loadClassDefinitions(directory: schemaDirectory).filter(\.isVersioned)
        let schema = try await client.getSchema()
        let present = Set(schema["classes"]?.arrayValue?.compactMap { $0["class"]?.stringValue } ?? [])
        let missing = versioned.map { GenerationNaming.className($0.name, generation: n) }.filter {
            !present.contains($0)
        }
        guard missing.isEmpty else {
            throw WeaviateError(
                code: .schema, baseURL: client.url, method: "GET", path: "/v1/schema",
                detail: "generation \(GenerationNaming.name(n)) is incomplete, classes missing: "
                    + "\(missing.joined(separator: ", ")) (an interrupted switch deletes a dropped generation before "
                    + "its state write); nothing was switched. Run esco ingest (or let esco-init run) to finish that "
                    + "switch: esco status then lists only whole generations")
        }
        var skipped: [String] = []
        for cls in versioned {
            let target = GenerationNaming.className(cls.name, generation: n)
            if target == cls.name { continue }
            do {
                if try await client.alias(named: cls.name) != nil {
                    try await client.replaceAliasTarget(cls.name, targetClass: target)
                } else {
                    try await client.createAlias(cls.name, targetClass: target)
                }
            } catch let e as WeaviateError where AliasRejection(message: e.serverMessage ?? "") == .classHasTheName {
                skipped.append(cls.name)
            }
        }
        return skipped.isEmpty
            ? "aliases point at generation \(n)"
            : "aliases point at generation \(n), except \(skipped.joined(separator: ", ")) (still unversioned classes)"
    }

    /// Deletes generation `n`'s classes and their objects (generation 0: the plain-named classes of a deployment made
    /// before generations). Only ever called for a generation no alias and no reader uses any more.
    public func deleteGeneration(_ n: Int) async throws {
        for cls in try client.loadClassDefinitions(directory: schemaDirectory) where cls.isVersioned {
            let name = GenerationNaming.className(cls.name, generation: n)
            // An alias of that name pointing elsewhere must survive: Weaviate's class delete ignores alias names.
            try await client.deleteClass(name)
        }
    }

    /// Our class definitions as this gateway's generation holds them; `Metadata` only without a generation.
    func classDefinitions() throws -> [ClassDefinition] {
        let all = try client.loadClassDefinitions(directory: schemaDirectory)
        guard let n = dataGeneration else { return all.filter { !$0.isVersioned } }
        return all.map { $0.isVersioned ? $0.inGeneration(n) : $0 }
    }

    func physical(_ className: String) -> String {
        GenerationNaming.className(className, generation: dataGeneration ?? 0)
    }

    /// Beacons rewritten to point inside this gateway's generation.
    func inGeneration(_ properties: [String: JSONValue]) -> [String: JSONValue] {
        guard let n = dataGeneration, n != 0 else { return properties }
        return properties.mapValues { value in
            guard let list = value.arrayValue, list.contains(where: { $0["beacon"] != nil }) else { return value }
            return .array(
                list.map { ref in
                    guard let beacon = ref["beacon"]?.stringValue, case .object(var o) = ref else { return ref }
                    o["beacon"] = .string(GenerationNaming.beacon(beacon, generation: n))
                    return .object(o)
                })
        }
    }
}
