import Foundation
import Testing

@testable import ESCODataset

func parse(_ text: String, step: Int = 3) throws -> [[String]] { try parse(Array(text.utf8), step: step) }

func parse(_ bytes: [UInt8], step: Int = 3) throws -> [[String]] {
    let reader = CSVReader(source: MemoryByteSource(bytes, step: step), name: "t.csv")
    var rows: [[String]] = []
    while try reader.next() { rows.append((0..<reader.record.count).map { reader.record.string($0) }) }
    return rows
}

func parseError(_ text: String, step: Int = 3) -> String? { parseError(Array(text.utf8), step: step) }

func parseError(_ bytes: [UInt8], step: Int = 3) -> String? {
    do {
        _ = try parse(bytes, step: step)
        return nil
    } catch {
        return "\(error)"
    }
}

@Suite struct CSVReaderTests {
    @Test(arguments: [1, 2, 3, 7, 64 * 1024])
    func quotesEscapesAndLineBreaks(step: Int) throws {
        let text = "a,b,c\r\n\"x,1\",\"he said \"\"hi\"\"\",\"l1\nl2\"\r\n,,\r\n\"\"\"\",\"\",z"
        #expect(
            try parse(text, step: step) == [
                ["a", "b", "c"], ["x,1", "he said \"hi\"", "l1\nl2"], ["", "", ""], ["\"", "", "z"],
            ])
    }

    @Test func crlfAndLfRecordEndsAndBlankLines() throws {
        #expect(try parse("a,b\nc,d\r\ne,f\r\n\r\n\ng,h\n") == [["a", "b"], ["c", "d"], ["e", "f"], ["g", "h"]])
    }

    @Test func trailingEmptyFieldAndRaggedRows() throws {
        #expect(try parse("a,b,\r\nc\r\nd,e,f,g") == [["a", "b", ""], ["c"], ["d", "e", "f", "g"]])
    }

    @Test func bomIsStripped() throws {
        #expect(try parse([0xEF, 0xBB, 0xBF] + Array("h1,h2\r\n1,2\r\n".utf8)) == [["h1", "h2"], ["1", "2"]])
    }

    @Test func multiByteCharactersAcrossChunkBoundaries() throws {
        #expect(try parse("é,\u{00A0}x,😀\r\n", step: 1) == [["é", "\u{00A0}x", "😀"]])
    }

    @Test func fieldOf200KB() throws {
        let big = String(repeating: "abc,\"\n", count: 40_000)  // 240 KB with escapes and line breaks
        let quoted = "\"" + big.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        let rows = try parse("h1,h2\r\n1," + quoted + "\r\n2,x\r\n", step: 65_536)
        #expect(rows.count == 3)
        #expect(rows[1][1] == big)
        #expect(rows[2] == ["2", "x"])
    }

    @Test func unbalancedQuoteReportsWhereItOpened() {
        #expect(
            parseError("a,b\r\nc,\"never\nclosed,x\r\n")
                == "t.csv:2:3: unbalanced quote: the quoted field opened here never closes (file ends at line 4)")
    }

    @Test func quoteInsideUnquotedField() {
        #expect(parseError("a,b\r\nab\"c,d\r\n")?.hasPrefix("t.csv:2:3: quote inside an unquoted field") == true)
    }

    @Test func garbageAfterClosingQuote() {
        #expect(
            parseError("\"ab\"c,d\r\n")?.hasPrefix("t.csv:1:5: unexpected character after the closing quote") == true)
    }

    @Test(arguments: [1, 5, 4096])
    func invalidUTF8ReportsLineAndColumnOfTheByte(step: Int) {
        let bytes = Array("a,b\r\n\"x\ny\",".utf8) + [0x61, 0xFF, 0x62] + Array("\r\n".utf8)
        #expect(parseError(bytes, step: step)?.hasPrefix("t.csv:3:5: invalid UTF-8 (byte 0xFF)") == true)
    }

    @Test func truncatedUTF8SequenceAtEndOfFile() {
        #expect(parseError(Array("a,b\r\nc,".utf8) + [0xC3])?.hasPrefix("t.csv:2:3: invalid UTF-8 (byte 0xC3)") == true)
    }

    @Test func overlongAndSurrogateEncodingsAreRejected() {
        #expect(parseError([0x61, 0xC0, 0xAF]) != nil)
        #expect(parseError([0x61, 0xED, 0xA0, 0x80]) != nil)
    }

    @Test func emptyInputHasNoRecords() throws {
        #expect(try parse("") == [])
        #expect(try parse("\r\n\r\n") == [])
    }

    @Test func listFieldConventions() {
        #expect(ListField.labels("a\n b  c\n\n\u{00A0}d\u{200B}\n") == ["a", "b c", "d"])
        #expect(ListField.uris("http://a,\nhttp://b\nhttp://c,\n") == ["http://a", "http://b", "http://c"])
        #expect(ListField.pipes("http://a | http://b |") == ["http://a", "http://b"])
    }
}
