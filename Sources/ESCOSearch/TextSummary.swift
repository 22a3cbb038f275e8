/// Short descriptions for result lists.
public enum TextSummary {
    /// The first sentence of `text` when it fits in `maxLength` characters, otherwise the text cut at a word
    /// boundary with "…". Whitespace (newlines included) is collapsed.
    public static func short(_ text: String, maxLength: Int = 200) -> String {
        let words = text.split(whereSeparator: { $0.isWhitespace })
        let s = words.joined(separator: " ")
        guard !s.isEmpty else { return "" }
        // A sentence ends at ". " (or "! ", "? ") followed by an upper-case letter, or at the end.
        let chars = Array(s)
        var i = 0
        while i < chars.count, i < maxLength {
            if ".!?".contains(chars[i]), i + 2 < chars.count, chars[i + 1] == " ", chars[i + 2].isUppercase {
                return String(chars[0...i])
            }
            i += 1
        }
        if chars.count <= maxLength { return s }
        var cut = String(chars[0..<maxLength])
        if let space = cut.lastIndex(of: " "), cut.distance(from: cut.startIndex, to: space) > maxLength / 2 {
            cut = String(cut[..<space])
        }
        return cut.droppingTrailing([",", ";", ":", " "]) + "…"
    }
}

extension String {
    fileprivate func droppingTrailing(_ set: Set<Character>) -> String {
        var s = Substring(self)
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
