extension DatasetStats {
    /// The human-readable report of `esco dataset stats`.
    public var report: String {
        var out: [String] = []
        func n(_ v: Int) -> String {
            let digits = Array(String(v))
            var s = ""
            for (i, c) in digits.enumerated() {
                if i > 0 && (digits.count - i) % 3 == 0 { s.append(",") }
                s.append(c)
            }
            return s
        }
        func breakdown(_ d: [String: Int]) -> String {
            d.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { "\($0.key) \(n($0.value))" }
                .joined(separator: ", ")
        }
        out.append("ESCO dataset v\(version), language \(language)")
        out.append("")
        out.append("Files (\(files.count)):")
        let width = files.map(\.name.count).max() ?? 0
        for f in files {
            out.append(
                "  \(f.name + String(repeating: " ", count: width - f.name.count))  \(n(f.rows)) rows, \(n(f.bytes)) bytes, "
                    + "from \(f.format) \(f.source)")
            if !f.sha256.isEmpty { out.append("    sha256 \(f.sha256)") }
        }
        out.append("Fingerprint: " + (fingerprint.files.isEmpty ? "not computed" : fingerprint.overall))
        out.append("")
        out.append("Skills: \(n(skills))")
        out.append("  by skillType: \(breakdown(skillsBySkillType))")
        out.append("  by reuseLevel: \(breakdown(skillsByReuseLevel))")
        out.append("Occupations: \(n(occupations))")
        out.append(
            "ISCO groups: \(n(iscoGroups)) (by level: \(iscoGroupsByLevel.sorted { $0.key < $1.key }.map { "\($0.key): \(n($0.value))" }.joined(separator: ", ")))"
        )
        out.append("Skill groups: \(n(skillGroups))")
        out.append("Concept schemes: \(n(conceptSchemes))")
        out.append("skillsHierarchy rows: \(n(skillsHierarchyRows))")
        out.append("Collections: \(collections.isEmpty ? "none" : breakdown(collections))")
        out.append(
            "Occupation-skill relations: \(n(occupationSkillRelations.total)) (essential \(n(occupationSkillRelations.essential)), optional \(n(occupationSkillRelations.optional)))"
        )
        out.append(
            "Skill-skill relations: \(n(skillSkillRelations.total)) (essential \(n(skillSkillRelations.essential)), optional \(n(skillSkillRelations.optional)))"
        )
        out.append(
            "Broader relations, occupation pillar: \(n(broaderOccupationPillar.total)) (\(breakdown(broaderOccupationPillar.byKinds)))"
        )
        out.append(
            "Broader relations, skill pillar: \(n(broaderSkillPillar.total)) (\(breakdown(broaderSkillPillar.byKinds)))"
        )
        out.append("")
        let total = dangling.reduce(0) { $0 + $1.rows }
        out.append("Dangling references: \(n(total)) row\(total == 1 ? "" : "s") (skipped at ingestion)")
        for d in dangling {
            out.append("  \(d.file): \(n(d.rows))")
            for e in d.examples { out.append("    \(e)") }
        }
        return out.joined(separator: "\n")
    }
}
