public import Foundation

/// BERT WordPiece tokenisation as sentence-transformers runs it for all-MiniLM-L6-v2: special tokens in
/// the raw text kept whole, BertNormalizer, greedy longest-match WordPiece with `##` continuations, `[UNK]`
/// for words over 100 characters or with no full split, truncation, then `[CLS] … [SEP]`.
public struct WordPieceTokenizer: Sendable {
    /// Keyed by UTF-8 bytes: Swift `String` equality is canonical equivalence ("한" == its three jamo), while
    /// the vocabulary lookup must be exact.
    let vocab: [[UInt8]: Int32]
    let unk: Int32
    let cls: Int32
    let sep: Int32
    /// Special tokens matched in the raw text before normalisation (tokenizer.json marks them `normalized: false`).
    let specials: [(bytes: [UInt8], id: Int32)]
    let maxCharsPerWord = 100

    /// Reads `vocab.txt`: one token per line, the line number is the id.
    public init(vocabularyFile url: URL) throws {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw ModelError("cannot read \(url.path): the model directory needs BERT's vocab.txt")
        }
        var vocab: [[UInt8]: Int32] = [:]
        for (n, line) in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            let token = Array(line.last == UInt8(ascii: "\r") ? line.dropLast() : line)
            if !token.isEmpty { vocab[token] = Int32(n) }
        }
        try self.init(vocabulary: vocab, path: url.path)
    }

    init(vocabulary: [[UInt8]: Int32], path: String) throws {
        func id(_ token: String) throws -> Int32 {
            guard let id = vocabulary[Array(token.utf8)] else {
                throw ModelError("\(path): no \(token) token in the vocabulary")
            }
            return id
        }
        vocab = vocabulary
        unk = try id("[UNK]")
        cls = try id("[CLS]")
        sep = try id("[SEP]")
        specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].compactMap { t in
            vocabulary[Array(t.utf8)].map { (Array(t.utf8), $0) }
        }
    }

    /// Token ids of `text` including `[CLS]` and `[SEP]`, at most `maxLength` of them.
    public func encode(_ text: String, maxLength: Int) -> [Int32] {
        var ids: [Int32] = [cls]
        let budget = max(0, maxLength - 2)
        for piece in splitOnSpecials(text) {
            if ids.count - 1 >= budget { break }
            switch piece {
            case .special(let id): ids.append(id)
            case .text(let t):
                for word in BertNormalizer.words(t) {
                    wordPiece(word, into: &ids)
                    if ids.count - 1 >= budget { break }
                }
            }
        }
        if ids.count - 1 > budget { ids.removeLast(ids.count - 1 - budget) }
        ids.append(sep)
        return ids
    }

    enum Piece {
        case text(String)
        case special(Int32)
    }

    /// The raw text cut around literal special tokens (leftmost match first, longest at a position).
    func splitOnSpecials(_ text: String) -> [Piece] {
        let bytes = Array(text.utf8)
        var pieces: [Piece] = []
        var start = 0
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "["),
                let hit = specials.filter({ matches($0.bytes, in: bytes, at: i) }).max(by: {
                    $0.bytes.count < $1.bytes.count
                })
            {
                if start < i { pieces.append(.text(String(decoding: bytes[start..<i], as: UTF8.self))) }
                pieces.append(.special(hit.id))
                i += hit.bytes.count
                start = i
            } else {
                i += 1
            }
        }
        if start < bytes.count { pieces.append(.text(String(decoding: bytes[start...], as: UTF8.self))) }
        return pieces
    }

    private func matches(_ needle: [UInt8], in bytes: [UInt8], at i: Int) -> Bool {
        i + needle.count <= bytes.count && bytes[i..<i + needle.count].elementsEqual(needle)
    }

    /// Greedy longest-match-first split of one word; the whole word is `[UNK]` if any part has no match.
    func wordPiece(_ word: [Unicode.Scalar], into ids: inout [Int32]) {
        guard word.count <= maxCharsPerWord else {
            ids.append(unk)
            return
        }
        let utf8 = word.map { Array(String($0).utf8) }
        var pieces: [Int32] = []
        var start = 0
        while start < word.count {
            var end = word.count
            var found: Int32?
            while start < end {
                var candidate: [UInt8] = start > 0 ? [UInt8(ascii: "#"), UInt8(ascii: "#")] : []
                for bytes in utf8[start..<end] { candidate += bytes }
                if let id = vocab[candidate] {
                    found = id
                    break
                }
                end -= 1
            }
            guard let id = found else {
                ids.append(unk)
                return
            }
            pieces.append(id)
            start = end
        }
        ids.append(contentsOf: pieces)
    }
}
