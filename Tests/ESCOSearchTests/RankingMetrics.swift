import Foundation

/// Retrieval figures over a query set: recall at 1, 5 and 10 (the share of queries with an accepted concept
/// in the first k results) and MRR@10 (the mean of 1 / rank of the first accepted concept, 0 when it is not
/// in the first 10). Pure, so the bench's arithmetic is tested on its own (RankingMetricsTests).
struct RankingMetrics: Equatable {
    var queries = 0
    var hitsAt1 = 0
    var hitsAt5 = 0
    var hitsAt10 = 0
    var reciprocalRankSum = 0.0

    /// The 1-based rank of the first result in `accepted`, nil when none is.
    static func firstRank(_ results: [String], accepted: Set<String>) -> Int? {
        results.firstIndex(where: accepted.contains).map { $0 + 1 }
    }

    mutating func add(rank: Int?) {
        queries += 1
        guard let rank else { return }
        if rank <= 1 { hitsAt1 += 1 }
        if rank <= 5 { hitsAt5 += 1 }
        if rank <= 10 {
            hitsAt10 += 1
            reciprocalRankSum += 1 / Double(rank)
        }
    }

    var recallAt1: Double { share(hitsAt1) }
    var recallAt5: Double { share(hitsAt5) }
    var recallAt10: Double { share(hitsAt10) }
    var mrrAt10: Double { queries == 0 ? 0 : reciprocalRankSum / Double(queries) }

    private func share(_ n: Int) -> Double { queries == 0 ? 0 : Double(n) / Double(queries) }

    /// One table row: `name  n  R@1  R@5  R@10  MRR@10`, percentages with one decimal.
    func row(_ name: String, width: Int = 42) -> String {
        let cells = [recallAt1, recallAt5, recallAt10].map { pad(String(format: "%.1f%%", $0 * 100), 7) }
        return name.padding(toLength: width, withPad: " ", startingAt: 0) + pad("\(queries)", 4)
            + cells.joined() + pad(String(format: "%.3f", mrrAt10), 8)
    }

    static func header(width: Int = 42) -> String {
        "ranker".padding(toLength: width, withPad: " ", startingAt: 0) + "   n    R@1    R@5   R@10  MRR@10"
    }

    private func pad(_ s: String, _ n: Int) -> String { String(repeating: " ", count: max(0, n - s.count)) + s }
}
