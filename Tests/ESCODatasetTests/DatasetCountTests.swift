import ESCOCore
import TestSupport
import Testing

@testable import ESCODataset

// Expected numbers come from Python's csv module, not from this reader:
//   python3 expected.py resources/esco-sample   and   python3 expected.py "$ESCO_DATA" (the full v1.1.1 export)
// with expected.py (reads <name>.csv, else <name>.csv.gz via gzip.open):
//   import csv, gzip, sys, os, collections, json; csv.field_size_limit(10**9); d = sys.argv[1]
//   def R(n):
//       p = os.path.join(d, n)
//       f = open(p, encoding='utf-8', newline='') if os.path.exists(p) else gzip.open(p + '.gz', 'rt', encoding='utf-8', newline='')
//       r = csv.reader(f); h = next(r); return [dict(zip(h, x)) for x in r]
//   C = collections.Counter
//   sk, oc, ig, sg = R('skills_en.csv'), R('occupations_en.csv'), R('ISCOGroups_en.csv'), R('skillGroups_en.csv')
//   concepts = {x['conceptUri'] for x in sk + oc + ig + sg}
//   counts: len(sk), C(skillType), C(reuseLevel), len(oc), len(ig), C(len(code)) for ISCO, len(sg), len of
//   conceptSchemes / skillsHierarchy / each *Collection_en.csv, C(relationType) of the two relation files,
//   C(conceptType + '->' + broaderType) per broader file, and rows whose ends (occupationUri/skillUri,
//   originalSkillUri/relatedSkillUri, conceptUri/broaderUri) are not all in `concepts`.
// Per-file sha256: `zcat F.csv.gz | sha256sum` (they match the data README's table).
struct Expected {
    var skills: Int, skillTypes: [String: Int], reuseLevels: [String: Int], occupations: Int, isco: Int
    var iscoLevels: [String: Int], skillGroups: Int, schemes: Int, hierarchy: Int, collections: [String: Int]
    var osr: (Int, Int), ssr: (Int, Int), broaderOcc: [String: Int], broaderSkill: [String: Int]
    var dangling: [Int]

    static let sample = Expected(
        skills: 300, skillTypes: ["(empty)": 5, "knowledge": 56, "skill/competence": 239],
        reuseLevels: [
            "(empty)": 4, "cross-sector": 172, "occupation-specific": 8, "sector-specific": 74, "transversal": 42,
        ],
        occupations: 60, isco: 113, iscoLevels: ["1": 10, "2": 24, "3": 38, "4": 41], skillGroups: 268, schemes: 19,
        hierarchy: 268,
        collections: [
            "digComp": 9, "digital": 41, "green": 14, "language": 8, "researchSkills": 23, "researchOccupations": 5,
            "transversal": 35,
        ],
        osr: (368, 289), ssr: (8, 8),
        broaderOcc: ["ISCOGroup->ISCOGroup": 103, "Occupation->ISCOGroup": 44, "Occupation->Occupation": 16],
        broaderSkill: [
            "KnowledgeSkillCompetence->KnowledgeSkillCompetence": 127, "KnowledgeSkillCompetence->SkillGroup": 294,
            "SkillGroup->SkillGroup": 264,
        ],
        dangling: [0, 0, 0, 0])

    static let full = Expected(
        skills: 13_896, skillTypes: ["(empty)": 6, "knowledge": 3_059, "skill/competence": 10_831],
        reuseLevels: [
            "(empty)": 5, "cross-sector": 3_754, "occupation-specific": 3_043, "sector-specific": 6_654,
            "transversal": 440,
        ],
        occupations: 3_007, isco: 619, iscoLevels: ["1": 10, "2": 43, "3": 130, "4": 436], skillGroups: 640,
        schemes: 19,
        hierarchy: 647,
        collections: [
            "digComp": 26, "digital": 1_201, "green": 570, "language": 346, "researchSkills": 40,
            "researchOccupations": 122, "transversal": 96,
        ],
        osr: (64_946, 58_909), ssr: (191, 5_708),
        broaderOcc: ["ISCOGroup->ISCOGroup": 609, "Occupation->ISCOGroup": 1_760, "Occupation->Occupation": 1_248],
        broaderSkill: [
            "KnowledgeSkillCompetence->KnowledgeSkillCompetence": 6_565, "KnowledgeSkillCompetence->SkillGroup": 13_448,
            "SkillGroup->SkillGroup": 643,
        ],
        dangling: [67, 0, 1, 7])

    func check(_ s: DatasetStats) {
        #expect(s.version == "1.1.x")
        #expect(s.language == "en")
        #expect(s.skills == skills)
        #expect(s.skillsBySkillType == skillTypes)
        #expect(s.skillsByReuseLevel == reuseLevels)
        #expect(s.occupations == occupations)
        #expect(s.iscoGroups == isco)
        #expect(s.iscoGroupsByLevel == iscoLevels)
        #expect(s.skillGroups == skillGroups)
        #expect(s.conceptSchemes == schemes)
        #expect(s.skillsHierarchyRows == hierarchy)
        #expect(s.collections == collections)
        #expect(s.occupationSkillRelations == .init(total: osr.0 + osr.1, essential: osr.0, optional: osr.1))
        #expect(s.skillSkillRelations == .init(total: ssr.0 + ssr.1, essential: ssr.0, optional: ssr.1))
        #expect(s.broaderOccupationPillar.byKinds == broaderOcc)
        #expect(s.broaderSkillPillar.byKinds == broaderSkill)
        #expect(s.dangling.map(\.rows) == dangling)
        #expect(s.files.count == 17)
    }
}

@Suite struct DatasetCountTests {
    @Test func sampleCountsAndHashes() throws {
        let dataset = try ESCODataset.open(DatasetPaths.sample)
        #expect(dataset.files.allSatisfy { $0.format == .csv })
        let stats = try dataset.stats()
        Expected.sample.check(stats)
        #expect(
            stats.fingerprint.files["skills_en.csv"]
                == "c0bcbb900937e5f7fcde54f0335e34b94dee88841ba28d332844367d2e093a63")
        #expect(stats.fingerprint == (try dataset.fingerprint()))
    }

    @Test func sampleRecordsAreNormalisedAndSplit() throws {
        let dataset = try ESCODataset.open(DatasetPaths.sample)
        var skills: [SkillRecord] = []
        try dataset.forEachSkill { skills.append($0) }
        #expect(skills.count == 300)
        #expect(
            skills.allSatisfy {
                $0.preferredLabel == $0.preferredLabel.trimmingSpaces && !$0.preferredLabel.contains("\u{00A0}")
            })
        #expect(
            skills.allSatisfy {
                $0.inScheme.allSatisfy { $0.hasPrefix("http://data.europa.eu/esco/") && !$0.hasSuffix(",") }
            })
        #expect(skills.contains { $0.description.contains("\"") })  // escaped quotes kept as published
        var members: [CollectionMemberRecord] = []
        try dataset.forEachCollectionMember { members.append($0) }
        #expect(members.count == 135)
        #expect(members.contains { $0.broaderConceptUris.count > 1 })
        var schemes: [ConceptSchemeRecord] = []
        try dataset.forEachConceptScheme { schemes.append($0) }
        #expect(schemes.count == 19 && schemes.allSatisfy { $0.hasTopConcept.allSatisfy { $0.hasPrefix("http") } })
        var broader = 0
        try dataset.forEachBroaderRelation { _ in broader += 1 }
        #expect(broader == 163 + 685)
    }

    static let fullFingerprintFiles = [
        "skills_en.csv": "d20071099e1a0146313ca0a071cc2a132ed9b091349c1ca538b67d6e5643779f",
        "occupationSkillRelations.csv": "900cbf4b12c684a852c20b60a225786eff20451af5ab58d1c44deaab2e06f9bd",
        "conceptSchemes_en.csv": "dc9a91ba0947139200ee7a26390cc4d26f72f92247240894ff652e9abf886664",
    ]

    @Test(.tags(.fullDataset), .enabled(if: DatasetPaths.full != nil, DatasetPaths.fullDatasetMissing))
    func fullDatasetFromGzip() throws {
        let dataset = try ESCODataset.open(try #require(DatasetPaths.full))
        #expect(dataset.files.allSatisfy { $0.format == .gzip })  // .csv.gz wins over the zips one level down
        let stats = try dataset.stats()
        Expected.full.check(stats)
        #expect(stats.dangling[0].examples.first?.contains("a9e54177-a185-404d-b6e6-15663d31137e") == true)
        for (name, sha) in Self.fullFingerprintFiles { #expect(stats.fingerprint.files[name] == sha) }
    }

    @Test(
        .tags(.fullDataset), .enabled(if: DatasetPaths.full != nil, DatasetPaths.fullDatasetMissing),
        .enabled(
            if: DatasetPaths.full == nil || DatasetPaths.originalZips != nil, "ESCO_DATA has no original-zips/ folder"))
    func fullDatasetFromOriginalZipsAgrees() throws {
        let dataset = try ESCODataset.open(try #require(DatasetPaths.originalZips))
        #expect(dataset.files.allSatisfy { $0.format == .zipMember })
        let stats = try dataset.stats()
        Expected.full.check(stats)
        let fromGzip = try ESCODataset.open(try #require(DatasetPaths.full)).fingerprint()
        #expect(stats.fingerprint == fromGzip)
        for (name, sha) in Self.fullFingerprintFiles { #expect(fromGzip.files[name] == sha) }
    }
}
