import ESCOStandIns
import Foundation
import TestSupport

/// JSON request against a stand-in; returns status and parsed body (nil when empty).
@discardableResult
func call(_ url: String, _ method: String, _ path: String, _ body: Any? = nil, headers: [String: String] = [:]) throws
    -> (status: Int, json: Any?)
{
    let r = try RawHTTP.request(
        url, method, path, body: try body.map { try JSONSerialization.data(withJSONObject: $0) }, headers: headers)
    return (r.status, r.body.isEmpty ? nil : try r.json())
}

func dict(_ v: Any?) -> [String: Any] { v as? [String: Any] ?? [:] }
func list(_ v: Any?) -> [Any] { v as? [Any] ?? [] }

var skillClass: [String: Any] {
    [
        "class": "Skill", "vectorizer": "none",
        "properties": [
            ["name": "conceptUri", "dataType": ["text"], "tokenization": "field"],
            ["name": "preferredLabel", "dataType": ["text"], "tokenization": "word"],
            ["name": "altLabels", "dataType": ["text[]"], "tokenization": "word"],
            ["name": "code", "dataType": ["text"], "tokenization": "field"],
            ["name": "rank", "dataType": ["int"]],
            ["name": "broaderSkills", "dataType": ["Skill"]],
        ],
    ]
}

func id(_ n: Int) -> String { String(format: "00000000-0000-4000-8000-%012d", n) }

func skill(_ n: Int, label: String, vector: [Double]? = [1, 0, 0], extra: [String: Any] = [:]) -> [String: Any] {
    var props: [String: Any] = ["conceptUri": "http://esco/skill/\(n)", "preferredLabel": label, "rank": n]
    props.merge(extra) { _, b in b }
    var o: [String: Any] = ["class": "Skill", "id": id(n), "properties": props]
    if let vector { o["vector"] = vector }
    return o
}

func graphql(_ url: String, _ query: String, variables: [String: Any]? = nil) throws -> [String: Any] {
    var body: [String: Any] = ["query": query]
    if let variables { body["variables"] = variables }
    let r = try call(url, "POST", "/v1/graphql", body)
    precondition(r.status == 200, "GraphQL must answer 200, got \(r.status)")
    return dict(r.json)
}

/// `data.Get.<Class>` rows.
func getRows(_ result: [String: Any], _ className: String) -> [[String: Any]] {
    (dict(dict(result["data"])["Get"])[className] as? [[String: Any]]) ?? []
}

/// GraphQL string literal with every character that could break or alter the query escaped.
func graphQLString(_ s: String) -> String {
    var out = "\""
    for c in s.unicodeScalars {
        switch c {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if c.value < 0x20 { out += String(format: "\\u%04x", c.value) } else { out.unicodeScalars.append(c) }
        }
    }
    return out + "\""
}

/// Runs `body` on `n` dedicated threads at once (concurrentPerform may serialise on a busy 2-core box).
func onThreads(_ n: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let group = DispatchGroup()
    for i in 0..<n {
        group.enter()
        Thread.detachNewThread {
            body(i)
            group.leave()
        }
    }
    group.wait()
}
