/// A problem with the ESCO input: unreadable file, bad CSV, unknown layout.
///
/// `description` is what an operator reads: `path:line:column: message`, or `path: message`
/// when the problem is not tied to a position. Columns count bytes from 1.
public struct DatasetError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file (or `zip:member`, or the dataset folder) the problem is in.
    public var file: String
    /// 1-based physical line, or nil when the problem concerns the whole file.
    public var line: Int?
    /// 1-based byte column within `line`.
    public var column: Int?
    /// What is wrong and, where useful, what to do.
    public var message: String

    public init(file: String, line: Int? = nil, column: Int? = nil, message: String) {
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
