import Testing

@testable import ESCOCore

/// RFC 8259 conformance of `JSONCodec.parse`: what the grammar accepts, what it rejects (with the byte offset),
/// and the documented choices for what the RFC leaves open. None of these may trap.
@Suite struct JSONConformanceTests {
    @Test(arguments: [
        // Numbers (section 6).
        ("0", JSONValue.number(0)), ("-0", .number(0)), ("1", .number(1)), ("-1", .number(-1)),
        ("123456789012345", .number(123_456_789_012_345)), ("1.5", .number(1.5)), ("-0.25", .number(-0.25)),
        ("1e3", .number(1000)), ("1E+3", .number(1000)), ("25e-2", .number(0.25)), ("0.0", .number(0)),
        ("12345678901234567890", .number(12_345_678_901_234_567_890)), ("1e-400", .number(0)),
        ("1.7976931348623157e308", .number(1.7976931348623157e308)),
        // Literals and whitespace (sections 2, 3).
        ("true", .bool(true)), ("false", .bool(false)), ("null", .null), (" \t\r\n[ ] \n", .array([])),
        ("{}", .object([:])), ("[1,[2,{\"a\":[]}]]", .array([1, .array([2, .object(["a": .array([])])])])),
        // Strings and escapes (section 7).
        ("\"\"", .string("")), ("\"a\\\"b\"", .string("a\"b")), ("\"\\\\\\/\"", .string("\\/")),
        ("\"\\b\\f\\n\\r\\t\"", .string("\u{8}\u{C}\n\r\t")), ("\"\\u0041\\u00e9\"", .string("Aé")),
        ("\"\\u0000\"", .string("\u{0}")), ("\"\\uD83D\\uDE00\"", .string("😀")), ("\"\\ud83d\\ude00\"", .string("😀")),
        ("\"\\uFFFF\"", .string("\u{FFFF}")), ("\"é😀\u{7F}\"", .string("é😀\u{7F}")), ("\"\\u20AC\"", .string("€")),
    ])
    func accepts(text: String, expected: JSONValue) throws {
        #expect(try JSONCodec.parse(text) == expected)
    }

    @Test(arguments: [
        // Numbers: the grammar is -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
        ("+1", 0), ("01", 0), ("-01", 0), ("00", 0), (".5", 0), ("1.", 2), ("1.e3", 2), ("1e", 2), ("1e+", 3),
        ("-", 1), ("--1", 1), ("0x10", 1), ("1_000", 1), ("NaN", 0), ("Infinity", 0), ("-Infinity", 1),
        ("1e400", 0), ("-1e400", 0), ("[1,]", 3), ("1 2", 2),
        // Literals.
        ("tru", 0), ("True", 0), ("nul", 0), ("nulll", 4), ("", 0), ("   ", 3),
        // Strings: escapes, surrogates, control characters.
        ("\"\\x\"", 1), ("\"\\'\"", 1), ("\"\\u12\"", 5), ("\"\\u12G4\"", 5), ("\"\\U0041\"", 1),
        ("\"\\ud83d\\u0041\"", 7), ("\"\\ud83d\"", 1), ("\"\\ud83dx\"", 1), ("\"\\ude00\"", 1),
        ("\"\\ude00\\ud83d\"", 1), ("\"\\ud83d\\ud83d\"", 7), ("\"a\u{1}b\"", 2), ("\"tab\there\"", 4),
        ("\"line\nbreak\"", 5), ("\"\u{1F}\"", 1), ("\"abc", 4), ("\"\\", 2),
        // Structure.
        ("[1 2]", 3), ("{\"a\" 1}", 5), ("{\"a\":1,}", 7), ("{a:1}", 1), ("{'a':1}", 1), ("[", 1), ("{", 1),
        ("{\"a\":1}}", 7), ("[]]", 2), ("\u{FEFF}[]", 0), ("[] x", 3), ("/* c */ 1", 0),
        // Duplicate keys (documented rule: rejected, at the repeated key).
        ("{\"a\":1,\"a\":2}", 7), ("{\"a\":1,\"b\":{\"c\":1,\"c\":1}}", 18), ("{\"\\u0061\":1,\"a\":2}", 12),
    ])
    func rejects(text: String, offset: Int) {
        do {
            let v = try JSONCodec.parse(text)
            Issue.record("accepted \(text.debugDescription) as \(v)")
        } catch {
            #expect(error.offset == offset, "\(text.debugDescription): \(error)")
        }
    }

    @Test func rejectsInvalidUTF8() {
        for (bytes, offset) in [
            ([0x22, 0xFF, 0x22], 1), ([0x22, 0xC0, 0xAF, 0x22], 1), ([0x22, 0xE0, 0x80, 0xAF, 0x22], 1),
            ([0x22, 0xED, 0xA0, 0x80, 0x22], 1), ([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], 1), ([0x22, 0xC3, 0x22], 1),
            ([0x22, 0x61, 0xE2, 0x82, 0x22], 2), ([0xC3, 0xA9], 0), ([0x22, 0x80, 0x22], 1),
        ] as [([UInt8], Int)] {
            do {
                _ = try JSONCodec.parse(bytes)
                Issue.record("accepted invalid UTF-8 \(bytes)")
            } catch {
                #expect(error.offset == offset, "\(bytes): \(error)")
            }
        }
    }

    @Test func nestingDepthIsLimited() throws {
        let ok = String(repeating: "[", count: JSONCodec.maxDepth) + String(repeating: "]", count: JSONCodec.maxDepth)
        #expect(throws: Never.self) { try JSONCodec.parse(ok) }
        let deep =
            String(repeating: "[", count: JSONCodec.maxDepth + 1)
            + String(repeating: "]", count: JSONCodec.maxDepth + 1)
        do {
            _ = try JSONCodec.parse(deep)
            Issue.record("accepted nesting deeper than the limit")
        } catch {
            #expect(error.offset == JSONCodec.maxDepth && error.reason.contains("nesting"))
        }
        // Far deeper than any stack could recurse: still a clean error.
        let hostile = String(repeating: "{\"a\":", count: 100_000)
        #expect(throws: JSONCodec.ParseError.self) { try JSONCodec.parse(hostile) }
    }

    /// The issue's reproducer: a high surrogate followed by a non-surrogate escape used to trap.
    @Test func highSurrogateThenLetterIsAnErrorNotATrap() {
        do {
            _ = try JSONCodec.parse("\"\\ud83d\\u0041\"")
            Issue.record("accepted a lone high surrogate")
        } catch {
            #expect(
                error.description == "invalid JSON at byte 7: \\u0041 after a high surrogate is not a low surrogate")
        }
    }

    @Test func encodeParsesBack() throws {
        let value: JSONValue = [
            "text": "quote \" backslash \\ control \u{1} \u{1F} tab \t emoji 😀 nul \u{0}", "n": 1.5, "i": -42,
            "big": 1e300, "list": [true, false, nil], "nested": ["k": []],
        ]
        #expect(try JSONCodec.parse(JSONCodec.encode(value)) == value)
    }

    @Test func droppedMembersAreCheckedButNotKept() throws {
        let text = #"[{"id": "a", "vector": [0.5, -1e-5], "properties": {"k": [1, 2]}, "result": {"errors": null}}]"#
        let kept = try JSONCodec.parse(Array(text.utf8), dropping: ["vector", "properties"])
        #expect(kept == [["id": "a", "vector": nil, "properties": nil, "result": ["errors": nil]]])
        #expect(try JSONCodec.parse(Array(text.utf8)) != kept)
        // Still one JSON text, checked to the end: a bad value inside a dropped member fails at its offset,
        // and so does a repeated dropped member.
        let bad = #"{"vector": [0.5, 01]}"#
        #expect(throws: JSONCodec.ParseError.self) { try JSONCodec.parse(Array(bad.utf8), dropping: ["vector"]) }
        let twice = #"{"vector": [], "vector": []}"#
        #expect(throws: JSONCodec.ParseError.self) { try JSONCodec.parse(Array(twice.utf8), dropping: ["vector"]) }
    }

    @Test func intValueNeverTraps() {
        #expect(JSONValue.number(1e300).intValue == nil)
        #expect(JSONValue.number(-1e300).intValue == nil)
        #expect(JSONValue.number(3).intValue == 3)
        #expect(JSONValue.number(2.5).intValue == nil)
    }
}
