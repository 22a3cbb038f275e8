/// The hand-written OpenAPI 3.1 description of `esco-search`, served at `GET /openapi.json`.
/// A test checks that every route of the router appears here.
public enum OpenAPIDocument {
    public static let json = #"""
        {
          "openapi": "3.1.0",
          "info": {
            "title": "esco-search",
            "version": "0.1.0",
            "description": "Search the ESCO taxonomy (skills, occupations, ISCO groups, skill groups) by meaning. Every error is JSON {\"error\": {\"status\", \"message\", \"parameter\"?}}. Bad input is a 4xx, never a 5xx. Data routes answer 503 while the ingestion is not verified complete, and when Weaviate or the vectorizer is unreachable (the message names the service). A method a path does not declare is a 405 with an Allow header. Lengths count Unicode code points."
          },
          "paths": {
            "/search": {
              "get": {
                "summary": "Concepts ranked by meaning: best label vector fused with the concept's full-text vector",
                "parameters": [
                  {"name": "q", "in": "query", "required": true, "schema": {"type": "string", "minLength": 1, "maxLength": 500, "pattern": "[^\\t\\n\\u000b\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]"}, "description": "Query text: at most 500 characters, at least one of them not white space (leading and trailing white space is ignored)"},
                  {"name": "type", "in": "query", "schema": {"type": "string", "enum": ["skill", "occupation", "isco", "group", "all"], "default": "all"}},
                  {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 10}},
                  {"name": "min_certainty", "in": "query", "schema": {"type": "number", "minimum": 0, "maximum": 1, "default": 0}, "description": "Leave out results scoring below this"}
                ],
                "responses": {
                  "200": {"description": "Results, best first", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SearchResponse"}}}},
                  "400": {"$ref": "#/components/responses/BadRequest"},
                  "503": {"$ref": "#/components/responses/Unavailable"}
                }
              }
            },
            "/concepts": {
              "get": {
                "summary": "One concept with its relations, by concept URI",
                "parameters": [
                  {"name": "uri", "in": "query", "required": true, "schema": {"type": "string", "maxLength": 300, "pattern": "^https?://data\\.europa\\.eu/esco/[A-Za-z0-9._~/-]+$"}, "description": "A concept URI, http(s)://data.europa.eu/esco/... (ASCII letters, digits and -._~/ after the prefix; at most 300 characters)"}
                ],
                "responses": {
                  "200": {"description": "The concept", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Concept"}}}},
                  "400": {"$ref": "#/components/responses/BadRequest"},
                  "404": {"$ref": "#/components/responses/NotFound"},
                  "503": {"$ref": "#/components/responses/Unavailable"}
                }
              }
            },
            "/concepts/{id}": {
              "get": {
                "summary": "One concept with its relations, by object UUID or percent-encoded concept URI",
                "parameters": [
                  {"name": "id", "in": "path", "required": true, "schema": {"type": "string", "maxLength": 300, "pattern": "^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|https?://data\\.europa\\.eu/esco/[A-Za-z0-9._~/-]+)$"}, "description": "An object UUID (either case), or a concept URI percent-encoded (http%3A%2F%2Fdata.europa.eu%2Fesco%2F...; at most 300 characters)"}
                ],
                "responses": {
                  "200": {"description": "The concept", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Concept"}}}},
                  "400": {"$ref": "#/components/responses/BadRequest"},
                  "404": {"$ref": "#/components/responses/NotFound"},
                  "503": {"$ref": "#/components/responses/Unavailable"}
                }
              }
            },
            "/enrich": {
              "post": {
                "summary": "Job enrichment: likely occupations, skills the text mentions, essential skills it misses",
                "requestBody": {
                  "required": true,
                  "content": {"application/json": {"schema": {
                    "type": "object", "additionalProperties": false, "required": ["title", "description"],
                    "properties": {"title": {"type": "string", "minLength": 1, "maxLength": 500, "pattern": "[^\\t\\n\\u000b\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]"}, "description": {"type": "string", "maxLength": 20000}}
                  }}}
                },
                "responses": {
                  "200": {"description": "Enrichment", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Enrichment"}}}},
                  "400": {"$ref": "#/components/responses/BadRequest"},
                  "413": {"$ref": "#/components/responses/BadRequest"},
                  "503": {"$ref": "#/components/responses/Unavailable"}
                }
              }
            },
            "/healthz": {
              "get": {
                "summary": "Liveness: 200 while the process serves",
                "responses": {"200": {"description": "Serving", "content": {"application/json": {"schema": {"type": "object", "properties": {"status": {"type": "string"}}}}}}}
              }
            },
            "/readyz": {
              "get": {
                "summary": "Readiness: 200 only when the ingestion state is completed for the mounted dataset's fingerprint and the live vectorizer is the one that made the stored vectors",
                "responses": {
                  "200": {"description": "Ready", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Readiness"}}}},
                  "503": {"description": "Not ready, with the reason", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Readiness"}}}}
                }
              }
            },
            "/": {
              "get": {
                "summary": "The search page (HTML, no JavaScript): a query box with the type filter and the results",
                "parameters": [
                  {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 500}, "description": "Query text; empty or white space shows the form only"},
                  {"name": "type", "in": "query", "schema": {"type": "string", "enum": ["skill", "occupation", "isco", "group", "all"], "default": "all"}}
                ],
                "responses": {
                  "200": {"description": "The page", "content": {"text/html": {"schema": {"type": "string"}}}},
                  "400": {"$ref": "#/components/responses/BadPage"},
                  "503": {"$ref": "#/components/responses/UnavailablePage"}
                }
              }
            },
            "/concept": {
              "get": {
                "summary": "A concept's page (HTML): its properties and relations both ways, each a link",
                "parameters": [
                  {"name": "uri", "in": "query", "required": true, "schema": {"type": "string", "maxLength": 300, "pattern": "^https?://data\\.europa\\.eu/esco/[A-Za-z0-9._~/-]+$"}, "description": "A concept URI, as for GET /concepts"}
                ],
                "responses": {
                  "200": {"description": "The page", "content": {"text/html": {"schema": {"type": "string"}}}},
                  "400": {"$ref": "#/components/responses/BadPage"},
                  "404": {"description": "No such concept", "content": {"text/html": {"schema": {"type": "string"}}}},
                  "503": {"$ref": "#/components/responses/UnavailablePage"}
                }
              }
            },
            "/metrics": {
              "get": {
                "summary": "Prometheus metrics (text format 0.0.4): requests, calls to Weaviate and the vectorizer, readiness, the ingestion state",
                "responses": {"200": {"description": "The metrics", "content": {"text/plain": {"schema": {"type": "string"}}}}}
              }
            },
            "/openapi.json": {
              "get": {
                "summary": "This document",
                "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {}}}}
              }
            }
          },
          "components": {
            "responses": {
              "BadRequest": {"description": "Invalid input", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "NotFound": {"description": "No such concept", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "Unavailable": {"description": "Not ready, or Weaviate/the vectorizer unavailable: try later", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "BadPage": {"description": "Invalid input, explained on the page", "content": {"text/html": {"schema": {"type": "string"}}}},
              "UnavailablePage": {"description": "Not ready (with what /readyz reports), or a service unavailable", "content": {"text/html": {"schema": {"type": "string"}}}}
            },
            "schemas": {
              "Error": {
                "type": "object", "required": ["error"],
                "properties": {"error": {"type": "object", "required": ["status", "message"], "properties": {
                  "status": {"type": "integer"}, "message": {"type": "string"}, "parameter": {"type": "string"}}}}
              },
              "SearchResult": {
                "type": "object", "required": ["uri", "id", "label", "type", "score", "description"],
                "properties": {
                  "uri": {"type": "string"}, "id": {"type": "string", "format": "uuid"}, "label": {"type": "string"},
                  "type": {"type": "string", "enum": ["skill", "occupation", "isco", "group"]},
                  "score": {"type": "number", "minimum": 0, "maximum": 1}, "description": {"type": "string"},
                  "matchedLabel": {"type": "string"}
                }
              },
              "SearchResponse": {
                "type": "object",
                "properties": {"query": {"type": "string"}, "type": {"type": "string"}, "limit": {"type": "integer"},
                  "generation": {"type": "string", "description": "The data generation that answered (g3)"},
                  "results": {"type": "array", "items": {"$ref": "#/components/schemas/SearchResult"}}}
              },
              "ConceptLink": {
                "type": "object",
                "properties": {"uri": {"type": "string"}, "id": {"type": "string"}, "label": {"type": "string"}, "type": {"type": "string"}}
              },
              "Concept": {
                "type": "object",
                "properties": {
                  "uri": {"type": "string"}, "id": {"type": "string"}, "type": {"type": "string"}, "label": {"type": "string"},
                  "altLabels": {"type": "array", "items": {"type": "string"}}, "description": {"type": "string"},
                  "properties": {"type": "object", "additionalProperties": {"type": "string"}},
                  "relations": {"type": "array", "items": {"type": "object", "properties": {
                    "name": {"type": "string"}, "title": {"type": "string"},
                    "concepts": {"type": "array", "items": {"$ref": "#/components/schemas/ConceptLink"}}}}},
                  "generation": {"type": "string", "description": "The data generation that answered (g3)"}
                }
              },
              "Enrichment": {
                "type": "object",
                "properties": {
                  "occupations": {"type": "array", "items": {"$ref": "#/components/schemas/SearchResult"}},
                  "matchedSkills": {"type": "array", "items": {"type": "object", "properties": {
                    "skill": {"$ref": "#/components/schemas/SearchResult"}, "phrase": {"type": "string"}}}},
                  "missingEssentialSkills": {"type": "array", "items": {"$ref": "#/components/schemas/ConceptLink"}},
                  "basedOn": {"type": "array", "items": {"$ref": "#/components/schemas/ConceptLink"}},
                  "generation": {"type": "string", "description": "The data generation that answered (g3)"}
                }
              },
              "Readiness": {
                "type": "object",
                "properties": {"ready": {"type": "boolean"}, "status": {"type": "string"}, "reason": {"type": "string"},
                  "generation": {"type": "string", "description": "The data generation serving queries (g3); empty when none"}}
              }
            }
          }
        }
        """#
}
