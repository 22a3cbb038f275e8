/// A configuration problem, naming the spot an operator has to fix.
///
/// `description` reads `config/weaviate_config.yaml:12:5: profiles.default.weaviate.url: expected an http(s) URL,
/// got "foo"`. Values are echoed only where they cannot be secrets, and URLs lose any user:password part.
public struct ConfigError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of problem this is; extensible, compare with the static members.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String {
            case unreadable, invalidYAML, unknownProfile, unknownKey, wrongType, badURL, outOfRange, badValue
        }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }
        public static let unreadable = Code(.unreadable)
        public static let invalidYAML = Code(.invalidYAML)
        public static let unknownProfile = Code(.unknownProfile)
        public static let unknownKey = Code(.unknownKey)
        public static let wrongType = Code(.wrongType)
        public static let badURL = Code(.badURL)
        public static let outOfRange = Code(.outOfRange)
        public static let badValue = Code(.badValue)
        public var description: String { kind.rawValue }
    }

    public var code: Code
    /// The configuration file as given to `load`, or `environment` for an environment override.
    public var file: String
    /// 1-based line and column; nil when the problem has no position (e.g. an unreadable file).
    public var line: Int?
    public var column: Int?
    /// Dotted key path such as `profiles.default.weaviate.url`, or the environment variable's name.
    public var keyPath: String?
    public var message: String

    public init(code: Code, file: String, line: Int? = nil, column: Int? = nil, keyPath: String? = nil, message: String)
    {
        self.code = code
        self.file = file
        self.line = line
        self.column = column
        self.keyPath = keyPath
        self.message = message
    }

    public var description: String {
        var s = file
        if let line { s += ":\(line)" }
        if let column { s += ":\(column)" }
        s += ": "
        if let keyPath, !keyPath.isEmpty { s += keyPath + ": " }
        return s + message
    }
}
