public import ESCORuntime

extension Verifier {
    /// A deterministic sample: for each reference property of each class, the first concept that has one.
    public static func referenceSample(model: DatasetModel) -> [SampleEntry] {
        var out: [SampleEntry] = []
        for className in DatasetModel.conceptClasses {
            var seen: Set<String> = []
            for doc in model.documents(className) {
                for (property, targets) in model.relations.properties(className, doc.uri).sorted(by: { $0.key < $1.key }
                )
                where seen.insert(property).inserted {
                    out.append(SampleEntry(className: className, id: doc.id, property: property, count: targets.count))
                }
            }
        }
        return out
    }
}
