import Testing

@Suite struct RankingMetricsTests {
    @Test func recallAndMRRCountTheFirstAcceptedResult() {
        var m = RankingMetrics()
        m.add(rank: RankingMetrics.firstRank(["a", "b"], accepted: ["a"]))
        m.add(rank: RankingMetrics.firstRank(["x", "y", "b", "a"], accepted: ["a", "b"]))
        m.add(rank: RankingMetrics.firstRank(Array(repeating: "x", count: 10) + ["a"], accepted: ["a"]))
        m.add(rank: RankingMetrics.firstRank([], accepted: ["a"]))
        #expect(m.queries == 4)
        #expect(m.recallAt1 == 0.25)
        #expect(m.recallAt5 == 0.5)
        #expect(m.recallAt10 == 0.5)
        #expect(abs(m.mrrAt10 - (1 + 1.0 / 3) / 4) < 1e-12)
    }

    @Test func rankTenCountsAndRankElevenDoesNot() {
        var m = RankingMetrics()
        m.add(rank: 10)
        m.add(rank: 11)
        #expect(m.hitsAt10 == 1 && m.hitsAt5 == 0)
        #expect(abs(m.mrrAt10 - 0.05) < 1e-12)
    }

    @Test func anEmptySetHasZeroFigures() {
        let m = RankingMetrics()
        #expect(m.recallAt1 == 0 && m.mrrAt10 == 0)
        #expect(m.row("x").contains("0.0%"))
    }
}
