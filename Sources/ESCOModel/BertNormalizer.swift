import Foundation

/// BERT's text normalisation and pre-tokenisation as HF `tokenizers` does them (BertNormalizer with
/// clean_text, handle_chinese_chars, lowercase and, following lowercase, strip_accents; then
/// BertPreTokenizer). Every step works on Unicode scalars, as the Rust code works on `char`s.
enum BertNormalizer {
    /// The words of `text`: cleaned, CJK characters spaced apart, accents stripped, lower-cased, then split on
    /// whitespace with each punctuation character a word of its own.
    static func words(_ text: String) -> [[Unicode.Scalar]] {
        var cleaned = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            if s.value == 0 || s.value == 0xFFFD || isControl(s) { continue }
            if isWhitespace(s) {
                cleaned.append(" ")
            } else if isChinese(s) {
                cleaned.append(" ")
                cleaned.append(s)
                cleaned.append(" ")
            } else {
                cleaned.append(s)
            }
        }
        // NFD, drop non-spacing marks, then lower-case scalar by scalar (tokenizers maps each char alone, so no
        // context-dependent rules such as a final sigma).
        var normalized: [Unicode.Scalar] = []
        for s in String(cleaned).decomposedStringWithCanonicalMapping.unicodeScalars
        where s.properties.generalCategory != .nonspacingMark {
            normalized.append(contentsOf: s.properties.lowercaseMapping.unicodeScalars)
        }
        var words: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        for s in normalized {
            if s.properties.isWhitespace {
                if !current.isEmpty { words.append(current) }
                current = []
            } else if isPunctuation(s) {
                if !current.isEmpty { words.append(current) }
                words.append([s])
                current = []
            } else {
                current.append(s)
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// Tab, newline and carriage return count as whitespace, not control characters.
    static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
        s == "\t" || s == "\n" || s == "\r" || s.properties.isWhitespace
    }

    /// Unicode "Other" (Cc, Cf, Cn, Co, Cs), except the three whitespace controls.
    static func isControl(_ s: Unicode.Scalar) -> Bool {
        if s == "\t" || s == "\n" || s == "\r" { return false }
        switch s.properties.generalCategory {
        case .control, .format, .unassigned, .privateUse, .surrogate: return true
        default: return false
        }
    }

    /// ASCII punctuation (which includes symbols such as `$+<=>^|~`) or any Unicode P* category.
    static func isPunctuation(_ s: Unicode.Scalar) -> Bool {
        if s.isASCII, let v = Optional(s.value),
            (33...47).contains(v) || (58...64).contains(v)
                || (91...96).contains(v) || (123...126).contains(v)
        {
            return true
        }
        switch s.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
            .finalPunctuation, .otherPunctuation:
            return true
        default: return false
        }
    }

    /// The CJK Unified Ideograph blocks BERT treats as one token per character.
    static func isChinese(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
            0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default: return false
        }
    }
}
