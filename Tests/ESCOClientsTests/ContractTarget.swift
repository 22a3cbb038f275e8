import ESCOClients
import ESCOConfig
import ESCOCore
import ESCOStandIns
import Foundation
import Logging
import TestSupport
import Testing

/// The contract suite (docs/ARCHITECTURE.md#stand-ins): every call the product makes, through the real
/// `WeaviateClient` and `VectorizerClient`, against the in-process stand-ins by default, or against real servers:
///
///     WEAVIATE_URL=http://localhost:8080 [WEAVIATE_API_KEY=...] [T2V_URL=http://localhost:8081] scripts/contract-test
///
/// Tests live in extensions of this one suite, split by topic into `Contract*.swift`.
@Suite("Contract") struct ContractTests {}

/// Which servers the suite talks to, from the environment.
enum ContractEnvironment {
    static let environment = ProcessInfo.processInfo.environment
    /// A real Weaviate, or nil for a fresh in-process stand-in per test.
    static let weaviateURL: String? = nonEmpty("WEAVIATE_URL").map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
    /// The real Weaviate's API key, when it needs one.
    static let weaviateAPIKey: String? = nonEmpty("WEAVIATE_API_KEY")
    /// A real text2vec-transformers, or nil for the in-process stand-in.
    static let vectorizerURL: String? = nonEmpty("T2V_URL").map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }

    /// True when Weaviate is the stand-in: fault injection, restarts and auth variants need it.
    static var weaviateIsStandIn: Bool { weaviateURL == nil }
    static var vectorizerIsStandIn: Bool { vectorizerURL == nil }

    private static func nonEmpty(_ name: String) -> String? {
        guard let v = environment[name]?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
        return v
    }

    /// The shipped class definitions (resources/schemas).
    static let schemaDirectory: String = Harness.packageRoot.appendingPathComponent("resources/schemas").path
}

/// One test's view of its Weaviate: the URL, the class-name prefix that keeps tests apart on a shared server, and
/// the stand-in itself when there is one.
struct ContractWeaviate: Sendable {
    let url: String
    /// `ContractT<hex>`: every class a test creates starts with it, so a shared server is cleaned up exactly.
    let prefix: String
    /// The in-process stand-in (nil against a real Weaviate).
    let standIn: WeaviateStandIn?
    let apiKey: String?

    /// The test's name for a product class, e.g. `Skill` → `ContractT1a2b3cSkill`.
    func name(_ productClass: String) -> String { prefix + productClass }

    /// A client configured like the product's, with short retry pauses so fault tests stay fast.
    func client(apiKey: String?? = .none, retries: Int = 5, batchSize: Int = 200) -> WeaviateClient {
        makeContractClient(url, apiKey: apiKey ?? self.apiKey, retries: retries, batchSize: batchSize)
    }

    /// The shipped classes, renamed with this test's prefix (references too).
    func productClasses() throws -> [ClassDefinition] {
        try ClassDefinition.load(directory: ContractEnvironment.schemaDirectory).map { try prefixed($0) }
    }

    /// Renames a class and the targets of its reference properties.
    func prefixed(_ definition: ClassDefinition) throws -> ClassDefinition {
        guard case .object(var o) = definition.json else { return definition }
        o["class"] = .string(name(definition.name))
        o["properties"] = .array(
            (o["properties"]?.arrayValue ?? []).map { p in
                guard case .object(var po) = p, let types = po["dataType"]?.arrayValue?.compactMap(\.stringValue),
                    types.first?.first?.isUppercase == true
                else { return p }
                po["dataType"] = .array(types.map { .string(name($0)) })
                return .object(po)
            })
        return try ClassDefinition(json: .object(o), source: definition.source)
    }

    /// Creates all product classes and waits until GraphQL knows them (a real Weaviate rebuilds its GraphQL
    /// schema after the schema change is committed, so a query right after creation can briefly fail).
    @discardableResult
    func ensureProductSchema(_ client: WeaviateClient) async throws -> [ClassDefinition] {
        let classes = try productClasses()
        try await client.ensureSchema(classes)
        try await awaitGraphQL(client, classes.map(\.name))
        return classes
    }

    func awaitGraphQL(_ client: WeaviateClient, _ classNames: [String]) async throws {
        for name in classNames {
            let deadline = Date().addingTimeInterval(15)
            while true {
                do {
                    _ = try await client.aggregateCount(className: name)
                    break
                } catch let e as WeaviateError where e.code == .graphQL && Date() < deadline {
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
        }
    }

    /// Deletes this test's classes (real servers only; the product itself never deletes classes). Tests create only
    /// prefixed product classes, so their names are known: no schema read, which is slow on a busy shared server,
    /// and Weaviate answers 200 for a class that does not exist.
    func dropClasses() async throws {
        for name in try productClasses().map(\.name) {
            let r = try await contractRaw("DELETE", url + "/v1/schema/" + name, apiKey: apiKey)
            if r.status != 200 { Issue.record("could not delete class \(name) at \(url): HTTP \(r.status)") }
        }
    }
}

func makeContractClient(_ url: String, apiKey: String?, retries: Int = 5, batchSize: Int = 200) -> WeaviateClient {
    let config = ESCOConfiguration.Weaviate(
        url: url, apiKey: apiKey.map(Secret.init), connectTimeout: .seconds(2), requestTimeout: .seconds(30),
        retries: retries, batchSize: batchSize, schemaDirectory: ContractEnvironment.schemaDirectory)
    return WeaviateClient(
        configuration: config, logger: Logger(label: "contract"),
        retryPolicy: RetryPolicy(retries: retries, baseDelay: .milliseconds(10), maxDelay: .milliseconds(200)))
}

/// Runs `body` against the target Weaviate with a fresh client and a unique class prefix: a fresh in-process
/// stand-in per test by default, else `WEAVIATE_URL` (whose classes with the prefix are deleted afterwards, also
/// when the test fails, so the suite is safe against a shared instance).
func withContractWeaviate<T>(
    _ options: WeaviateStandIn.Options = .init(), _ body: (WeaviateClient, ContractWeaviate) async throws -> T
) async throws -> T {
    let prefix = "ContractT" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
    guard let realURL = ContractEnvironment.weaviateURL else {
        return try await withWeaviateStandInServer(options) { server in
            let target = ContractWeaviate(url: server.url, prefix: prefix, standIn: server, apiKey: options.apiKey)
            return try await body(target.client(), target)
        }
    }
    let target = ContractWeaviate(
        url: realURL, prefix: prefix, standIn: nil, apiKey: ContractEnvironment.weaviateAPIKey)
    do {
        let result = try await body(target.client(), target)
        try await target.dropClasses()
        return result
    } catch {
        try? await target.dropClasses()
        throw error
    }
}

/// Runs `body` with a vectorizer: `T2V_URL`, or a fresh in-process stand-in (`stats` reads its counters).
func withContractVectorizer<T>(
    _ options: VectorizerStandIn.Options = .init(), batchTexts: ESCOConfiguration.BatchTexts = .auto,
    _ body: (VectorizerClient, String) async throws -> T
) async throws -> T {
    func client(_ url: String) -> VectorizerClient {
        VectorizerClient(
            configuration: .init(
                url: url, maxInFlight: 4, requestTimeout: .seconds(30), retries: 2, batchTexts: batchTexts),
            logger: Logger(label: "contract"), retryPolicy: RetryPolicy(retries: 2, baseDelay: .milliseconds(10)),
            textsPerRequest: 8)
    }
    if let url = ContractEnvironment.vectorizerURL { return try await body(client(url), url) }
    return try await withVectorizerStandIn(options) { url in try await body(client(url), url) }
}

/// One request outside the product's client (class deletion, stand-in counters), over the same libcurl transport.
func contractRaw(_ method: String, _ url: String, apiKey: String? = nil, body: JSONValue? = nil) async throws
    -> (status: Int, json: JSONValue?)
{
    var headers: [(String, String)] = [("Content-Type", "application/json")]
    if let apiKey { headers.append(("Authorization", "Bearer \(apiKey)")) }
    let bytes = try body.map { Array(try JSONEncoder().encode($0)) }
    let response = try await contractTransport.send(
        HTTPRequest(method: method, url: url, headers: headers, body: bytes))
    return (response.status, try? JSONDecoder().decode(JSONValue.self, from: Data(response.body)))
}

private let contractTransport = CurlTransport(maxConcurrentRequests: 4)

// MARK: Test data

/// A deterministic id per test and key (uuid5, as the product computes ids).
func contractID(_ target: ContractWeaviate, _ key: String) -> String { ObjectID.uuid5(target.prefix + "/" + key) }

/// A small non-normalised vector that differs per `n` (the real MiniLM vectors are not normalised either).
func contractVector(_ n: Int, dims: Int = 8) -> [Float] {
    (0..<dims).map { i in Float((n * 7 + i * 13) % 17) - 8 + Float(i) * 0.125 }
}

func text(_ s: String) -> JSONValue { .string(s) }

/// `Skill` objects with the properties the product writes.
func skillObject(
    _ target: ContractWeaviate, _ key: String, label: String, alt: [String] = [], vector: [Float]? = nil,
    extra: [String: JSONValue] = [:]
) -> WeaviateObject {
    var props: [String: JSONValue] = [
        "conceptUri": .string("http://data.europa.eu/esco/skill/\(key)"), "preferredLabel": .string(label),
        "altLabels": .array(alt.map { .string($0) }), "status": "released",
    ]
    props.merge(extra) { _, new in new }
    return WeaviateObject(
        className: target.name("Skill"), id: contractID(target, key), properties: props, vector: vector)
}

/// Awaits a `WeaviateError`, or nil when none (or another error) was thrown.
func contractError(_ body: () async throws -> Void) async -> WeaviateError? {
    do { try await body() } catch let e as WeaviateError { return e } catch {}
    return nil
}

/// Element-wise equality within `tolerance` (vectors travel as JSON decimals).
func close(_ a: [Float]?, _ b: [Float]?, tolerance: Float = 1e-6) -> Bool {
    guard let a, let b, a.count == b.count else { return a == nil && b == nil }
    return zip(a, b).allSatisfy { abs($0 - $1) <= tolerance * max(1, abs($1)) }
}

/// The beacons of a reference property, in stored order.
func beacons(_ value: JSONValue?) -> [String] {
    (value?.arrayValue ?? []).compactMap { $0["beacon"]?.stringValue }
}
