public import ESCOCore

/// One logical ESCO CSV file of a dataset and where its bytes come from.
public struct DatasetFile: Sendable, Hashable, Codable {
    /// What the file holds.
    public enum Kind: Sendable, Hashable, Codable {
        case skills, occupations, iscoGroups, skillGroups, conceptSchemes, skillsHierarchy
        case collection(CollectionKind)
        case occupationSkillRelations, skillSkillRelations, broaderRelationsOccPillar, broaderRelationsSkillPillar

        /// File stem without language suffix, as in the export.
        public var stem: String {
            switch self {
            case .skills: "skills"
            case .occupations: "occupations"
            case .iscoGroups: "ISCOGroups"
            case .skillGroups: "skillGroups"
            case .conceptSchemes: "conceptSchemes"
            case .skillsHierarchy: "skillsHierarchy"
            case .collection(let c): c.fileStem
            case .occupationSkillRelations: "occupationSkillRelations"
            case .skillSkillRelations: "skillSkillRelations"
            case .broaderRelationsOccPillar: "broaderRelationsOccPillar"
            case .broaderRelationsSkillPillar: "broaderRelationsSkillPillar"
            }
        }

        var isRelation: Bool {
            switch self {
            case .occupationSkillRelations, .skillSkillRelations, .broaderRelationsOccPillar,
                .broaderRelationsSkillPillar:
                true
            default: false
            }
        }

        /// Columns a file of this kind must have: checked at its header line.
        var requiredColumns: [String] {
            switch self {
            case .skills: ["conceptUri", "skillType", "reuseLevel", "preferredLabel"]
            case .occupations: ["conceptUri", "iscoGroup", "preferredLabel"]
            case .iscoGroups: ["conceptUri", "code", "preferredLabel"]
            case .skillGroups: ["conceptUri", "preferredLabel"]
            case .conceptSchemes: ["conceptSchemeUri", "preferredLabel"]
            case .skillsHierarchy: ["Level 0 URI"]
            case .collection: ["conceptType", "conceptUri", "preferredLabel"]
            case .occupationSkillRelations: ["occupationUri", "relationType", "skillType", "skillUri"]
            case .skillSkillRelations: ["originalSkillUri", "relationType", "relatedSkillUri"]
            case .broaderRelationsOccPillar, .broaderRelationsSkillPillar:
                ["conceptType", "conceptUri", "broaderType", "broaderUri"]
            }
        }

        static let required: [Kind] = [
            .skills, .occupations, .iscoGroups, .skillGroups, .occupationSkillRelations, .skillSkillRelations,
            .broaderRelationsOccPillar, .broaderRelationsSkillPillar,
        ]
        static let all: [Kind] =
            required + [.conceptSchemes, .skillsHierarchy] + CollectionKind.allCases.map { .collection($0) }

        static func from(stem: String) -> Kind? { all.first { $0.stem == stem } }
    }

    /// How the bytes are stored.
    public enum Format: String, Sendable, Hashable, Codable {
        case csv, gzip, zipMember = "zip"
    }

    /// Logical file name, e.g. `skills_en.csv` or `occupationSkillRelations.csv`.
    public var name: String
    public var kind: Kind
    public var format: Format
    /// The file on disk: the CSV, the `.csv.gz`, or the zip archive.
    public var path: String
    /// The member name inside the zip, for `.zipMember`.
    public var member: String?

    public init(name: String, kind: Kind, format: Format, path: String, member: String? = nil) {
        self.name = name
        self.kind = kind
        self.format = format
        self.path = path
        self.member = member
    }

    /// Where the bytes come from, as used in error messages: the path, or `zip-path:member`.
    public var source: String { member.map { "\(path):\($0)" } ?? path }

    /// A fresh stream of the decompressed CSV bytes.
    func openSource() throws -> any ByteSource {
        do {
            switch format {
            case .csv: return try PlainFileSource(path: path)
            case .gzip: return try GzipSource(path: path)
            case .zipMember:
                let archive = try ZipArchive(path: path)
                guard let entry = archive.entries.first(where: { $0.name == member }) else {
                    throw SourceError(message: "zip member \(member ?? "") is gone")
                }
                return try archive.open(entry)
            }
        } catch let e as SourceError {
            throw DatasetError(code: .unreadable, file: source, message: e.message)
        }
    }
}
