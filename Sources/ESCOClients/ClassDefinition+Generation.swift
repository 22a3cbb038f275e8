public import ESCOCore

extension ClassDefinition {
    /// This class as generation `n` holds it (docs/ARCHITECTURE.md#aliases): `Skill` becomes `Skill_g<n>` and every
    /// reference property points at the same generation's classes, so a generation's references never leave it.
    /// `Metadata` and generation 0 keep their plain names.
    public func inGeneration(_ n: Int) -> ClassDefinition {
        guard case .object(var o) = json else { return self }
        o["class"] = .string(GenerationNaming.className(name, generation: n))
        if let props = o["properties"]?.arrayValue {
            o["properties"] = .array(
                props.map { p in
                    guard case .object(var po) = p, let types = po["dataType"]?.arrayValue?.compactMap(\.stringValue),
                        types.first?.first?.isUppercase ?? false
                    else { return p }
                    po["dataType"] = .array(types.map { .string(GenerationNaming.className($0, generation: n)) })
                    return .object(po)
                })
        }
        var copy = self
        copy.name = GenerationNaming.className(name, generation: n)
        copy.json = .object(o)
        return copy
    }

    /// True for the classes every generation has its own copy of (all but `Metadata`).
    public var isVersioned: Bool { !GenerationNaming.unversioned.contains(name) }
}
