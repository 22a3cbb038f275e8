import ESCOCore
import ESCOSystem

/// A CSV file with a checked header: columns by name, rows checked against the header's field count.
final class CSVTable {
    let reader: CSVReader
    let header: [String]
    private let index: [String: Int]
    private let ragged: Bool
    private(set) var rows = 0

    var record: CSVRecord { reader.record }
    var bytesRead: Int { reader.bytesRead }

    /// Opens `file`, reads the header and checks it has `required` columns.
    /// `ragged`: rows may omit trailing fields (skillsHierarchy). `hasher` gets every decompressed byte of the
    /// file (the fingerprint); it is complete once `next()` has answered false.
    init(file: DatasetFile, required: [String], ragged: Bool = false, hasher: SHA256? = nil) throws {
        // Inflating runs ahead on its own thread while this one hashes and parses (see PrefetchingSource).
        reader = CSVReader(source: PrefetchingSource(try file.openSource(), hasher: hasher), name: file.source)
        self.ragged = ragged
        guard try reader.next() else {
            throw DatasetError(
                code: .malformed, file: file.source, line: 1, column: 1,
                message: "file is empty; expected a header line with columns \(required.joined(separator: ","))")
        }
        let rec = reader.record
        header = (0..<rec.count).map { rec.string($0) }
        var index: [String: Int] = [:]
        for (i, name) in header.enumerated() where index[name] == nil { index[name] = i }
        self.index = index
        let missing = required.filter { index[$0] == nil }
        if !missing.isEmpty {
            let looksLikeData = header.contains { $0.hasPrefix("http://") || $0.hasPrefix("https://") }
            throw DatasetError(
                code: .malformed, file: file.source, line: rec.line, column: 1,
                message: (looksLikeData
                    ? "header line missing: line \(rec.line) is a data row; "
                    : "wrong header: missing column\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", ")); ")
                    + "expected a header naming \(required.joined(separator: ","))")
        }
    }

    /// Index of a column, or -1 when the file does not have it (reads as "").
    func column(_ name: String) -> Int { index[name] ?? -1 }

    func next() throws -> Bool {
        guard try reader.next() else { return false }
        rows += 1
        let count = reader.record.count
        if count != header.count && !(ragged && count < header.count) {
            throw DatasetError(
                code: .malformed, file: reader.name, line: reader.record.line, column: 1,
                message: "row has \(count) field\(count == 1 ? "" : "s") but the header has \(header.count); "
                    + "check for a stray comma or an unquoted line break in this record")
        }
        return true
    }
}

/// List fields, split by each file's convention (see the data README).
enum ListField {
    /// altLabels / hiddenLabels: one label per line, normalised, empties dropped.
    static func labels(_ s: String) -> [String] {
        guard !s.isEmpty else { return [] }
        var s = s
        return s.withUTF8 { bytes in
            var out: [String] = []
            var start = 0
            for i in 0...bytes.count where i == bytes.count || bytes[i] == 0x0A {
                if i > start { out.append(label(UnsafeBufferPointer(rebasing: bytes[start..<i]))) }
                start = i + 1
            }
            return out.filter { !$0.isEmpty }
        }
    }

    /// A label, normalised; plain ASCII without stray spaces skips `LabelText.normalise` (the common case).
    static func label(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var clean = bytes.first != 0x20 && bytes.last != 0x20
        var previous: UInt8 = 0
        for b in bytes where clean {
            if b < 0x20 || b > 0x7E || (b == 0x20 && previous == 0x20) { clean = false }
            previous = b
        }
        let text = String(decoding: bytes, as: UTF8.self)
        return clean ? text : LabelText.normalise(text)
    }

    /// inScheme / hasTopConcept / naceCode: URIs separated by "\n" or ",\n" (bytes, not Characters: hot path).
    static func uris(_ s: String) -> [String] {
        guard !s.isEmpty else { return [] }
        var s = s
        return s.withUTF8 { bytes in
            var out: [String] = []
            var start = 0
            for i in 0...bytes.count where i == bytes.count || bytes[i] == 0x0A {
                var a = start
                var b = i
                while a < b, bytes[a] == 0x20 || bytes[a] == 0x09 || bytes[a] == 0x0D { a += 1 }
                while b > a,
                    bytes[b - 1] == 0x2C || bytes[b - 1] == 0x20 || bytes[b - 1] == 0x09 || bytes[b - 1] == 0x0D
                { b -= 1 }
                if b > a { out.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[a..<b]), as: UTF8.self)) }
                start = i + 1
            }
            return out
        }
    }

    /// Collection files: " | " between entries.
    static func pipes(_ s: String) -> [String] {
        guard !s.isEmpty else { return [] }
        return s.split(separator: "|").map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
    }
}

extension String {
    var trimmingSpaces: String {
        var t = Substring(self)
        while let f = t.first, f.isWhitespace { t = t.dropFirst() }
        while let l = t.last, l.isWhitespace { t = t.dropLast() }
        return String(t)
    }
}
