import ESCOClients
import ESCOConfig
import ESCOCore
import Foundation
import Testing

@Suite("Config profiles")
struct ConfigTests {
    static let repoConfig: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("config/weaviate_config.yaml").path
    }()

    func parse(_ yaml: String, profile: String = "default", env: [String: String] = [:]) throws -> ESCOConfiguration {
        try ESCOConfiguration.parse(
            yaml: yaml, file: "config/test.yaml", profile: profile, environment: env,
            workingDirectory: "/opt/esco-stack")
    }

    func error(_ yaml: String, profile: String = "default", env: [String: String] = [:]) -> ConfigError? {
        do {
            _ = try parse(yaml, profile: profile, env: env)
            return nil
        } catch let e as ConfigError {
            return e
        } catch {
            return nil
        }
    }

    @Test func shippedProfilesLoad() throws {
        let d = try ESCOConfiguration.load(
            file: Self.repoConfig, profile: "default", environment: [:],
            workingDirectory: "/srv")
        #expect(d.weaviate.url == "http://weaviate:8080")
        #expect(d.vectorizer.url == "http://t2v-transformers:8080")
        #expect(d.data.path == "/data/esco")
        #expect(d.lock.directory == "/var/lock/esco")
        #expect(d.weaviate.batchSize == 200)
        #expect(d.weaviate.apiKey == nil)
        let l = try ESCOConfiguration.load(
            file: Self.repoConfig, profile: "local", environment: [:],
            workingDirectory: "/srv")
        #expect(l.weaviate.url == "http://127.0.0.1:8080")
        #expect(l.vectorizer.url == "http://127.0.0.1:8081")
        #expect(l.data.path == "/srv/data/esco")
        #expect(l.vectorizer.cacheDirectory == "/srv/var/vector-cache")
        let c = try ESCOConfiguration.load(
            file: Self.repoConfig, profile: "cloud",
            environment: ["WEAVIATE_API_KEY": "k-123"], workingDirectory: "/srv")
        #expect(c.weaviate.url.hasPrefix("https://"))
        #expect(c.weaviate.apiKeyEnv == "WEAVIATE_API_KEY")
        #expect(c.weaviate.apiKey?.value == "k-123")
        #expect(c.weaviate.consistencyLevel == .quorum)
        // kubernetes/: the manifests' Services and volumes, the key from the Secret, QUORUM for the lease's read-back.
        let k = try ESCOConfiguration.load(
            file: Self.repoConfig, profile: "kubernetes",
            environment: ["WEAVIATE_API_KEY": "k-8s"], workingDirectory: "/srv")
        #expect(k.weaviate.url == "http://weaviate:8080")
        #expect(k.weaviate.apiKey?.value == "k-8s")
        #expect(k.weaviate.consistencyLevel == .quorum)
        #expect(k.weaviate.replicationFactor == 3)
        #expect(k.vectorizer.url == "http://t2v-transformers:8080")
        #expect(k.lock.directory == "/var/lib/esco/lock")
        #expect(k.vectorizer.cacheDirectory == "/var/lib/esco/vectors")
    }

    @Test func defaultsFillShortProfiles() throws {
        let c = try parse("profiles:\n  default:\n    search:\n      port: 9090\n")
        #expect(c.search.port == 9090)
        #expect(c.search.host == "0.0.0.0")
        #expect(c.ingest == ESCOConfiguration.Ingest())
        #expect(c.supervisor.grace == .seconds(8))
        #expect(c.vectorizer.maxInFlight == 8)
        #expect(c.vectorizer.batchTexts == .never, "1.9.7 has no batch form: one text per request by default")
        #expect(c.vectorizer.model == "sentence-transformers/all-MiniLM-L6-v2")
        #expect(c.vectorizer.directTokenize)
        #expect(c.data.path == "/opt/esco-stack/data/esco")
        #expect(c.weaviate.schemaDirectory == "/opt/esco-stack/resources/schemas")
    }

    @Test func environmentOverrides() throws {
        let yaml = "profiles:\n  default:\n    weaviate:\n      url: http://a:1\n      apiKeyEnv: MY_KEY\n"
        let c = try parse(
            yaml,
            env: [
                "WEAVIATE_URL": "https://w.example:443/", "T2V_URL": "http://t:9", "ESCO_DATA": "/d", "MY_KEY": "named",
            ])
        #expect(c.weaviate.url == "https://w.example:443")
        #expect(c.vectorizer.url == "http://t:9")
        #expect(c.data.path == "/d")
        #expect(c.weaviate.apiKey?.value == "named")
        let dirs = try parse(yaml, env: ["ESCO_LOCK_DIR": "/run/esco-stack", "ESCO_VECTOR_CACHE_DIR": "/var/lib/v"])
        #expect(dirs.lock.directory == "/run/esco-stack")
        #expect(dirs.vectorizer.cacheDirectory == "/var/lib/v")
        let generic = try parse(yaml, env: ["MY_KEY": "named", "WEAVIATE_API_KEY": "generic"])
        #expect(generic.weaviate.apiKey?.value == "generic")
        #expect("\(generic.weaviate)".contains("generic") == false)
        let bad = error(yaml, env: ["WEAVIATE_URL": "ftp://x"])
        #expect(bad?.description == "environment: WEAVIATE_URL: expected an http(s) URL, got \"ftp://x\"")
    }

    @Test func badURLNamesTheSpot() {
        let yaml = "profiles:\n  default:\n    weaviate:\n      url: foo\n"
        #expect(
            error(yaml)?.description
                == "config/test.yaml:4:12: profiles.default.weaviate.url: expected an http(s) URL, got \"foo\"")
        #expect(error(yaml)?.code == .badURL)
        let secret = error("profiles:\n  default:\n    weaviate:\n      url: ftp://user:hunter2@h\n")
        #expect(secret?.description.contains("hunter2") == false)
    }

    @Test func unknownKeySuggestsTheClosest() {
        let e = error("profiles:\n  default:\n    weaviate:\n      batchsize: 10\n")
        #expect(e?.code == .unknownKey)
        #expect(e?.line == 4 && e?.column == 7)
        #expect(e?.keyPath == "profiles.default.weaviate.batchsize")
        #expect(e?.message.hasPrefix("unknown key \"batchsize\" (did you mean \"batchSize\"?)") == true)
        let section = error("profiles:\n  default:\n    weaviat:\n      url: http://x\n")
        #expect(
            section?.description.hasPrefix(
                "config/test.yaml:3:5: profiles.default.weaviat: unknown key \"weaviat\" (did you mean \"weaviate\"?)")
                == true)
    }

    @Test func apiKeyInFileIsRejectedWithoutEchoingIt() {
        let e = error("profiles:\n  default:\n    weaviate:\n      apiKey: s3cr3t-value\n")
        #expect(e?.code == .unknownKey)
        #expect(e?.line == 4)
        #expect(e?.description.contains("s3cr3t") == false)
        #expect(e?.description.contains("apiKeyEnv") == true)
    }

    @Test func unknownProfileListsKnownOnes() {
        let e = error("profiles:\n  default: {}\n  local: {}\n", profile: "prod")
        #expect(e?.code == .unknownProfile)
        #expect(
            e?.description
                == "config/test.yaml:2:3: profiles: unknown profile \"prod\"; known profiles: \"default\", \"local\"")
    }

    @Test func wrongTypeAndRange() {
        let t = error("profiles:\n  default:\n    weaviate:\n      retries: many\n")
        #expect(
            t?.description
                == "config/test.yaml:4:16: profiles.default.weaviate.retries: expected a whole number, got a string")
        let r = error("profiles:\n  default:\n    search:\n      port: 70000\n")
        #expect(
            r?.description
                == "config/test.yaml:4:13: profiles.default.search.port: expected a number from 1 to 65535, got 70000")
        #expect(r?.code == .outOfRange)
        let b = error("profiles:\n  default:\n    ingest:\n      labelVectors: 3\n")
        #expect(b?.code == .wrongType && b?.line == 4)
        let m = error("profiles:\n  default:\n    weaviate: [1, 2]\n")
        #expect(
            m?.description
                == "config/test.yaml:3:15: profiles.default.weaviate: expected a mapping (key: value lines), got a list"
        )
        let level = error("profiles:\n  default:\n    weaviate:\n      consistencyLevel: MOST\n")
        #expect(level?.keyPath == "profiles.default.weaviate.consistencyLevel")
        let hb = error("profiles:\n  default:\n    ingest:\n      leaseTTLSeconds: 10\n      heartbeatSeconds: 5\n")
        #expect(hb?.code == .outOfRange && hb?.line == 5)
    }

    @Test func invalidYAMLHasAPosition() {
        let e = error("profiles:\n  default:\n    weaviate: {url: http://x\n")
        #expect(e?.code == .invalidYAML)
        #expect(e?.line != nil && e?.column != nil)
        #expect(e?.description.hasPrefix("config/test.yaml:") == true)
        let dup = error("profiles:\n  default: {}\n  default: {}\n")
        #expect(dup?.code == .invalidYAML)
    }

    @Test func unreadableFile() {
        #expect(throws: ConfigError.self) {
            try ESCOConfiguration.load(file: "/nonexistent/x.yaml", profile: "default", environment: [:])
        }
    }

    @Test func batchTextsAcceptsBoolOrAuto() throws {
        let c = try parse("profiles:\n  default:\n    vectorizer:\n      batchTexts: false\n")
        #expect(c.vectorizer.batchTexts == .never)
        let d = try parse("profiles:\n  default:\n    vectorizer:\n      batchTexts: auto\n")
        #expect(d.vectorizer.batchTexts == .auto)
    }

    @Test func vectorizerModelAndTokenizeMode() throws {
        let c = try parse("profiles:\n  default:\n    vectorizer:\n      model: org/m\n      directTokenize: false\n")
        #expect(c.vectorizer.model == "org/m" && !c.vectorizer.directTokenize)
        for bad in ["      model: \"  \"\n", "      directTokenize: sometimes\n"] {
            #expect(throws: ConfigError.self, "\(bad)") { try parse("profiles:\n  default:\n    vectorizer:\n" + bad) }
        }
    }

    /// The shipped default profile says what docker-compose.yml's t2v-transformers runs: its model (image
    /// tag) and T2V_TRANSFORMERS_DIRECT_TOKENIZE. Both are part of the data's fingerprint.
    @Test func shippedVectorizerSettingsMatchDockerCompose() throws {
        let compose = try String(
            contentsOf: URL(fileURLWithPath: Self.repoConfig).deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("docker-compose.yml"), encoding: .utf8)
        let d = try ESCOConfiguration.load(file: Self.repoConfig, profile: "default", environment: [:])
        let modelTag = d.vectorizer.model.replacingOccurrences(of: "/", with: "-")
        #expect(compose.contains("transformers-inference:\(modelTag)-1.9.7"), "image tag names \(d.vectorizer.model)")
        #expect(compose.contains("T2V_TRANSFORMERS_DIRECT_TOKENIZE: \"\(d.vectorizer.directTokenize)\""))
    }
}
