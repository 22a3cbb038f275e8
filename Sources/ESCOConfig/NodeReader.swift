import ESCOCore
import Foundation
import Yams

/// Walks a composed YAML tree and turns every problem into a `ConfigError` at the node's mark.
struct NodeReader {
    struct Entry {
        var key: String
        var keyNode: Node
        var value: Node
    }

    let file: String

    func error(_ code: ConfigError.Code, _ node: Node, _ path: String, _ message: String) -> ConfigError {
        ConfigError(
            code: code, file: file, line: node.mark?.line, column: node.mark?.column,
            keyPath: path.isEmpty ? nil : path, message: message)
    }

    func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : path + "." + key }

    func mapping(_ node: Node, path: String) throws -> [Entry] {
        guard case .mapping(let m) = node else {
            throw error(.wrongType, node, path, "expected a mapping (key: value lines), got \(kind(node))")
        }
        return try m.map { key, value in
            guard let name = key.scalar?.string else {
                throw error(.wrongType, key, path, "expected a plain key, got \(kind(key))")
            }
            return Entry(key: name, keyNode: key, value: value)
        }
    }

    /// Rejects keys outside `allowed`, suggesting the closest one: a typo must never be silently ignored.
    func checkKeys(_ entries: [Entry], allowed: [String], path: String) throws {
        for e in entries where !allowed.contains(e.key) {
            var message = "unknown key \"\(e.key)\""
            if let guess = closest(e.key, in: allowed) { message += " (did you mean \"\(guess)\"?)" }
            message += "; known keys: " + allowed.joined(separator: ", ")
            throw error(.unknownKey, e.keyNode, join(path, e.key), message)
        }
    }

    func kind(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let s):
            if s.tag.description == Tag.Name.null.rawValue || node.null != nil { return "nothing" }
            if node.bool != nil { return "a boolean" }
            if node.int != nil || node.float != nil { return "a number" }
            return "a string"
        }
    }

    func isNull(_ node: Node) -> Bool {
        if case .scalar = node, node.null != nil { return true }
        return false
    }

    func string(_ node: Node, _ path: String) throws -> String {
        guard case .scalar(let s) = node, !isNull(node) else {
            throw error(.wrongType, node, path, "expected a string, got \(kind(node))")
        }
        return s.string
    }

    func bool(_ node: Node, _ path: String) throws -> Bool {
        guard case .scalar = node, let b = node.bool, node.int == nil else {
            throw error(.wrongType, node, path, "expected true or false, got \(kind(node))")
        }
        return b
    }

    func int(_ node: Node, _ path: String, _ range: ClosedRange<Int>) throws -> Int {
        guard case .scalar = node, let v = node.int else {
            throw error(.wrongType, node, path, "expected a whole number, got \(kind(node))")
        }
        guard range.contains(v) else {
            throw error(
                .outOfRange, node, path,
                "expected a number from \(range.lowerBound) to \(range.upperBound), got \(v)")
        }
        return v
    }

    func double(_ node: Node, _ path: String, _ range: ClosedRange<Double>) throws -> Double {
        guard case .scalar = node, node.bool == nil, let v = node.int.map(Double.init) ?? node.float, v.isFinite
        else {
            throw error(.wrongType, node, path, "expected a number, got \(kind(node))")
        }
        guard range.contains(v) else {
            throw error(
                .outOfRange, node, path,
                "expected a number from \(format(range.lowerBound)) to \(format(range.upperBound)), got \(format(v))")
        }
        return v
    }

    /// A timing setting written in seconds (fractions allowed), as a `Duration` to the millisecond.
    func seconds(_ node: Node, _ path: String, _ range: ClosedRange<Double>) throws -> Duration {
        .seconds(fractional: try double(node, path, range))
    }

    func url(_ node: Node, _ path: String) throws -> String {
        let raw = try string(node, path)
        return try ESCOConfiguration.checkedURL(
            raw, file: file, keyPath: path, line: node.mark?.line,
            column: node.mark?.column)
    }

    private func format(_ d: Double) -> String {
        d.rounded() == d && abs(d) < 1e15 ? String(Int(d)) : String(d)
    }

    /// Edit distance ≤ 2 (or a case-only difference) counts as a likely typo.
    func closest(_ key: String, in allowed: [String]) -> String? {
        if let same = allowed.first(where: { $0.lowercased() == key.lowercased() }) { return same }
        let scored = allowed.map { ($0, levenshtein(Array(key.lowercased()), Array($0.lowercased()))) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= 2 else { return nil }
        return best.0
    }

    private func levenshtein(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev = Array(0...b.count)
        for i in 1...a.count {
            var cur = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            prev = cur
        }
        return prev[b.count]
    }
}
