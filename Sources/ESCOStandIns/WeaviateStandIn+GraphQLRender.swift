import ESCOCore
import Foundation
import GraphQL

/// Selection validation and result rendering for `Get`.
extension GQLContext {
    /// Unknown fields fail the whole query, as GraphQL validation does, even when no object matches.
    func validateSelections(_ className: String, _ selections: [any Selection], _ s: WeaviateStore) throws {
        for sel in selections {
            if let frag = sel as? InlineFragment, let c = frag.typeCondition?.name.value {
                guard s.classes[c] != nil else { throw GQLFailure("Unknown type \"\(c)\".", validation: true) }
                try validateSelections(c, frag.selectionSet.selections, s)
                continue
            }
            guard let f = sel as? Field else { continue }
            let name = f.name.value
            if name == "_additional" || name == "__typename" { continue }
            guard let def = s.property(className, name) else {
                throw GQLFailure(
                    "Cannot query field \"\(name)\" on type \"\(className)\".", line: f.loc?.startToken.line ?? 1,
                    column: f.loc?.startToken.column ?? 1, validation: true)
            }
            let dt = def["dataType"]?.arrayValue?.first?.stringValue ?? "text"
            if !primitiveDataTypes.contains(dt), let sub = f.selectionSet?.selections {
                try validateSelections(className, sub.filter { $0 is InlineFragment }, s)
            }
        }
    }

    func render(_ o: StoredObject, distance: Float?, _ selections: [any Selection], _ s: WeaviateStore) throws
        -> JSONValue
    {
        var out: [String: JSONValue] = [:]
        for sel in selections {
            if let frag = sel as? InlineFragment {
                if frag.typeCondition?.name.value == o.className {
                    if case .object(let more) = try render(o, distance: distance, frag.selectionSet.selections, s) {
                        out.merge(more) { _, new in new }
                    }
                }
                continue
            }
            guard let f = sel as? Field else { throw GQLFailure("fragment spreads are not supported by the stand-in") }
            let name = f.name.value
            let key = f.alias?.value ?? name
            if name == "__typename" { out[key] = .string(o.className); continue }
            if name == "_additional" {
                var add: [String: JSONValue] = [:]
                for case let a as Field in f.selectionSet?.selections ?? [] {
                    let an = a.name.value
                    switch an {
                    case "id": add[an] = .string(o.id)
                    case "distance": add[an] = distance.map { .number(Double($0)) } ?? .null
                    case "certainty": add[an] = distance.map { .number(Double(1 - $0 / 2)) } ?? .null
                    case "vector": add[an] = o.vector.map { .array($0.map { .number(Double($0)) }) } ?? .array([])
                    case "creationTimeUnix": add[an] = .string(String(o.created))
                    case "lastUpdateTimeUnix": add[an] = .string(String(o.updated))
                    default:
                        throw GQLFailure(
                            "Cannot query field \"\(an)\" on type \"\(o.className)AdditionalFields\".", validation: true
                        )
                    }
                }
                out[key] = .object(add)
                continue
            }
            guard let def = s.property(o.className, name) else {
                throw GQLFailure("Cannot query field \"\(name)\" on type \"\(o.className)\".", validation: true)
            }
            let dt = def["dataType"]?.arrayValue?.first?.stringValue ?? "text"
            if primitiveDataTypes.contains(dt) {
                out[key] = o.properties[name] ?? .null
                continue
            }
            guard let sub = f.selectionSet?.selections else {
                throw GQLFailure(
                    "Field \"\(name)\" of type \"[\(o.className)\(name.prefix(1).uppercased() + name.dropFirst())Obj]\" "
                        + "must have a selection of subfields.",
                    validation: true)
            }
            var refs: [JSONValue] = []
            for r in o.properties[name]?.arrayValue ?? [] {
                guard let b = r["beacon"]?.stringValue.flatMap(Beacon.init), let c = b.className,
                    let target = s.objects[c]?[b.id]
                else { continue }
                refs.append(try render(target, distance: nil, sub, s))
            }
            out[key] = refs.isEmpty ? .null : .array(refs)
        }
        return .object(out)
    }
}
