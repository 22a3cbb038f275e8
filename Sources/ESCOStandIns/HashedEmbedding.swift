/// The vectorizer stand-in's deterministic embedding: texts that share words are close.
///
/// Lower-cased word tokens (weight 1.0) and character trigrams of `#word#` (weight 0.3) are hashed
/// with FNV-1a 64 (stable across runs, unlike Swift's seeded `Hasher`) into signed buckets, then
/// the vector is L2-normalised. The empty text maps to a fixed unit vector.
public enum HashedEmbedding {
    public static let defaultDimensions = 384

    public static func embed(_ text: String, dimensions: Int = defaultDimensions) -> [Float] {
        var v = [Float](repeating: 0, count: dimensions)
        let words = text.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber) })
        for w in words {
            add(Array(w.utf8), weight: 1.0, into: &v)
            let chars = Array("#\(w)#")
            if chars.count >= 3 {
                for i in 0...(chars.count - 3) {
                    add(Array(String(chars[i..<i + 3]).utf8) + [0xFF], weight: 0.3, into: &v)
                }
            }
        }
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard norm > 0 else {
            v[0] = 1
            return v
        }
        return v.map { $0 / norm }
    }

    static func add(_ bytes: [UInt8], weight: Float, into v: inout [Float]) {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in bytes {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01B3
        }
        let bucket = Int((h >> 1) % UInt64(v.count))
        v[bucket] += (h & 1) == 0 ? weight : -weight
    }

    /// The sentences 1.9.7 vectorises one by one when `T2V_TRANSFORMERS_DIRECT_TOKENIZE` is off: whitespace
    /// collapsed (`" ".join(text.split())`), then split after `.`, `!` or `?` followed by a space (nltk's
    /// punkt is subtler; the stand-in only needs "several sentences" and "none" to behave alike).
    public static func sentences(_ text: String) -> [String] {
        let words = text.split(whereSeparator: \.isWhitespace)
        var out: [String] = []
        var current: [Substring] = []
        for w in words {
            current.append(w)
            if let last = w.last, ".!?".contains(last) {
                out.append(current.joined(separator: " "))
                current = []
            }
        }
        if !current.isEmpty { out.append(current.joined(separator: " ")) }
        return out
    }
}
