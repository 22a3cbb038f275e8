import ESCOCore
import Testing

/// The pure rules of data generations (docs/ARCHITECTURE.md#aliases): naming, which generation a build writes, the
/// record after a switch and after a rollback.
@Suite struct DataGenerationTests {
    func gen(_ n: Int, _ fp: String = "fp") -> DataGeneration { DataGeneration(number: n, fingerprint: fp) }

    @Test func classNamesCarryTheGenerationExceptMetadataAndGenerationZero() {
        #expect(GenerationNaming.className("Skill", generation: 7) == "Skill_g7")
        #expect(GenerationNaming.className("Skill", generation: 0) == "Skill")
        #expect(GenerationNaming.className("Metadata", generation: 7) == "Metadata")
        #expect(GenerationNaming.logicalName("Skill_g7") == "Skill")
        #expect(GenerationNaming.logicalName("SkillGroup_g12") == "SkillGroup")
        #expect(GenerationNaming.logicalName("Skill_group") == "Skill_group")
        #expect(GenerationNaming.generation(ofClass: "ISCOGroup_g3") == 3)
        #expect(GenerationNaming.generation(ofClass: "ISCOGroup") == nil)
        #expect(
            GenerationNaming.beacon("weaviate://localhost/Skill/0000-1", generation: 4)
                == "weaviate://localhost/Skill_g4/0000-1")
        #expect(GenerationNaming.beacon("not a beacon", generation: 4) == "not a beacon")
    }

    @Test func aNewBuildTakesTheNextNumberAndAResumedOneKeepsItsOwn() {
        #expect(Generations().generationToBuild(fingerprint: "a", datasetVersion: "1.2.0").number == 1)
        let serving = Generations(serving: gen(0, "old"))
        #expect(serving.generationToBuild(fingerprint: "new", datasetVersion: "").number == 1)
        let history = Generations(serving: gen(4), previous: [gen(3), gen(2)])
        #expect(history.generationToBuild(fingerprint: "new", datasetVersion: "").number == 5)
        // A killed build of the same data continues in the same classes, with its recorded counts.
        var building = gen(5, "new")
        building.counts = ["Skill": 3]
        let killed = Generations(serving: gen(4), building: building)
        #expect(killed.generationToBuild(fingerprint: "new", datasetVersion: "") == building)
        // A build abandoned for other data gives its number to the next one, never a new set of classes.
        let other = killed.generationToBuild(fingerprint: "newer", datasetVersion: "1.3.0")
        #expect(other.number == 5)
        #expect(other.fingerprint == "newer")
        #expect(other.counts.isEmpty)
    }

    @Test func aSwitchKeepsTheConfiguredPreviousGenerationsAndReportsTheDroppedOnes() {
        let before = Generations(serving: gen(3), building: gen(4, "x"), previous: [gen(2), gen(1)])
        let (after, dropped) = before.switched(to: gen(4, "x"), keep: 1)
        #expect(after.serving == gen(4, "x"))
        #expect(after.building == nil)
        #expect(after.previous == [gen(3)])
        #expect(dropped == [gen(2), gen(1)])
        let (kept, none) = before.switched(to: gen(4, "x"), keep: 3)
        #expect(kept.previous.map(\.number) == [3, 2, 1])
        #expect(none.isEmpty)
        // Re-applying the switch (a run killed after it) changes nothing.
        #expect(after.switched(to: gen(4, "x"), keep: 1).0 == after)
    }

    @Test func rollbackServesThePreviousGenerationAndCanBeUndone() throws {
        let record = Generations(serving: gen(4), previous: [gen(3)])
        let back = try #require(record.rolledBack())
        #expect(back.serving == gen(3))
        #expect(back.previous == [gen(4)])
        #expect(back.rolledBack() == record)
        #expect(Generations(serving: gen(1)).rolledBack() == nil)
    }
}
