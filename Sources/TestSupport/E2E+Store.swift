import ESCOCore
public import Foundation

/// What a (stand-in) Weaviate holds, read over raw HTTP: black-box tests check the product's data without
/// going through the product's own client.
public struct E2EStore: Sendable {
    public let url: String
    public init(_ url: String) { self.url = url }

    /// The concept classes of resources/schemas (Metadata excluded).
    public static let dataClasses = ["ISCOGroup", "SkillGroup", "SkillCollection", "Skill", "Occupation", "Label"]

    /// `GET /_standin/stats` as JSON.
    public func stats() throws -> [String: Any] {
        try RawHTTP.request(url, "GET", "/_standin/stats").json() as? [String: Any] ?? [:]
    }

    /// Requests that change data, by route (`POST /v1/batch/objects`, PUT/PATCH/DELETE, schema writes), from
    /// the stats' per-route counts; GraphQL and reads are not writes.
    public func writeRequests() throws -> [String: Int] {
        let routes = (try stats()["requests"] as? [String: Any]) ?? [:]
        var out: [String: Int] = [:]
        for (route, n) in routes {
            let method = route.split(separator: " ").first.map(String.init) ?? ""
            guard ["POST", "PUT", "PATCH", "DELETE"].contains(method), route != "POST /v1/graphql" else { continue }
            out[route] = (n as? Int) ?? (n as? NSNumber)?.intValue ?? 0
        }
        return out
    }

    /// Objects per class as the stand-in reports them.
    public func objectCounts() throws -> [String: Int] {
        let objects = (try stats()["objects"] as? [String: Any]) ?? [:]
        return objects.mapValues { ($0 as? Int) ?? ($0 as? NSNumber)?.intValue ?? -1 }
    }

    /// Objects per logical class (`Skill`) in the serving data generation's classes (`Skill_g2`), or in the plain
    /// classes when no generation is recorded.
    public func servingObjectCounts() throws -> [String: Int] {
        let serving = try state()?.dataGeneration("serving") ?? 0
        let raw = try objectCounts()
        var out: [String: Int] = [:]
        for c in Self.dataClasses { out[c] = raw[serving == 0 ? c : "\(c)_g\(serving)"] }
        return out
    }

    /// Every object of `className` (properties, and whether it has a vector), paging with `after`.
    public func objects(_ className: String) throws -> [(id: String, properties: [String: Any], hasVector: Bool)] {
        var out: [(id: String, properties: [String: Any], hasVector: Bool)] = []
        var after: String?
        while true {
            var path = "/v1/objects?class=\(className)&limit=500&include=vector"
            if let after { path += "&after=\(after)" }
            let response = try RawHTTP.request(url, "GET", path)
            guard response.status == 200 else { return out }  // class absent
            let list = ((try response.json() as? [String: Any])?["objects"] as? [[String: Any]]) ?? []
            for o in list {
                let vector = o["vector"] as? [Any] ?? []
                out.append((o["id"] as? String ?? "", o["properties"] as? [String: Any] ?? [:], !vector.isEmpty))
            }
            guard list.count == 500, let last = out.last?.id else { return out }
            after = last
        }
    }

    /// The current ingestion state object's properties, or nil when there is none.
    public func state() throws -> E2EState? {
        let id = ObjectID.uuid5("esco-stack/ingestion-state")
        let response = try RawHTTP.request(url, "GET", "/v1/objects/Metadata/\(id)")
        guard response.status == 200 else { return nil }
        guard let props = (try response.json() as? [String: Any])?["properties"] as? [String: Any] else { return nil }
        return E2EState(properties: props)
    }

    /// The append-only history (`metaType == ingestion_event`), unordered.
    public func events() throws -> [E2EState] {
        try objects("Metadata").map { E2EState(properties: $0.properties) }.filter {
            $0.string("metaType") == "ingestion_event"
        }
    }

    /// Deletes one object, behind the product's back.
    public func delete(_ className: String, _ id: String) throws -> Int {
        try RawHTTP.request(url, "DELETE", "/v1/objects/\(className)/\(id)").status
    }

    /// Sets stand-in faults at runtime (`latencyMs`, `createWindowMs`, ...).
    public func setFaults(_ faults: [String: Any]) throws {
        let r = try RawHTTP.json(url, "POST", "/_standin/faults", faults)
        guard r.status == 200 else { throw RawHTTPError(message: "setting faults failed: \(r.status) \(r.text)") }
    }

    /// Total beacons in reference property `property` across `className`, and lists holding a beacon twice.
    public func references(_ className: String, _ property: String) throws -> (total: Int, duplicates: Int) {
        var total = 0, duplicates = 0
        for o in try objects(className) {
            let beacons = (o.properties[property] as? [[String: Any]] ?? []).compactMap { $0["beacon"] as? String }
            total += beacons.count
            if Set(beacons).count != beacons.count { duplicates += 1 }
        }
        return (total, duplicates)
    }
}

/// A `Metadata` object (current state or history event) as stored.
public struct E2EState: @unchecked Sendable {
    // @unchecked: JSONSerialization values, read only.
    public let properties: [String: Any]
    public func string(_ key: String) -> String { properties[key] as? String ?? "" }
    public var status: String { string("status") }
    public var holder: String { string("holder") }
    public var runId: String { string("runId") }
    public var error: String { string("error") }
    public var details: String { string("details") }
    public var generation: Int { (properties["generation"] as? NSNumber)?.intValue ?? -1 }
    public var completedSteps: [String] { properties["completedSteps"] as? [String] ?? [] }
    /// The holder's pid (`host:pid`).
    public var holderPid: Int32? { holder.split(separator: ":").last.flatMap { Int32($0) } }
    /// `endedAt` in milliseconds since the epoch.
    public var endedAtMs: Int64? { RFC3339.parse(string("endedAt")) }
    /// The number of the `serving` or `building` data generation recorded in `details` (nil: none).
    public func dataGeneration(_ role: String) -> Int? {
        let details = try? JSONSerialization.jsonObject(with: Data(self.details.utf8)) as? [String: Any]
        let generations = details?["generations"] as? [String: Any]
        return ((generations?[role] as? [String: Any])?["number"] as? NSNumber)?.intValue
    }
}

/// `esco dataset stats --json` numbers, the independent expectation for counts.
public struct DatasetStatsJSON: @unchecked Sendable {
    // @unchecked: JSONSerialization values, read only.
    public let json: [String: Any]

    public static func load(_ path: String) async throws -> DatasetStatsJSON {
        let r = try await Harness.run(DatasetPaths.escoBinary, ["dataset", "stats", "--data", path, "--json"])
        let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        return DatasetStatsJSON(json: obj ?? [:])
    }

    public func int(_ path: String...) -> Int {
        var cur: Any? = json
        for p in path { cur = (cur as? [String: Any])?[p] }
        return (cur as? Int) ?? (cur as? NSNumber)?.intValue ?? -1
    }

    public var collectionMembers: Int {
        (json["collections"] as? [String: Any])?.values.reduce(0) { $0 + (($1 as? Int) ?? 0) } ?? -1
    }

    /// Objects per class the sample must produce with label vectors off.
    public var expectedCounts: [String: Int] {
        [
            "ISCOGroup": int("iscoGroups"), "SkillGroup": int("skillGroups"), "SkillCollection": 7,
            "Skill": int("skills"), "Occupation": int("occupations"),
        ]
    }
}
