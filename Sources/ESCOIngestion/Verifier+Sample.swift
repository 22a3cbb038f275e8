public import ESCORuntime

extension Verifier {
    /// A deterministic sample: for each reference property of each class, the first concept that has one.
    public static func referenceSample(model: DatasetModel) -> [SampleEntry] {
        var out: [SampleEntry] = []
        let concepts = model.relations.concepts
        for className in DatasetModel.conceptClasses {
            var seen: Set<String> = []
            // Concepts are numbered in dataset order, collections in CollectionKind order: document order.
            for n in 0..<concepts.count where concepts.classNames[n] == className {
                let lists = model.relations.properties(className, concepts.uris[n]).sorted { $0.key < $1.key }
                for (property, targets) in lists where seen.insert(property).inserted {
                    out.append(
                        SampleEntry(className: className, id: concepts.ids[n], property: property, count: targets.count)
                    )
                }
            }
        }
        return out
    }
}
