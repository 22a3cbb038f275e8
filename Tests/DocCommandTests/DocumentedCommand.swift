import Foundation

/// A command line of one of our programs, found in a document, ready for that program's argument parser.
struct DocumentedCommand: CustomStringConvertible, Sendable {
    static let programs = ["esco-supervise", "esco-search", "esco-standin", "esco"]

    var program: String
    var arguments: [String]
    /// `file:line` of the text it came from.
    var source: String

    var description: String { "\(source): \(([program] + arguments).joined(separator: " "))" }

    /// Fence info strings whose blocks are shell commands; other blocks (trees, diagrams) are not scanned.
    static let shellFences: Set<String> = ["sh", "bash", "shell", "console"]

    /// Every command line of our programs in a Markdown file: in shell code blocks and in inline code spans.
    static func inMarkdown(_ text: String, file: String) -> [DocumentedCommand] {
        var found: [DocumentedCommand] = []
        var fence: String?  // the open block's info string
        var pending = ""
        for (index, line) in text.components(separatedBy: "\n").enumerated() {
            let source = "\(file):\(index + 1)"
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") {
                fence = fence == nil ? String(trimmed.dropFirst(3)).trimmingCharacters(in: .whitespaces) : nil
                continue
            }
            if let fence {
                guard shellFences.contains(fence) else { continue }
                // Shell continuation lines are one command.
                if line.hasSuffix("\\") {
                    pending += line.dropLast() + " "
                    continue
                }
                found += inShellText(withoutComment(pending + line), source: source)
                pending = ""
            } else {
                for span in codeSpans(line) { found += inShellText(span, source: source) }
            }
        }
        return found
    }

    /// A shell line without its comment: from an unquoted `#` that starts a word.
    static func withoutComment(_ line: String) -> String {
        var quote: Character?
        var previous: Character = " "
        for (offset, c) in line.enumerated() {
            if let q = quote {
                if c == q { quote = nil }
            } else if c == "'" || c == "\"" {
                quote = c
            } else if c == "#" && previous == " " {
                return String(line.prefix(offset))
            }
            previous = c
        }
        return line
    }

    /// `code` spans of one Markdown line (single backticks; a table's pipes inside a span stay in it).
    static func codeSpans(_ line: String) -> [String] {
        line.components(separatedBy: "`").enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
    }

    /// Command lines in shell text: each place a program name stands as a command word (at the start, or
    /// after whitespace, `;`, `&`, `|`, `(` or a quote), with its arguments up to the end of that command.
    static func inShellText(_ text: String, source: String) -> [DocumentedCommand] {
        let line = text.replacingOccurrences(of: "\t", with: " ")
        var commands: [DocumentedCommand] = []
        let chars = Array(line)
        var i = 0
        while i < chars.count {
            let atWordStart = i == 0 || " ;&|('\"".contains(chars[i - 1])
            guard atWordStart, let program = programs.first(where: { matches($0, chars, at: i) }) else {
                i += 1
                continue
            }
            let start = i + program.count
            let rest = String(chars[start...])
            let (arguments, consumed) = commandArguments(rest)
            for expanded in expand(arguments) {
                commands.append(DocumentedCommand(program: program, arguments: expanded, source: source))
            }
            i = start + consumed
        }
        return commands
    }

    /// The program name at `i`, followed by the end of the text or a space (not `esco-init`, `esco.env`, ...).
    private static func matches(_ program: String, _ chars: [Character], at i: Int) -> Bool {
        let word = Array(program)
        guard i + word.count <= chars.count, Array(chars[i..<(i + word.count)]) == word else { return false }
        return i + word.count == chars.count || chars[i + word.count] == " "
    }

    /// Arguments up to the end of the command: a `'` (the end of an `sh -c '...'`), `;`, `&&`, `||`, a pipe
    /// between spaces, a comment or a backtick. Double quotes group words. Returns the characters consumed.
    static func commandArguments(_ text: String) -> ([String], Int) {
        var words: [String] = []
        var word = ""
        var quoted = false
        var inWord = false
        let chars = Array(text)
        var i = 0
        func flush() {
            if inWord { words.append(word) }
            word = ""
            inWord = false
        }
        scan: while i < chars.count {
            let c = chars[i]
            if quoted {
                if c == "\"" { quoted = false } else { word.append(c) }
                i += 1
                continue
            }
            switch c {
            case "\"":
                quoted = true
                inWord = true
            case " ":
                flush()
                let next = i + 1 < chars.count ? chars[i + 1] : " "
                let after = i + 2 < chars.count ? chars[i + 2] : " "
                if next == "#" || (next == "|" && after == " ") || (next == "&" && after == "&")
                    || (next == "|" && after == "|")
                {
                    break scan
                }
            case "'", ";", "`":
                break scan
            default:
                word.append(c)
                inWord = true
            }
            i += 1
        }
        flush()
        return (words, i)
    }

    /// Synopsis notation to concrete argument lists: `[--json]` is written out, `a|b` gives one command per
    /// alternative, and placeholders (`PATH`, `N`, `<uri|uuid>`) become `1` (a valid string, number or path).
    static func expand(_ words: [String]) -> [[String]] {
        var results: [[String]] = [[]]
        for raw in words {
            var word = raw
            while word.hasPrefix("[") { word.removeFirst() }
            while word.hasSuffix("]") { word.removeLast() }
            if word.isEmpty { continue }
            let isPlaceholder =
                (word.hasPrefix("<") && word.hasSuffix(">"))
                || (word.allSatisfy { $0.isUppercase || $0 == "_" } && word.contains { $0.isLetter })
            let choices = isPlaceholder ? ["1"] : word.split(separator: "|").map(String.init)
            results = results.flatMap { prefix in choices.map { prefix + [$0] } }
        }
        return results
    }
}
