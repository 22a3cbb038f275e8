/// The concept kinds a search can be limited to (`--type`, `type=`).
public enum ConceptType: String, Sendable, Hashable, CaseIterable, Codable {
    case skill
    case occupation
    case isco
    case group
    case all

    /// The concrete types (`all` expanded).
    public var members: [ConceptType] {
        self == .all ? [.skill, .occupation, .isco, .group] : [self]
    }

    /// The Weaviate classes searched for this type.
    public var classNames: [String] { members.compactMap(\.className) }

    /// The Weaviate class of a concrete type; nil for `all`.
    public var className: String? {
        switch self {
        case .skill: "Skill"
        case .occupation: "Occupation"
        case .isco: "ISCOGroup"
        case .group: "SkillGroup"
        case .all: nil
        }
    }

    /// The concrete type stored in a Weaviate class.
    public init?(className: String) {
        guard let t = ConceptType.allCases.first(where: { $0.className == className }) else { return nil }
        self = t
    }

    /// Parses `skill|occupation|isco|group|all` (case-insensitive).
    public static func parse(_ text: String) throws(SearchError) -> ConceptType {
        guard let t = ConceptType(rawValue: text.lowercased()) else {
            throw .invalid(
                "type",
                "unknown type \"\(text.prefix(40))\"; expected one of "
                    + ConceptType.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return t
    }
}
