import Foundation

/// A parsed Prometheus text exposition: each sample by metric name and label set, so tests compare values
/// without depending on the order of series or labels.
struct PrometheusText {
    struct Sample: Equatable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    let samples: [Sample]
    let text: String

    init(_ text: String) {
        self.text = text
        samples = text.split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#"), let space = line.lastIndex(of: " ") else { return nil }
            let series = line[..<space]
            guard let value = Double(line[line.index(after: space)...]) else { return nil }
            guard let brace = series.firstIndex(of: "{") else {
                return Sample(name: String(series), labels: [:], value: value)
            }
            return Sample(
                name: String(series[..<brace]), labels: Self.labels(series[series.index(after: brace)...].dropLast()),
                value: value)
        }
    }

    /// `a="x",b="y"` (label values here never hold escaped quotes or commas, except the tests' own).
    static func labels(_ s: Substring) -> [String: String] {
        var result: [String: String] = [:]
        var rest = s
        while let eq = rest.firstIndex(of: "=") {
            let name = rest[..<eq].trimmingCharacters(in: CharacterSet(charactersIn: ", "))
            let afterQuote = rest.index(eq, offsetBy: 2)
            guard let end = rest[afterQuote...].firstIndex(of: "\"") else { break }
            result[name] = String(rest[afterQuote..<end])
            rest = rest[rest.index(after: end)...]
        }
        return result
    }

    /// The value of the one sample of `name` whose labels include `labels`; nil when there is none.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { sample in sample.name == name && labels.allSatisfy { k, v in sample.labels[k] == v } }?.value
    }

    func has(_ name: String) -> Bool { samples.contains { $0.name == name } }
}
