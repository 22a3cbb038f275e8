/// Human-readable renderings for the command line. Colour (ANSI) only when asked: callers pass `colour: true`
/// when stdout is a terminal and `NO_COLOR` is unset.
public struct SearchOutput: Sendable {
    public var colour: Bool
    public init(colour: Bool) { self.colour = colour }

    private func paint(_ s: String, _ code: String) -> String { colour ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
    func bold(_ s: String) -> String { paint(s, "1") }
    func dim(_ s: String) -> String { paint(s, "2") }
    func green(_ s: String) -> String { paint(s, "32") }
    func cyan(_ s: String) -> String { paint(s, "36") }

    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }

    static func score(_ d: Double) -> String {
        let n = Int((d * 1000).rounded())
        return "\(n / 1000).\(String(repeating: "0", count: 3 - String(n % 1000).count))\(n % 1000)"
    }

    /// One block per result: `score  type  label`, then URI, matched label and short description indented.
    public func results(_ results: [SearchResult], query: String) -> String {
        guard !results.isEmpty else { return "no results for \"\(query)\"\n" }
        var out = ""
        for (i, r) in results.enumerated() {
            let rank = Self.pad("\(i + 1).", 4)
            out +=
                rank + green(Self.score(r.score)) + "  " + cyan(Self.pad(r.type.rawValue, 10)) + " " + bold(r.label)
                + "\n"
            out += "    " + dim(r.uri) + "\n"
            if let m = r.matchedLabel, m != r.label { out += "    matched: \(m)\n" }
            if !r.description.isEmpty { out += "    " + r.description + "\n" }
        }
        return out
    }

    /// A concept, its properties and its relations.
    public func concept(_ c: ConceptDetail) -> String {
        var out = bold(c.label) + "  " + cyan(c.type.rawValue) + "\n" + dim(c.uri) + "\n" + dim("id \(c.id)") + "\n"
        if !c.altLabels.isEmpty { out += "also: " + c.altLabels.joined(separator: "; ") + "\n" }
        for key in c.properties.keys.sorted() { out += "\(key): \(c.properties[key]!)\n" }
        if !c.description.isEmpty { out += "\n" + c.description + "\n" }
        for rel in c.relations where !rel.concepts.isEmpty {
            out += "\n" + bold("\(rel.title) (\(rel.concepts.count))") + "\n"
            for link in rel.concepts { out += "  - \(link.label)  " + dim(link.uri) + "\n" }
        }
        return out
    }

    /// `enrich`'s three lists.
    public func enrichment(_ e: EnrichmentResult) -> String {
        var out = bold("likely occupations") + "\n"
        out += e.occupations.isEmpty ? "  none\n" : ""
        for r in e.occupations { out += "  " + green(Self.score(r.score)) + "  \(r.label)  " + dim(r.uri) + "\n" }
        out += "\n" + bold("skills mentioned") + "\n"
        out += e.matchedSkills.isEmpty ? "  none above the threshold\n" : ""
        for m in e.matchedSkills {
            out += "  " + green(Self.score(m.skill.score)) + "  \(m.skill.label)  " + dim("← \"\(m.phrase)\"") + "\n"
        }
        let basis = e.basedOn.map(\.label).joined(separator: ", ")
        out += "\n" + bold("missing essential skills" + (basis.isEmpty ? "" : " (of \(basis))")) + "\n"
        out += e.missingEssentialSkills.isEmpty ? "  none\n" : ""
        for s in e.missingEssentialSkills { out += "  - \(s.label)  " + dim(s.uri) + "\n" }
        return out
    }
}
