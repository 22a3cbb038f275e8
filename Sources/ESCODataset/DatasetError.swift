/// A problem with the ESCO input: unreadable file, bad CSV, unknown layout.
///
/// `description` is what an operator reads: `path:line:column: message`, or `path: message`
/// when the problem is not tied to a position. Columns count bytes from 1.
public struct DatasetError: Error, CustomStringConvertible, Sendable, Equatable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String { case notFound, unreadable, layout, malformed, changed }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }
        /// The dataset path does not exist.
        public static let notFound = Code(.notFound)
        /// A file or archive member cannot be read or decompressed (I/O error, corrupt or truncated data).
        public static let unreadable = Code(.unreadable)
        /// The files present are not an ESCO export (missing files, several languages, unknown layout).
        public static let layout = Code(.layout)
        /// A CSV file's content is wrong at a position (header, field count, values).
        public static let malformed = Code(.malformed)
        /// A file's content differs from the fingerprint the run started with (replaced while being read).
        public static let changed = Code(.changed)
        public var description: String { kind.rawValue }
    }

    public var code: Code
    /// The file (or `zip:member`, or the dataset folder) the problem is in.
    public var file: String
    /// 1-based physical line, or nil when the problem concerns the whole file.
    public var line: Int?
    /// 1-based byte column within `line`.
    public var column: Int?
    /// What is wrong and, where useful, what to do.
    public var message: String

    public init(code: Code, file: String, line: Int? = nil, column: Int? = nil, message: String) {
        self.code = code
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        if let line, let column { return "\(file):\(line):\(column): \(message)" }
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}

/// Raised by byte sources; the CSV reader adds the position it had reached.
struct SourceError: Error {
    var message: String
}
