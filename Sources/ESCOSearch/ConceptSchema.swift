/// The reference properties `show` lists per concept type (resources/schemas/*.yaml), in display order.
public enum ConceptSchema {
    public struct Relation: Sendable, Hashable {
        /// The reference property.
        public var name: String
        /// The class it points at.
        public var target: String
        /// What an operator reads.
        public var title: String
    }

    public static func relations(of type: ConceptType) -> [Relation] {
        switch type {
        case .occupation:
            [
                .init(name: "iscoGroup", target: "ISCOGroup", title: "ISCO group"),
                .init(name: "broaderOccupation", target: "Occupation", title: "broader occupation"),
                .init(name: "narrowerOccupations", target: "Occupation", title: "narrower occupations"),
                .init(name: "essentialSkills", target: "Skill", title: "essential skills"),
                .init(name: "optionalSkills", target: "Skill", title: "optional skills"),
                .init(name: "collections", target: "SkillCollection", title: "collections"),
            ]
        case .skill:
            [
                .init(name: "broaderSkills", target: "Skill", title: "broader skills"),
                .init(name: "narrowerSkills", target: "Skill", title: "narrower skills"),
                .init(name: "skillGroups", target: "SkillGroup", title: "skill groups"),
                .init(name: "essentialSkills", target: "Skill", title: "essential related skills"),
                .init(name: "optionalSkills", target: "Skill", title: "optional related skills"),
                .init(name: "essentialForSkills", target: "Skill", title: "essential for skills"),
                .init(name: "optionalForSkills", target: "Skill", title: "optional for skills"),
                .init(name: "collections", target: "SkillCollection", title: "collections"),
                .init(name: "essentialForOccupations", target: "Occupation", title: "essential for occupations"),
                .init(name: "optionalForOccupations", target: "Occupation", title: "optional for occupations"),
            ]
        case .isco:
            [
                .init(name: "broaderGroup", target: "ISCOGroup", title: "broader group"),
                .init(name: "narrowerGroups", target: "ISCOGroup", title: "narrower groups"),
                .init(name: "occupations", target: "Occupation", title: "occupations"),
            ]
        case .group:
            [
                .init(name: "broaderGroups", target: "SkillGroup", title: "broader groups"),
                .init(name: "narrowerGroups", target: "SkillGroup", title: "narrower groups"),
                .init(name: "skills", target: "Skill", title: "skills"),
            ]
        case .all: []
        }
    }

    /// Scalar properties shown besides label and description, per type.
    public static func scalarProperties(of type: ConceptType) -> [String] {
        switch type {
        case .occupation: ["code", "iscoGroupCode", "definition", "scopeNote", "regulatedProfessionNote", "status"]
        case .skill: ["skillType", "reuseLevel", "definition", "scopeNote", "status"]
        case .isco: ["code", "level", "status"]
        case .group: ["code", "scopeNote", "status"]
        case .all: []
        }
    }
}
