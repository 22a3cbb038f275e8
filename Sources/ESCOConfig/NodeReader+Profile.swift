import ESCOClients
import ESCOCore
import Foundation
import Yams

extension NodeReader {
    /// Reads one profile over the built-in defaults already in `config`.
    func readProfile(_ node: Node, path: String, into config: inout ESCOConfiguration) throws {
        if isNull(node) { return }
        let sections = try mapping(node, path: path)
        try checkKeys(
            sections, allowed: ["weaviate", "vectorizer", "data", "lock", "ingest", "supervisor", "search"],
            path: path)
        for s in sections where !isNull(s.value) {
            let p = join(path, s.key)
            let entries = try mapping(s.value, path: p)
            switch s.key {
            case "weaviate": try readWeaviate(entries, p, &config.weaviate)
            case "vectorizer": try readVectorizer(entries, p, &config.vectorizer)
            case "data":
                try checkKeys(entries, allowed: ["path"], path: p)
                for e in entries where !isNull(e.value) { config.data.path = try string(e.value, join(p, e.key)) }
            case "lock":
                try checkKeys(entries, allowed: ["directory"], path: p)
                for e in entries {
                    config.lock.directory = isNull(e.value) ? nil : try string(e.value, join(p, e.key))
                }
            case "ingest": try readIngest(entries, p, &config.ingest)
            case "supervisor": try readSupervisor(entries, p, &config.supervisor)
            default: try readSearch(entries, p, &config.search)
            }
        }
    }

    private func readWeaviate(_ entries: [Entry], _ path: String, _ w: inout ESCOConfiguration.Weaviate) throws {
        if let secret = entries.first(where: { $0.key == "apiKey" }) {
            // Said explicitly, and without echoing the value: a key in a file ends up in git and in logs.
            throw error(
                .unknownKey, secret.keyNode, join(path, "apiKey"),
                "API keys are not read from the file; set apiKeyEnv to the name of an environment variable "
                    + "holding the key (or set WEAVIATE_API_KEY)")
        }
        try checkKeys(
            entries,
            allowed: [
                "url", "apiKeyEnv", "connectTimeoutSeconds", "requestTimeoutSeconds", "retries", "batchSize",
                "consistencyLevel", "schemaDirectory", "replicationFactor",
            ], path: path)
        for e in entries {
            let p = join(path, e.key), v = e.value
            if isNull(v) {
                if e.key == "apiKeyEnv" { w.apiKeyEnv = nil }
                if e.key == "consistencyLevel" { w.consistencyLevel = nil }
                if e.key == "replicationFactor" { w.replicationFactor = nil }
                continue
            }
            switch e.key {
            case "url": w.url = try url(v, p)
            case "apiKeyEnv":
                let name = try string(v, p)
                guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                    throw error(
                        .badValue, v, p, "expected the name of an environment variable, such as WEAVIATE_API_KEY")
                }
                w.apiKeyEnv = name
            case "connectTimeoutSeconds": w.connectTimeout = try seconds(v, p, 0.1...600)
            case "requestTimeoutSeconds": w.requestTimeout = try seconds(v, p, 0.1...3600)
            case "retries": w.retries = try int(v, p, 0...100)
            case "batchSize": w.batchSize = try int(v, p, 1...10_000)
            case "consistencyLevel":
                let raw = try string(v, p)
                guard let level = ESCOConfiguration.ConsistencyLevel(rawValue: raw.uppercased()) else {
                    throw error(.badValue, v, p, "expected ONE, QUORUM or ALL, got \"\(raw)\"")
                }
                w.consistencyLevel = level
            case "replicationFactor": w.replicationFactor = try int(v, p, 1...100)
            default: w.schemaDirectory = try string(v, p)
            }
        }
    }

    private func readVectorizer(_ entries: [Entry], _ path: String, _ t: inout ESCOConfiguration.Vectorizer) throws {
        try checkKeys(
            entries,
            allowed: [
                "url", "maxInFlight", "connectTimeoutSeconds", "requestTimeoutSeconds", "retries", "batchTexts",
                "cacheDirectory", "model", "directTokenize",
            ], path: path)
        for e in entries where !isNull(e.value) {
            let p = join(path, e.key), v = e.value
            switch e.key {
            case "url": t.url = try url(v, p)
            case "maxInFlight": t.maxInFlight = try int(v, p, 1...256)
            case "connectTimeoutSeconds": t.connectTimeout = try seconds(v, p, 0.1...600)
            case "requestTimeoutSeconds": t.requestTimeout = try seconds(v, p, 0.1...3600)
            case "retries": t.retries = try int(v, p, 0...100)
            case "batchTexts":
                if case .scalar(let s) = v, s.string == "auto" {
                    t.batchTexts = .auto
                } else if case .scalar = v, let b = v.bool {
                    t.batchTexts = b ? .always : .never
                } else {
                    throw error(.wrongType, v, p, "expected true, false or auto, got \(kind(v))")
                }
            case "model":
                let name = try string(v, p)
                guard !name.trimmingCharacters(in: .whitespaces).isEmpty else {
                    throw error(
                        .badValue, v, p,
                        "expected the model the vectorizer serves, such as "
                            + "\(ESCOConfiguration.Vectorizer.defaultModel)")
                }
                t.model = name
            case "directTokenize": t.directTokenize = try bool(v, p)
            default: t.cacheDirectory = try string(v, p)
            }
        }
    }

    private func readIngest(_ entries: [Entry], _ path: String, _ i: inout ESCOConfiguration.Ingest) throws {
        try checkKeys(
            entries,
            allowed: ["leaseTTLSeconds", "heartbeatSeconds", "labelVectors", "settleMilliseconds", "keepGenerations"],
            path: path)
        for e in entries where !isNull(e.value) {
            let p = join(path, e.key), v = e.value
            switch e.key {
            case "leaseTTLSeconds": i.leaseTTL = try seconds(v, p, 1...86_400)
            case "heartbeatSeconds": i.heartbeat = try seconds(v, p, 0.1...3600)
            case "labelVectors": i.labelVectors = try bool(v, p)
            // At least 1: the generation a switch replaces may still be read by requests in flight, so it is
            // deleted only at a later switch (docs/ARCHITECTURE.md#aliases).
            case "keepGenerations": i.keepGenerations = try int(v, p, 1...100)
            default: i.settle = .milliseconds(try int(v, p, 0...600_000))
            }
        }
        // A heartbeat slower than a third of the lease lets a live holder's lease expire under load.
        if i.heartbeat * 3 > i.leaseTTL,
            let e = entries.first(where: { $0.key == "heartbeatSeconds" })
                ?? entries.first(where: { $0.key == "leaseTTLSeconds" })
        {
            throw error(
                .outOfRange, e.value, join(path, e.key),
                "heartbeatSeconds must be at most a third of leaseTTLSeconds (\(i.heartbeat.secondsValue) vs \(i.leaseTTL.secondsValue))"
            )
        }
    }

    private func readSupervisor(_ entries: [Entry], _ path: String, _ s: inout ESCOConfiguration.Supervisor) throws {
        try checkKeys(
            entries,
            allowed: [
                "dependencyDeadlineSeconds", "pollIntervalSeconds", "waitDeadlineSeconds", "graceSeconds",
            ], path: path)
        for e in entries where !isNull(e.value) {
            let p = join(path, e.key), v = e.value
            switch e.key {
            case "dependencyDeadlineSeconds": s.dependencyDeadline = try seconds(v, p, 0...86_400)
            case "pollIntervalSeconds": s.pollInterval = try seconds(v, p, 0.05...3600)
            case "waitDeadlineSeconds": s.waitDeadline = try seconds(v, p, 0...604_800)
            default: s.grace = try seconds(v, p, 0...9.5)
            }
        }
    }

    private func readSearch(_ entries: [Entry], _ path: String, _ s: inout ESCOConfiguration.Search) throws {
        try checkKeys(entries, allowed: ["host", "port"], path: path)
        for e in entries where !isNull(e.value) {
            let p = join(path, e.key)
            if e.key == "host" { s.host = try string(e.value, p) } else { s.port = try int(e.value, p, 1...65_535) }
        }
    }
}
