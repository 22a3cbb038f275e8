public import ESCOSearch
import Foundation

/// The server-rendered pages of `GET /` and `GET /concept` (docs/OPERATIONS.md#search-page): no external
/// assets, no JavaScript, readable on a phone, headings and labels for screen readers and keyboards. Pure:
/// models in, `HTML` out; every value from Weaviate or the query string goes through `HTML`'s escaping.
public enum SearchPage {
    /// What `/readyz` reports, shown while the data is not ready.
    public struct Notice: Sendable, Equatable {
        public var title: String
        public var status: String
        public var reason: String

        public init(title: String, status: String, reason: String) {
            self.title = title
            self.status = status
            self.reason = reason
        }
    }

    /// The type choices of the search form, in order, with what a person reads.
    static let typeChoices: [(ConceptType, String)] = [
        (.all, "All types"), (.skill, "Skills"), (.occupation, "Occupations"), (.isco, "ISCO groups"),
        (.group, "Skill groups"),
    ]

    /// A concept kind as a person reads it (`ConceptLink.type` and `ConceptType` raw values).
    static func typeName(_ type: String) -> String {
        switch type {
        case "skill": "Skill"
        case "occupation": "Occupation"
        case "isco": "ISCO group"
        case "group": "Skill group"
        case "collection": "Skill collection"
        default: type
        }
    }

    /// What a person reads for `ConceptSchema.scalarProperties`.
    static let propertyNames: [String: String] = [
        "code": "ESCO code", "iscoGroupCode": "ISCO group code", "definition": "Definition",
        "scopeNote": "Scope note", "regulatedProfessionNote": "Regulated profession", "status": "Status",
        "skillType": "Skill type", "reuseLevel": "Reuse level", "level": "Level",
    ]

    /// `/concept?uri=...` for a concept URI.
    public static func conceptLink(_ uri: String) -> String { "/concept?uri=" + queryValue(uri) }

    /// `/?q=...&type=...`.
    public static func searchLink(_ text: String, type: ConceptType) -> String {
        "/?q=" + queryValue(text) + (type == .all ? "" : "&type=" + type.rawValue)
    }

    static func queryValue(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)..<"\u{80}"))
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    // MARK: Pages

    /// The search page: the form, then the readiness notice, the error or the results (nil: no query yet).
    public static func search(
        text: String, type: ConceptType, results: [SearchResult]?, notice: Notice? = nil, error: String? = nil
    ) -> HTML {
        let heading: String = text.isEmpty ? "Search ESCO" : "Search ESCO: \(text)"
        return layout(
            title: heading,
            body: """
                <h1>Search ESCO</h1>
                \(form(text: text, type: type))
                \(notice.map(noticeBox) ?? "")
                \(error.map { "<p class=\"error\" role=\"alert\">\($0)</p>" as HTML } ?? "")
                \(results.map { resultList($0, text: text) } ?? "")
                """)
    }

    /// One concept with its properties and its relations both ways, each related concept a link.
    public static func concept(_ c: ConceptDetail) -> HTML {
        let properties = c.properties.sorted { $0.key < $1.key }.map { key, value -> HTML in
            "<dt>\(propertyNames[key] ?? key)</dt><dd>\(value)</dd>"
        }
        let relations = c.relations.filter { !$0.concepts.isEmpty }.map(relationSection)
        let altLabels: HTML =
            c.altLabels.isEmpty
            ? "" : "<h2>Also known as</h2><ul class=\"alt\">\(c.altLabels.map { "<li>\($0)</li>" as HTML })</ul>"
        return layout(
            title: "\(c.label) (\(typeName(c.type.rawValue)))",
            body: """
                <p class="crumbs"><a href="/">New search</a></p>
                <article class="concept" aria-labelledby="concept-label">
                <h1 id="concept-label">\(c.label)</h1>
                <p class="meta"><span class="type">\(typeName(c.type.rawValue))</span> \
                \(externalLink(c.uri))</p>
                \(c.description.isEmpty ? "" : "<p class=\"desc\">\(c.description)</p>" as HTML)
                \(relations.isEmpty ? "<p>No relations recorded.</p>" : "\(relations)" as HTML)
                \(altLabels)
                \(properties.isEmpty ? "" : "<h2>Properties</h2><dl>\(properties)</dl>" as HTML)
                </article>
                """)
    }

    /// A page for an error: a 400 (the query), a 404 (no such concept) or a 503 (not ready, service down).
    public static func error(title: String, message: String, notice: Notice? = nil) -> HTML {
        layout(
            title: title,
            body: """
                <h1>\(title)</h1>
                \(notice.map(noticeBox) ?? "<p class=\"error\" role=\"alert\">\(message)</p>")
                <p><a href="/">New search</a></p>
                """)
    }

    // MARK: Pieces

    static func form(text: String, type: ConceptType) -> HTML {
        let options = typeChoices.map { choice, name -> HTML in
            "<option value=\"\(choice.rawValue)\"\(choice == type ? " selected" : "" as HTML)>\(name)</option>"
        }
        return """
            <form class="search" method="get" action="/" role="search">
            <div class="field grow"><label for="q">Words to search for</label>
            <input id="q" name="q" type="search" value="\(text)" maxlength="500" required autocomplete="off"></div>
            <div class="field"><label for="type">Type</label>
            <select id="type" name="type">\(options)</select></div>
            <div class="field"><button type="submit">Search</button></div>
            </form>
            """
    }

    /// The concept's URI as a link to the ESCO portal, only for http(s): escaping cannot stop a stored
    /// `javascript:` URI from running when clicked, so any other scheme is shown as text.
    static func externalLink(_ uri: String) -> HTML {
        let lower = uri.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
            return "<span class=\"uri\">\(uri)</span>"
        }
        return "<a class=\"uri\" href=\"\(uri)\">\(uri)</a>"
    }

    static func noticeBox(_ n: Notice) -> HTML {
        """
        <section class="notice" role="status" aria-labelledby="notice-heading">
        <h2 id="notice-heading">\(n.title)</h2>
        <p>The service's readiness check (<a href="/readyz">/readyz</a>) reports <strong>\(n.status)</strong>: \
        \(n.reason)</p>
        </section>
        """
    }

    static func resultList(_ results: [SearchResult], text: String) -> HTML {
        guard !results.isEmpty else {
            return "<h2 id=\"results-heading\">No results</h2><p>Nothing matched \u{201C}\(text)\u{201D}.</p>"
        }
        let items = results.map { r -> HTML in
            let matched: HTML =
                r.matchedLabel.map {
                    $0 == r.label ? "" : " \u{00B7} matched \u{201C}<span class=\"matched\">\($0)</span>\u{201D}"
                }
                ?? ""
            return """
                <li class="result"><h3><a href="\(conceptLink(r.uri))">\(r.label)</a></h3>
                <p class="meta"><span class="type">\(typeName(r.type.rawValue))</span> \u{00B7} score \
                <span class="score">\(String(format: "%.2f", r.score))</span>\(matched)</p>
                \(r.description.isEmpty ? "" : "<p class=\"desc\">\(r.description)</p>" as HTML)</li>
                """
        }
        let count = results.count == 1 ? "1 result" : "\(results.count) results"
        return """
            <h2 id="results-heading">\(count) for \u{201C}\(text)\u{201D}</h2>
            <ol class="results" aria-labelledby="results-heading">\(items)</ol>
            """
    }

    static func relationSection(_ relation: ConceptRelation) -> HTML {
        let id = "rel-" + relation.name
        let items = relation.concepts.map { link -> HTML in
            // Skill collections are not concepts the search serves: shown as text, not as a dead link.
            let name: HTML =
                link.type == "collection" ? "\(link.label)" : "<a href=\"\(conceptLink(link.uri))\">\(link.label)</a>"
            return "<li>\(name) <span class=\"type\">\(typeName(link.type))</span></li>"
        }
        let title = relation.title.prefix(1).uppercased() + relation.title.dropFirst()
        return """
            <section class="relation" aria-labelledby="\(id)">
            <h2 id="\(id)">\(title) <span class="count">(\(String(relation.concepts.count)))</span></h2>
            <ul>\(items)</ul>
            </section>
            """
    }

    static func layout(title: String, body: HTML) -> HTML {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(title) \u{2013} esco-search</title>
        <style>\(style)</style>
        </head>
        <body>
        <a class="skip" href="#main">Skip to content</a>
        <header><a class="home" href="/">esco-search</a></header>
        <main id="main">
        \(body)
        </main>
        <footer><p>ESCO \u{00A9} European Union, reused under Decision 2011/833/EU. \
        <a href="/openapi.json">JSON API</a></p></footer>
        </body>
        </html>

        """
    }

    static let style: HTML = """
        :root{color-scheme:light dark;--fg:#1b1b1b;--bg:#fff;--muted:#555;--accent:#0b57d0;--box:#f3f5f9}
        @media (prefers-color-scheme:dark){:root{--fg:#eee;--bg:#121212;--muted:#bbb;--accent:#8ab4f8;--box:#1e2430}}
        *{box-sizing:border-box}
        body{margin:0;font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);\
        background:var(--bg)}
        header,main,footer{max-width:52rem;margin:0 auto;padding:0 1rem}
        header{padding-top:.75rem}
        .home{font-weight:700;text-decoration:none}
        a{color:var(--accent)}
        a:focus-visible,input:focus-visible,select:focus-visible,button:focus-visible{outline:3px solid var(--accent);\
        outline-offset:2px}
        .skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:.5rem;background:var(--bg);padding:.25rem}
        h1{font-size:1.6rem;margin:.75rem 0}
        h2{font-size:1.2rem;margin:1.25rem 0 .5rem}
        h3{font-size:1.05rem;margin:0}
        form.search{display:flex;flex-wrap:wrap;gap:.75rem;align-items:flex-end;background:var(--box);\
        padding:.75rem;border-radius:.5rem}
        .field{display:flex;flex-direction:column;gap:.25rem}.grow{flex:1 1 16rem}
        label{font-weight:600}
        input,select,button{font:inherit;padding:.5rem;border:1px solid var(--muted);border-radius:.35rem;\
        min-height:2.75rem;background:var(--bg);color:var(--fg)}
        button{background:var(--accent);color:var(--bg);border-color:var(--accent);font-weight:600;cursor:pointer}
        .results{padding-left:1.25rem}.result{margin:0 0 1rem}
        .meta,.count,.crumbs{color:var(--muted);font-size:.9rem;margin:.15rem 0}
        .type{font-weight:600}
        .relation .type{font-weight:400;color:var(--muted);font-size:.85rem}
        .desc{margin:.25rem 0}
        .uri{word-break:break-all}
        .notice,.error{border-left:4px solid #b3261e;background:var(--box);padding:.5rem 1rem;margin:1rem 0}
        dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dd{margin:0}
        @media (max-width:30rem){dl{grid-template-columns:1fr}dt{font-weight:600}}
        footer{color:var(--muted);font-size:.85rem;margin-top:2rem}
        """
}
