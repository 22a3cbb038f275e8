/// Why a model directory cannot be used; the message names the file and what to do about it.
public struct ModelError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String { case unusableModel }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }
        /// A model file is missing, unreadable, malformed, or describes a model this encoder does not run.
        public static let unusableModel = Code(.unusableModel)
        public var description: String { kind.rawValue }
    }

    public var code: Code
    public var message: String

    public init(_ message: String, code: Code = .unusableModel) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
