import ESCOClients
import ESCOCore
import ESCORuntime
import ESCOSearch
import ESCOSearchServer
import Foundation
import SearchTestSupport
import TestSupport
import Testing

/// The HTML pages (issue 15): hostile text from the query string and from Weaviate is shown as text, the
/// pages carry what phones and screen readers need, and a page says when the data is not ready.
@Suite(.serialized) struct SearchPageTests {
    /// HTML, script, attribute-breaking quotes and an entity, in one label or query.
    static let hostile = #"<script>window.pwned=1</script><img src=x onerror="window.pwned=2"> 'q' & "dq" &amp;"#

    /// No markup of the hostile text survived: no script or img element, no event handler attribute.
    static func expectInert(_ body: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let lower = body.lowercased()
        #expect(!lower.contains("<script"), sourceLocation: sourceLocation)
        #expect(!lower.contains("<img"), sourceLocation: sourceLocation)
        #expect(!lower.contains("onerror=\""), sourceLocation: sourceLocation)
    }

    @Test func escapingCoversTextAndAttributes() {
        #expect(HTML.escape(Self.hostile).contains("&lt;script&gt;window.pwned=1&lt;/script&gt;"))
        #expect(HTML.escape(#"a"b'c&d"#) == "a&quot;b&#39;c&amp;d")
        let value = Self.hostile
        let page: HTML = "<p title=\"\(value)\">\(value)</p>"
        #expect(page.text == "<p title=\"\(HTML.escape(value))\">\(HTML.escape(value))</p>")
        Self.expectInert(page.text)
    }

    @Test func onlyHTTPURIsBecomeLinks() throws {
        let json = #"""
            {"uri": "javascript:window.pwned=1", "id": "x", "type": "skill", "label": "l", "altLabels": [],
             "description": "", "properties": {}, "relations": []}
            """#
        let detail = try JSONDecoder().decode(ConceptDetail.self, from: Data(json.utf8))
        let page = SearchPage.concept(detail).text
        #expect(!page.contains("href=\"javascript:"))
        #expect(page.contains("<span class=\"uri\">javascript:window.pwned=1</span>"))
        var http = detail
        http.uri = "http://data.europa.eu/esco/skill/1"
        #expect(SearchPage.concept(http).text.contains("<a class=\"uri\" href=\"http://data.europa.eu/esco/skill/1\">"))
    }

    @Test func pagesAreReadableOnAPhoneAndLabelled() {
        let page = SearchPage.search(text: "", type: .skill, results: nil).text
        #expect(page.contains(#"<meta name="viewport" content="width=device-width, initial-scale=1">"#))
        #expect(page.contains(#"<html lang="en">"#))
        #expect(page.contains(#"<label for="q">"#) && page.contains(#"<input id="q" name="q""#))
        #expect(page.contains(#"<label for="type">"#) && page.contains(#"<option value="skill" selected>"#))
        #expect(page.contains("<h1>") && page.contains(#"<main id="main">"#))
        // No external assets, no JavaScript.
        #expect(!page.contains("<script") && !page.contains("<link") && !page.contains("src="))
    }

    @Test func hostileQueryIsShownAsText() async throws {
        let services = try await SampleFixture.shared.ingested()
        try await withSearchServer(try services.server()) { url in
            let query = SearchPage.searchLink(Self.hostile, type: .all)
            let r = try await RawHTTP.requestOffPool(url, "GET", query)
            #expect(r.status == 200)
            #expect(r.headers["content-type"] == "text/html; charset=utf-8")
            Self.expectInert(r.text)
            // In the input's value and in the results heading, as text.
            #expect(r.text.contains("value=\"\(HTML.escape(Self.hostile))\""))
            #expect(r.text.contains("for \u{201C}\(HTML.escape(Self.hostile))\u{201D}"))
        }
    }

    @Test func hostileLabelFromWeaviateIsShownAsText() async throws {
        // A private ingestion: this test rewrites a label in the stand-in.
        let services = try StandInServices()
        try await services.ingestSample()
        let first = try #require(
            try await services.engine.search(try SearchQuery(text: "welding", type: .skill, limit: 1)).first)
        try await services.clients.weaviate.patchObject(
            className: "Skill", id: first.id, properties: ["preferredLabel": .string(Self.hostile)])
        try await withSearchServer(try services.server()) { url in
            let results = try await RawHTTP.requestOffPool(url, "GET", "/?q=welding&type=skill")
            #expect(results.status == 200)
            Self.expectInert(results.text)
            #expect(results.text.contains(">\(HTML.escape(Self.hostile))</a></h3>"), "\(results.text)")

            let concept = try await RawHTTP.requestOffPool(url, "GET", SearchPage.conceptLink(first.uri))
            #expect(concept.status == 200)
            Self.expectInert(concept.text)
            #expect(concept.text.contains("<h1 id=\"concept-label\">\(HTML.escape(Self.hostile))</h1>"))
            #expect(concept.text.contains("<title>\(HTML.escape(Self.hostile))"))
            // Its relations link back to concept pages.
            #expect(concept.text.contains("href=\"/concept?uri=http%3A%2F%2Fdata.europa.eu%2Fesco%2F"))
        }
    }

    @Test func conceptPageListsRelationsBothWays() async throws {
        let services = try await SampleFixture.shared.ingested()
        let occupation = try #require(
            try await services.engine.search(try SearchQuery(text: "welder", type: .occupation, limit: 1)).first)
        let detail = try await services.engine.concept(.uri(occupation.uri))
        let skill = try #require(detail.related("essentialSkills").first, "the sample occupation has no skills")
        try await withSearchServer(try services.server()) { url in
            let page = try await RawHTTP.requestOffPool(url, "GET", SearchPage.conceptLink(occupation.uri))
            #expect(page.status == 200)
            #expect(page.text.contains(#"<h2 id="rel-essentialSkills">Essential skills"#))
            #expect(page.text.contains(#"<h2 id="rel-iscoGroup">ISCO group"#))
            #expect(page.text.contains("href=\"\(HTML.escape(SearchPage.conceptLink(skill.uri)))\""))
            // And back: the skill's page lists the occupation among those it is essential for.
            let back = try await RawHTTP.requestOffPool(url, "GET", SearchPage.conceptLink(skill.uri))
            #expect(back.status == 200)
            #expect(back.text.contains("href=\"\(HTML.escape(SearchPage.conceptLink(occupation.uri)))\""))
        }
    }

    @Test func pagesSayWhenTheDataIsNotReady() async throws {
        let empty = try StandInServices()
        try await withSearchServer(try empty.server()) { url in
            let r = try await RawHTTP.requestOffPool(url, "GET", "/?q=welder")
            #expect(r.status == 503)
            #expect(r.text.contains("The data is not ready yet"))
            #expect(r.text.contains("<strong>not_started</strong>"), "\(r.text)")
            #expect(r.text.contains("run esco ingest"))
            let concept = try await RawHTTP.requestOffPool(
                url, "GET", SearchPage.conceptLink("http://data.europa.eu/esco/skill/x"))
            #expect(concept.status == 503)
            #expect(concept.text.contains("<strong>not_started</strong>"))
            let bad = try await RawHTTP.requestOffPool(url, "GET", "/?type=robot")
            #expect(bad.status == 400)
        }
    }
}
