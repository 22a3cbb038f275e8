import Foundation
import Testing

@testable import ESCOModel

@Suite("WordPiece tokenizer")
struct WordPieceTokenizerTests {
    /// A tiny vocabulary: the rules are checked without the model files.
    static func tiny() throws -> WordPieceTokenizer {
        let tokens = [
            "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "un", "##aff", "##able", "cafe", "!", "中", "a", "##a",
        ]
        var vocab: [[UInt8]: Int32] = [:]
        for (n, t) in tokens.enumerated() { vocab[Array(t.utf8)] = Int32(n) }
        return try WordPieceTokenizer(vocabulary: vocab, path: "tiny")
    }

    @Test("greedy longest match with ## continuations; a word with an unmatched part is [UNK] as a whole")
    func greedySplit() throws {
        let t = try Self.tiny()
        #expect(t.encode("unaffable", maxLength: 256) == [2, 5, 6, 7, 3])
        #expect(t.encode("unaffablex", maxLength: 256) == [2, 1, 3])
    }

    @Test("lower-casing, accent stripping, punctuation split, CJK spacing, control characters dropped")
    func normalisation() throws {
        let t = try Self.tiny()
        #expect(t.encode("CAFÉ!中\u{0007}un", maxLength: 256) == [2, 8, 9, 10, 5, 3])
    }

    @Test("words over 100 characters are [UNK]; truncation keeps [CLS] and [SEP] within the limit")
    func longWordsAndTruncation() throws {
        let t = try Self.tiny()
        #expect(t.encode(String(repeating: "a", count: 100), maxLength: 256).count == 102)
        #expect(t.encode(String(repeating: "a", count: 101), maxLength: 256) == [2, 1, 3])
        #expect(t.encode(String(repeating: "a ", count: 300), maxLength: 256).count == 256)
        #expect(t.encode(String(repeating: "a ", count: 300), maxLength: 256).last == 3)
    }

    @Test("special tokens written in the text are kept whole, before normalisation")
    func specialTokens() throws {
        let t = try Self.tiny()
        #expect(t.encode("a[SEP]a [MASK]", maxLength: 256) == [2, 11, 3, 11, 4, 3])
    }

    @Test(
        "token ids equal HF tokenizers' on every reference text",
        .enabled(if: ModelFixture.available, .init(rawValue: ModelFixture.skipReason)))
    func matchesHuggingFace() throws {
        let model = try ModelFixture.model.get()
        #expect(ModelFixture.references.count >= 100)
        for ref in ModelFixture.references {
            #expect(
                model.tokenizer.encode(ref.text, maxLength: model.maxSequenceLength) == ref.ids,
                "\(ref.text.debugDescription)")
        }
    }
}
