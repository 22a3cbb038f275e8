import ESCOClients
import ESCOCore

extension SearchEngine {
    /// A concept with its relations, by URI or object id. Throws `SearchError` 404 when no class holds it.
    public func concept(_ reference: ConceptReference) async throws -> ConceptDetail {
        // The URI alone does not say the class (skills and skill groups share /esco/skill/), so ask every
        // concept class; at most one answers.
        let filter: WhereFilter =
            switch reference {
            case .uri(let uri): .equal(["conceptUri"], .text(uri))
            case .id(let id): .equal(["id"], .text(id))
            }
        // One data generation for every class asked (docs/ARCHITECTURE.md#aliases).
        let backend = try await self.backend.pinned()
        let found = try await withThrowingTaskGroup(of: (ConceptType, JSONValue?).self) { group in
            for type in ConceptType.all.members {
                group.addTask {
                    let rows = try await backend.objects(
                        className: type.className!, filter: filter, fields: Self.detailFields(type), limit: 1)
                    return (type, rows.first)
                }
            }
            var found: [(ConceptType, JSONValue)] = []
            for try await (type, row) in group { if let row { found.append((type, row)) } }
            return found.sorted { $0.0.rawValue < $1.0.rawValue }.first
        }
        guard let (type, row) = found else {
            throw SearchError.notFound(
                "no concept \(reference) (searched skills, occupations, ISCO groups and skill groups)")
        }
        return Self.detail(type: type, row: row)
    }

    static func detailFields(_ type: ConceptType) -> [GraphQLField] {
        var fields: [GraphQLField] = ["conceptUri", "preferredLabel", "altLabels", "description"]
        fields += ConceptSchema.scalarProperties(of: type).map { .property($0) }
        fields += ConceptSchema.relations(of: type).map {
            .reference($0.name, on: $0.target, ["conceptUri", "preferredLabel"])
        }
        return fields
    }

    static func typeName(ofClass cls: String) -> String {
        cls == "SkillCollection" ? "collection" : ConceptType(className: cls)?.rawValue ?? cls
    }

    static func detail(type: ConceptType, row: JSONValue) -> ConceptDetail {
        let uri = row["conceptUri"]?.stringValue ?? ""
        var scalars: [String: String] = [:]
        for name in ConceptSchema.scalarProperties(of: type) {
            switch row[name] {
            case .string(let s)? where !s.isEmpty: scalars[name] = s
            case .number(let d)?: scalars[name] = d.rounded() == d ? String(Int(d)) : String(d)
            default: break
            }
        }
        let relations = ConceptSchema.relations(of: type).map { rel in
            var seen = Set<String>()
            let links = (row[rel.name]?.arrayValue ?? []).compactMap { target -> ConceptLink? in
                guard let u = target["conceptUri"]?.stringValue, seen.insert(u).inserted else { return nil }
                return ConceptLink(
                    uri: u, id: ObjectID.uuid5(u), label: target["preferredLabel"]?.stringValue ?? "",
                    type: typeName(ofClass: rel.target))
            }
            return ConceptRelation(name: rel.name, title: rel.title, concepts: links.sorted())
        }
        return ConceptDetail(
            uri: uri, id: ObjectID.uuid5(uri), type: type, label: row["preferredLabel"]?.stringValue ?? "",
            altLabels: (row["altLabels"]?.arrayValue ?? []).compactMap(\.stringValue),
            description: row["description"]?.stringValue ?? "", properties: scalars, relations: relations)
    }
}
