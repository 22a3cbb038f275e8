/// Data generations (docs/ARCHITECTURE.md#aliases): every ingestion of a new dataset, or a forced rebuild,
/// writes its own set of concept and label classes (`Skill_g7`, `Label_g7`, ...), and the state records which
/// generation serves, which one is being built, and which earlier ones are kept for a rollback.
///
/// Not to be confused with `IngestionState.generation`, the lease's fencing token.
public struct DataGeneration: Sendable, Hashable, Codable {
    /// The suffix of its classes; 0 is a deployment made before generations, whose classes have plain names.
    public var number: Int
    /// ESCO version of the dataset (`1.2.0`), for people; empty when unknown.
    public var datasetVersion: String
    /// The state fingerprint (`StateFingerprint`) the generation was built from.
    public var fingerprint: String
    /// Objects per logical class (`["Skill": 13896]`), what verification of this generation expects.
    public var counts: [String: Int]
    /// Reference counts to spot-check (`Verifier.SampleEntry.encoded`), with logical class names.
    public var referenceSample: [String]

    public init(
        number: Int, datasetVersion: String = "", fingerprint: String, counts: [String: Int] = [:],
        referenceSample: [String] = []
    ) {
        self.number = number
        self.datasetVersion = datasetVersion
        self.fingerprint = fingerprint
        self.counts = counts
        self.referenceSample = referenceSample
    }

    /// `g7`, as answers, `/readyz` and `esco status` name it.
    public var name: String { GenerationNaming.name(number) }

    /// `g7 (ESCO 1.2.0, sha256:0123abcd…)`, as `esco status` and the supervisor print it.
    public var summary: String {
        let version = datasetVersion.isEmpty ? "" : "ESCO \(datasetVersion), "
        return "\(name) (\(version)\(fingerprint.prefix(19)))"
    }
}

/// Which generation serves, which is being built, and which are kept for a rollback (newest first).
public struct Generations: Sendable, Hashable, Codable, CustomStringConvertible {
    public var serving: DataGeneration?
    public var building: DataGeneration?
    public var previous: [DataGeneration]

    public init(serving: DataGeneration? = nil, building: DataGeneration? = nil, previous: [DataGeneration] = []) {
        self.serving = serving
        self.building = building
        self.previous = previous
    }

    /// The number a new build gets: one above every generation the state knows.
    public var nextNumber: Int {
        ([serving, building].compactMap { $0?.number } + previous.map(\.number)).max().map { $0 + 1 } ?? 1
    }

    /// The generation to build for `fingerprint`: the one already being built for it (a killed or failed run
    /// resumes into the same classes, so its checkpoints stay valid), or a new number.
    public func generationToBuild(fingerprint: String, datasetVersion: String) -> DataGeneration {
        if let building, building.fingerprint == fingerprint { return building }
        // A build for other data is abandoned; its number is reused (the prune step removes what the new data
        // lacks, the upserts overwrite the rest), so abandoned builds never pile up classes.
        let number = building?.number ?? nextNumber
        return DataGeneration(number: number, datasetVersion: datasetVersion, fingerprint: fingerprint)
    }

    /// After `built` verified: it serves, the one that served becomes the newest previous, and only `keep`
    /// previous generations remain. Returns the new record and the generations dropped from it (whose classes
    /// may be deleted once no reader can still use them).
    public func switched(to built: DataGeneration, keep: Int) -> (Generations, dropped: [DataGeneration]) {
        var previous = self.previous.filter { $0.number != built.number }
        if let serving, serving.number != built.number { previous.insert(serving, at: 0) }
        let kept = Array(previous.prefix(max(0, keep)))
        return (Generations(serving: built, building: nil, previous: kept), Array(previous.dropFirst(kept.count)))
    }

    /// `serving g2 (…); building g3 (…); previous g1 (…)`, for `esco status` and `esco-supervise verify`.
    public var description: String {
        [
            "serving " + (serving?.summary ?? "none"),
            building.map { "building \($0.summary)" },
            previous.isEmpty ? nil : "previous " + previous.map(\.summary).joined(separator: ", "),
        ].compactMap { $0 }.joined(separator: "; ")
    }

    /// True when `fingerprint`'s data is served or kept as a previous generation.
    public func keeps(_ fingerprint: String) -> Bool {
        serving?.fingerprint == fingerprint || previous.contains { $0.fingerprint == fingerprint }
    }

    /// Serving goes back to the newest previous generation; the one that served becomes the newest previous
    /// (so a rollback can be undone by another). Nil when there is nothing to go back to.
    public func rolledBack() -> Generations? {
        guard let target = previous.first else { return nil }
        var rest = Array(previous.dropFirst())
        if let serving { rest.insert(serving, at: 0) }
        return Generations(serving: target, building: building, previous: rest)
    }
}

/// The class names of a generation: `<Class>_g<N>`, plain names for generation 0. `Metadata` is never versioned:
/// it holds the state that says which generation serves.
public enum GenerationNaming {
    public static let unversioned: Set<String> = ["Metadata"]

    /// `g7`: how answers, `/readyz`, `esco status` and people name generation 7.
    public static func name(_ number: Int) -> String { "g\(number)" }

    public static func className(_ logical: String, generation: Int) -> String {
        generation == 0 || unversioned.contains(logical) ? logical : "\(logical)_g\(generation)"
    }

    /// The logical name of a generation's class (`Skill_g7` → `Skill`); other names unchanged.
    public static func logicalName(_ physical: String) -> String {
        split(physical).map { String($0.logical) } ?? physical
    }

    /// The generation a class name belongs to (`Skill_g7` → 7), nil for a plain name.
    public static func generation(ofClass physical: String) -> Int? {
        split(physical).flatMap { Int($0.number) }
    }

    /// `Skill_g7` → (`Skill`, `7`): the last `_g` followed by digits only.
    private static func split(_ name: String) -> (logical: Substring, number: Substring)? {
        let digits = name.reversed().prefix { $0.isASCII && $0.isNumber }.count
        guard digits > 0 else { return nil }
        let head = name.dropLast(digits)
        guard head.hasSuffix("_g"), head.count > 2 else { return nil }
        return (head.dropLast(2), name.suffix(digits))
    }

    /// A beacon `weaviate://localhost/Skill/<uuid>` pointing inside `generation`.
    public static func beacon(_ beacon: String, generation: Int) -> String {
        let prefix = "weaviate://localhost/"
        guard beacon.hasPrefix(prefix) else { return beacon }
        let rest = beacon.dropFirst(prefix.count)
        guard let slash = rest.firstIndex(of: "/") else { return beacon }
        return prefix + className(String(rest[..<slash]), generation: generation) + String(rest[slash...])
    }
}
