import ESCOClients
import ESCOConfig
import ESCOCore
import ESCOIngestion
import ESCORuntime
import Foundation
import Logging
import TestSupport

/// Reads everything our classes hold in a Weaviate (stand-in) over the real client, for exact comparisons.
struct StoreSnapshot: Equatable {
    struct Object: Equatable {
        var properties: [String: JSONValue]
        var vector: [Float]?
    }

    var objects: [String: [String: Object]] = [:]

    static let classes = ["ISCOGroup", "SkillGroup", "SkillCollection", "Skill", "Occupation", "Label"]

    static func read(_ url: String) async throws -> StoreSnapshot {
        let client = WeaviateClient(configuration: .init(url: url), logger: Logger(label: "snapshot"))
        var snap = StoreSnapshot()
        for c in classes {
            if (try? await client.aggregateCount(className: c)) == nil { continue }  // class absent
            var after: String?
            var byID: [String: Object] = [:]
            while true {
                let page = try await client.listObjects(className: c, limit: 500, after: after, includeVector: true)
                for o in page {
                    // Weaviate adds `href` to beacons it returns; compare beacons only. Classes are read through
                    // their stable names (the aliases of the serving generation), and beacons with the logical
                    // class, so two generations holding the same data compare equal.
                    var props = o.properties
                    for (k, v) in props {
                        if let list = v.arrayValue, list.first?["beacon"] != nil {
                            props[k] = .array(list.map { ["beacon": $0["beacon"].map(logicalBeacon) ?? .null] })
                        }
                    }
                    byID[o.id] = Object(properties: props, vector: o.vector)
                }
                guard page.count == 500, let last = page.last else { break }
                after = last.id
            }
            snap.objects[c] = byID
        }
        return snap
    }

    /// `weaviate://localhost/Skill_g2/<id>` → `weaviate://localhost/Skill/<id>`.
    static func logicalBeacon(_ beacon: JSONValue) -> JSONValue {
        guard let b = beacon.stringValue else { return beacon }
        let parts = b.components(separatedBy: "/")
        guard parts.count == 5 else { return beacon }
        return .string((parts.prefix(3) + [GenerationNaming.logicalName(parts[3]), parts[4]]).joined(separator: "/"))
    }

    func count(_ c: String) -> Int { objects[c]?.count ?? 0 }

    /// Total beacons in one reference property across a class.
    func refs(_ c: String, _ property: String) -> Int {
        objects[c]?.values.reduce(0) { $0 + ($1.properties[property]?.arrayValue?.count ?? 0) } ?? 0
    }

    /// Any reference list holding the same beacon twice.
    var duplicateReferences: [String] {
        var out: [String] = []
        for (c, objs) in objects {
            for (id, o) in objs {
                for (k, v) in o.properties {
                    guard let list = v.arrayValue, list.first?["beacon"] != nil else { continue }
                    let beacons = list.compactMap { $0["beacon"]?.stringValue }
                    if Set(beacons).count != beacons.count { out.append("\(c)/\(id).\(k)") }
                }
            }
        }
        return out
    }
}

/// The ingestion state stored in a Weaviate (stand-in), read over the real client.
func readState(_ url: String) async throws -> IngestionState? {
    let client = WeaviateClient(configuration: .init(url: url), logger: Logger(label: "test"))
    return try await StateStore(backend: WeaviateGateway(client: client, schemaDirectory: "")).read()
}
