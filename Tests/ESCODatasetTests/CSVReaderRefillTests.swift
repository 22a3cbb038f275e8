import ESCOCore
import Testing

@testable import ESCODataset

/// The reader's records are views into its buffer: a refill must carry the record read so far (its fields'
/// offsets with it), a record longer than a chunk must grow the buffer, and `""` escapes are unescaped in place.
/// These read known rows back in reads of every small size, so every byte lands on a refill boundary.
@Suite struct CSVReaderRefillTests {
    /// RFC 4180 text of `rows`: fields with a quote, comma, CR or LF are quoted, quotes doubled; CRLF record ends.
    static func csv(_ rows: [[String]]) -> [UInt8] {
        var out: [UInt8] = []
        for row in rows {
            for (i, field) in row.enumerated() {
                if i > 0 { out.append(0x2C) }
                if field.utf8.contains(where: { $0 == 0x22 || $0 == 0x2C || $0 == 0x0A || $0 == 0x0D }) {
                    out.append(0x22)
                    for b in field.utf8 { out += b == 0x22 ? [0x22, 0x22] : [b] }
                    out.append(0x22)
                } else {
                    out += field.utf8
                }
            }
            out += [0x0D, 0x0A]
        }
        return out
    }

    static let rows = [
        ["conceptUri", "preferredLabel", "altLabels", "description"],
        ["http://data.europa.eu/esco/skill/0005c151", "manage musical staff", "", "Assign and manage staff tasks."],
        ["http://data.europa.eu/esco/skill/00064735", "say \"hi\"", "a\nb\nc", "\"\"quoted\"\", twice\""],
        ["", "", "", ""],
        ["http://data.europa.eu/esco/skill/000f1d3d", "né, çà", "€\n¢¬Ê", "ends with a quote\""],
    ]

    @Test(arguments: 1...17)
    func fieldsAndEscapesStraddlingRefillsReadBackExactly(step: Int) throws {
        #expect(try parse(Self.csv(Self.rows), step: step) == Self.rows)
    }

    @Test(arguments: [1, 2, 3, 4, 5])
    func escapedQuotesSplitByEveryRefillBoundary(step: Int) throws {
        // Every position of a "" pair relative to a read of `step` bytes, with text on both sides.
        let rows = (0..<12).map { k in
            [String(repeating: "x", count: k) + "a\"b\"\"c" + String(repeating: "y", count: k)]
        }
        #expect(try parse(Self.csv(rows), step: step) == rows)
    }

    @Test(arguments: [4_096, 65_536, 100_000])
    func recordLongerThanAChunkKeepsItsEarlierFields(step: Int) throws {
        // Three fields of 50 KB each (the last quoted, with escapes and line breaks): the record is more than
        // twice a chunk, so the buffer grows while earlier fields' offsets must move with their bytes.
        let a = String(repeating: "http://data.europa.eu/esco/", count: 2_000)
        let b = String(repeating: "0123456789", count: 5_000)
        let c = String(repeating: "say \"hi\",\nthen ", count: 3_400)
        let rows = [["h1", "h2", "h3"], [a, b, c], ["1", "2", "3"], [c, "", a]]
        let parsed = try parse(Self.csv(rows), step: step)
        #expect(parsed.count == rows.count)
        for (got, want) in zip(parsed, rows) { #expect(got == want) }
    }

    @Test func randomRowsReadBackWhateverTheReadSizes() throws {
        // Fields made of pieces that need quoting, escaping or several bytes, in reads of 1 to 70 bytes.
        let pieces = ["a", "http://data.europa.eu/esco/skill/", ",", "\"", "\n", "\r\n", " ", "é", "€", "¢¬Ê", "\"\""]
        var generator = SplitMix64(seed: 16)
        for _ in 0..<300 {
            let rows = (0..<Int.random(in: 1...6, using: &generator)).map { _ in
                let row = (0..<Int.random(in: 1...5, using: &generator)).map { _ in
                    (0..<Int.random(in: 0...12, using: &generator)).map { _ in
                        pieces.randomElement(using: &generator)!
                    }.joined()
                }
                return row == [""] ? ["x"] : row  // one empty field would be a blank line, which is skipped
            }
            let step = Int.random(in: 1...70, using: &generator)
            #expect(try parse(Self.csv(rows), step: step) == rows, "step \(step)")
        }
    }

    @Test func specialsAtEveryOffsetOfAnEightByteWord() throws {
        // The scans test eight bytes at a time: each special byte at each offset, after each field length.
        for k in 0..<20 {
            let field = String(repeating: "a", count: k)
            #expect(try parse("\(field),\(field)\r\n\(field)z\n", step: 64) == [[field, field], [field + "z"]])
            #expect(
                try parse("\"\(field)\",\"\(field)\"\"\(field)\"\r\n", step: 64) == [[field, field + "\"" + field]])
            #expect(
                parseError("x,a\(field)\"\r\n")?.hasPrefix("t.csv:1:\(k + 4): quote inside an unquoted field") == true)
        }
    }

    @Test func lineBreaksInsideQuotedFieldsCountForLaterPositions() {
        // 0x8A, 0xAC and 0xA2 are a line feed, comma and quote with the high bit set: UTF-8 continuation bytes
        // that must not be taken for them.
        let text = "h\r\n\"Ê¢\n¬\n\n\",x\"\r\n"
        #expect(parseError(text, step: 5)?.hasPrefix("t.csv:5:4: quote inside an unquoted field") == true)
        // Line breaks deep inside long quoted fields (found eight bytes at a time, not byte by byte).
        let long = "h\r\n\"" + String(repeating: "twenty-four bytes long\n", count: 9) + "\",ab\"\r\n"
        #expect(parseError(long, step: 4_096)?.hasPrefix("t.csv:11:5: quote inside an unquoted field") == true)
    }
}
