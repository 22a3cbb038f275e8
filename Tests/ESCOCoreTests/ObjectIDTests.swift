import Testing

@testable import ESCOCore

@Suite struct ObjectIDTests {
    @Test func matchesPythonClientGenerateUUID5() {
        // Test vector from docs/ARCHITECTURE.md#object-ids (weaviate.util.generate_uuid5("hello")).
        #expect(ObjectID.uuid5("hello") == "9342d47a-1bab-5709-9869-c840b2eac501")
    }

    @Test func matchesPythonUUID5ForAConceptURI() {
        // python3 -c 'import uuid; print(uuid.uuid5(uuid.NAMESPACE_DNS, "http://data.europa.eu/esco/isco/C0"))'
        #expect(ObjectID.uuid5("http://data.europa.eu/esco/isco/C0") == "6853aeee-7609-51bf-adf8-f221013d8a2a")
    }

    @Test func sha1KnownVectors() {
        let hex = { (b: [UInt8]) in b.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined() }
        #expect(hex(SHA1.hash(Array("abc".utf8))) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(hex(SHA1.hash([])) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        let long = Array(String(repeating: "a", count: 1000).utf8)
        #expect(hex(SHA1.hash(long)) == "291e9a6c66994949b57ba5e650361e98fc36b1ba")
    }

    @Test func normalisesLabelWhitespace() {
        #expect(LabelText.normalise("  breed\u{00A0} rabbits \u{200B}") == "breed rabbits")
        #expect(LabelText.normalise("a\n\tb") == "a b")
    }
}
