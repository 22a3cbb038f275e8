import ESCOCore

/// Checks a `where` filter against the schema as Weaviate 1.32.2 does before any search
/// (entities/filters/filters_validator.go, wrapped "invalid 'where' filter" in usecases/traverser/traverser_get.go).
extension WhereFilter {
    /// The filter, validated and resolved for `className`.
    /// - Throws: `GQLFailure` with Weaviate's message when a property does not exist or the value type does not fit.
    func validated(className: String, _ s: WeaviateStore) throws -> WhereFilter {
        if let problem = problem(className, s) { throw GQLFailure("invalid 'where' filter: " + problem) }
        return resolved(for: className, in: s)
    }

    private func problem(_ className: String, _ s: WeaviateStore) -> String? {
        switch self {
        case .and(let parts), .or(let parts):
            let errors = parts.enumerated().compactMap { i, p in
                p.problem(className, s).map { "child operand at position \(i): \($0)" }
            }
            return errors.isEmpty ? nil : errors.joined(separator: ", ")
        case .not(let part):
            return part.problem(className, s).map { "child operand at position 0: \($0)" }
        case .resolved:
            return nil
        case .leaf(let path, let op, _, let valueKey):
            // [prop] on the queried class, or [refProp, Class, prop, ...]: the innermost pair is checked.
            let (cls, name) = path.count >= 3 ? (path[path.count - 2], path[path.count - 1]) : (className, path[0])
            return Self.leafProblem(cls, name, op, valueKey, s)
        }
    }

    private static func leafProblem(
        _ className: String, _ name: String, _ op: String, _ key: String, _ s: WeaviateStore
    )
        -> String?
    {
        let valueType = valueType(key)
        switch name {
        case "id", "_id":
            return valueType == "text"
                ? nil : "using [\"_id\"] to filter by uuid: must use \"valueText\" to specify the id"
        case "_creationTimeUnix", "_lastUpdateTimeUnix":
            return valueType == "text" || valueType == "date"
                ? nil : "using [\"\(name)\"] to filter by timestamp: must use \"valueText\" or \"valueDate\""
        default: break
        }
        guard s.classes[className] != nil else { return "class \"\(className)\" does not exist in schema" }
        guard let def = s.property(className, name), let dataType = def["dataType"]?.arrayValue?.first?.stringValue
        else {
            return
                "no such prop with name '\(name)' found in class '\(className)' in the schema. Check your schema files "
                + "for which properties in this class are available"
        }
        if op == "IsNull" {
            return valueType == "boolean" ? nil : "operator IsNull requires a booleanValue, got \"\(key)\" instead"
        }
        if dataType == "uuid" || dataType == "uuid[]" {
            return valueType == "text"
                ? nil
                : "property \"\(name)\" is of type \"uuid\" or \"uuid[]\": specify uuid as string using \"valueText\""
        }
        if !primitiveDataTypes.contains(dataType) {
            // Counting references (valueInt) is Weaviate's only filter directly on a reference property; the
            // product never counts references, so the stand-in does not model it.
            return
                "Property \"\(name)\" is a ref prop to the class \"\(dataType)\". Only \"valueInt\" can be used on a "
                + "ref prop directly to count the number of refs (not supported by the stand-in)"
        }
        let base = dataType.hasSuffix("[]") ? String(dataType.dropLast(2)) : dataType
        let wanted = base == "string" ? "text" : base
        guard valueType == wanted else {
            return "data type filter cannot use \"\(key)\" on type \"\(dataType)\", use \"value"
                + wanted.prefix(1).uppercased() + wanted.dropFirst() + "\" instead"
        }
        return nil
    }

    /// `valueText` → `text`; the deprecated `valueString` is an alias of `valueText`.
    private static func valueType(_ key: String) -> String {
        let t = key.dropFirst("value".count)
        let lower = t.prefix(1).lowercased() + t.dropFirst()
        return lower == "string" ? "text" : lower
    }
}
