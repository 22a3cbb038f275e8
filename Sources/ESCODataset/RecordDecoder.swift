import ESCOCore

/// How each file's rows become records: given a table, its columns are looked up once, and the returned function
/// decodes the current row (fields by name, so column order may differ between ESCO versions).
enum RecordDecoder {
    static func iscoGroup(_ t: CSVTable) -> (CSVTable) throws -> ISCOGroupRecord {
        let c = ["conceptUri", "code", "preferredLabel", "altLabels", "status", "description", "inScheme"].map {
            t.column($0)
        }
        return { t in
            let r = t.record
            return ISCOGroupRecord(
                uri: r.string(c[0]), code: r.string(c[1]), preferredLabel: LabelText.normalise(r.string(c[2])),
                altLabels: ListField.labels(r.string(c[3])), status: r.string(c[4]), description: r.string(c[5]),
                inScheme: ListField.uris(r.string(c[6])))
        }
    }

    static func skillGroup(_ t: CSVTable) -> (CSVTable) throws -> SkillGroupRecord {
        let c = [
            "conceptUri", "code", "preferredLabel", "altLabels", "hiddenLabels", "status", "scopeNote", "description",
            "inScheme",
        ].map { t.column($0) }
        return { t in
            let r = t.record
            return SkillGroupRecord(
                uri: r.string(c[0]), code: r.string(c[1]), preferredLabel: LabelText.normalise(r.string(c[2])),
                altLabels: ListField.labels(r.string(c[3])), hiddenLabels: ListField.labels(r.string(c[4])),
                status: r.string(c[5]), scopeNote: r.string(c[6]), description: r.string(c[7]),
                inScheme: ListField.uris(r.string(c[8])))
        }
    }

    static func skill(_ t: CSVTable) -> (CSVTable) throws -> SkillRecord {
        let c = [
            "conceptUri", "skillType", "reuseLevel", "preferredLabel", "altLabels", "hiddenLabels", "status",
            "scopeNote", "definition", "description", "inScheme",
        ].map { t.column($0) }
        return { t in
            let r = t.record
            return SkillRecord(
                uri: r.string(c[0]), skillType: r.string(c[1]), reuseLevel: r.string(c[2]),
                preferredLabel: LabelText.normalise(r.string(c[3])), altLabels: ListField.labels(r.string(c[4])),
                hiddenLabels: ListField.labels(r.string(c[5])), status: r.string(c[6]), scopeNote: r.string(c[7]),
                definition: r.string(c[8]), description: r.string(c[9]), inScheme: ListField.uris(r.string(c[10])))
        }
    }

    static func occupation(_ t: CSVTable) -> (CSVTable) throws -> OccupationRecord {
        let c = [
            "conceptUri", "code", "iscoGroup", "preferredLabel", "altLabels", "hiddenLabels", "status",
            "regulatedProfessionNote", "scopeNote", "definition", "description", "inScheme", "naceCode",
        ].map { t.column($0) }
        return { t in
            let r = t.record
            return OccupationRecord(
                uri: r.string(c[0]), code: r.string(c[1]), iscoGroupCode: r.string(c[2]),
                preferredLabel: LabelText.normalise(r.string(c[3])), altLabels: ListField.labels(r.string(c[4])),
                hiddenLabels: ListField.labels(r.string(c[5])), status: r.string(c[6]),
                regulatedProfessionNote: r.string(c[7]), scopeNote: r.string(c[8]), definition: r.string(c[9]),
                description: r.string(c[10]), inScheme: ListField.uris(r.string(c[11])),
                naceCodes: ListField.uris(r.string(c[12])))
        }
    }

    static func conceptScheme(_ t: CSVTable) -> (CSVTable) throws -> ConceptSchemeRecord {
        let c = ["conceptSchemeUri", "preferredLabel", "title", "status", "description", "hasTopConcept"].map {
            t.column($0)
        }
        return { t in
            let r = t.record
            return ConceptSchemeRecord(
                uri: r.string(c[0]), preferredLabel: LabelText.normalise(r.string(c[1])), title: r.string(c[2]),
                status: r.string(c[3]), description: r.string(c[4]), hasTopConcept: ListField.uris(r.string(c[5])))
        }
    }

    static func collectionMember(
        _ kind: CollectionKind, _ t: CSVTable
    ) -> (CSVTable) throws -> CollectionMemberRecord {
        let c = ["conceptType", "conceptUri", "preferredLabel", "broaderConceptUri"].map { t.column($0) }
        return { t in
            let r = t.record
            return CollectionMemberRecord(
                collection: kind, conceptType: r.string(c[0]), conceptUri: r.string(c[1]),
                preferredLabel: LabelText.normalise(r.string(c[2])), broaderConceptUris: ListField.pipes(r.string(c[3]))
            )
        }
    }

    static func occupationSkill(_ t: CSVTable) -> (CSVTable) throws -> OccupationSkillRelation {
        let c = DatasetFile.Kind.occupationSkillRelations.requiredColumns.map { t.column($0) }
        return { t in
            let r = t.record
            return OccupationSkillRelation(
                occupationUri: r.string(c[0]), kind: try relationKind(t, c[1]), skillType: r.string(c[2]),
                skillUri: r.string(c[3]))
        }
    }

    static func skillSkill(_ t: CSVTable) -> (CSVTable) throws -> SkillSkillRelation {
        let c = DatasetFile.Kind.skillSkillRelations.requiredColumns.map { t.column($0) }
        return { t in
            let r = t.record
            return SkillSkillRelation(
                originalSkillUri: r.string(c[0]), kind: try relationKind(t, c[1]), relatedSkillUri: r.string(c[2]))
        }
    }

    static func broader(
        _ pillar: BroaderRelation.Pillar, _ kind: DatasetFile.Kind, _ t: CSVTable
    ) -> (CSVTable) throws -> BroaderRelation {
        let c = kind.requiredColumns.map { t.column($0) }
        return { t in
            let r = t.record
            return BroaderRelation(
                pillar: pillar, conceptType: r.string(c[0]), conceptUri: r.string(c[1]), broaderType: r.string(c[2]),
                broaderUri: r.string(c[3]))
        }
    }

    private static func relationKind(_ t: CSVTable, _ column: Int) throws -> OccupationSkillRelation.Kind {
        let value = t.record.string(column)
        guard let kind = OccupationSkillRelation.Kind(rawValue: value) else {
            throw DatasetError(
                code: .malformed, file: t.reader.name, line: t.record.line, column: 1,
                message: "relationType is \"\(value)\"; expected essential or optional")
        }
        return kind
    }
}
