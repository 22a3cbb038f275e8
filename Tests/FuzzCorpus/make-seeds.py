#!/usr/bin/env python3
"""Writes the fuzz seed corpora (Tests/FuzzCorpus/seeds/TARGET) from real inputs: the ESCO sample's CSV files, zips of
them, the shipped config, esco-search's own OpenAPI document and requests, and (with --capture DIR) the
Weaviate and vectorizer answers recorded from the stand-ins by scripts/fuzz-capture-answers.
Usage: Tests/FuzzCorpus/make-seeds.py SAMPLE_DIR [--capture DIR]. Seeds are kept small (libFuzzer mutates them)."""
import io, os, sys, zipfile, gzip, json, re

root = os.path.dirname(os.path.abspath(__file__))
sample = sys.argv[1]
capture = sys.argv[sys.argv.index("--capture") + 1] if "--capture" in sys.argv else None


def put(target, name, data):
    d = os.path.join(root, "seeds", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def head(name, lines=12):
    with open(os.path.join(sample, name), "rb") as f:
        return b"".join(f.readline() for _ in range(lines))


csvs = sorted(n for n in os.listdir(sample) if n.endswith(".csv"))
for n in csvs:
    put("csv", n, b"\x07" + head(n))  # first byte: read step for the harness
put("csv", "quoted-crlf.csv", b"\x02" + b'a,"b ""quoted""\r\nline",c\r\n1,2,3\r\n\xef\xbb\xbfx')

small = {n: head(n, 8) for n in csvs}
for method, tag in ((zipfile.ZIP_STORED, "stored"), (zipfile.ZIP_DEFLATED, "deflated")):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        for n in ("skills_en.csv", "occupations_en.csv", "ISCOGroups_en.csv"):
            z.writestr(n, small[n])
    put("zip", f"three-{tag}.zip", buf.getvalue())

# layout: [name index][length/16][content], names as in FuzzTarget.layoutNames.
names = ["skills_en.csv", "occupations_en.csv", "ISCOGroups_en.csv", "skillGroups_en.csv", "conceptSchemes_en.csv",
         "skillsHierarchy_en.csv", "broaderRelationsOccPillar.csv", "broaderRelationsSkillPillar.csv",
         "occupationSkillRelations.csv", "skillSkillRelations.csv", "digitalSkillsCollection_en.csv",
         "greenSkillsCollection_en.csv", "languageSkillsCollection_en.csv", "transversalSkillsCollection_en.csv"]


def entry(i, content):
    content = content[: 255 * 16]
    pad = (-len(content)) % 16
    content += b"\n" * pad
    return bytes([i, len(content) // 16]) + content


full = b"".join(entry(i, head(n, 4)) for i, n in enumerate(names) if n in small)
put("layout", "sample-heads", full)
put("layout", "gz-skills", entry(14, gzip.compress(head("skills_en.csv", 4), mtime=0)) + full[: 600])

cfg = open(os.path.join(root, "..", "..", "config", "weaviate_config.yaml"), "rb").read()
put("config", "weaviate_config.yaml", cfg)
put("config", "minimal.yaml", "profiles:\n  default:\n    weaviate:\n      url: http://127.0.0.1:8080\n")

for i, q in enumerate(["q=welder", "q=manage+a+team&type=skill&limit=5&min_certainty=0.25", "q=%C3%A9&type=all",
                       "uri=http://data.europa.eu/esco/skill/0005c151-5b5a-4a66-8aac-60e734beb1ab",
                       "9342D47A-1BAB-5709-9869-C840B2EAC501", "q=x&limit=100&min_certainty=1e-3"]):
    put("search-query", f"query-{i}", q)
put("search-body", "enrich.json", json.dumps({"title": "Welder", "description": "We need a welder. Read blueprints; operate cranes"}))
put("search-body", "escapes.json", '{"title":"Caf\\u00e9 \\ud83d\\ude00","description":"line\\nbreak"}')

for i, r in enumerate([
    b"GET /v1/meta HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    b"POST /v1/graphql HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 27\r\n\r\n{\"query\":\"{ Get { X } }\"}  ",
    b"POST /v1/batch/objects?consistency_level=ALL HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"a\"\r\n2\r\n:1\r\n1\r\n}\r\n0\r\n\r\n",
    b"PUT /v1/objects/Skill/9342d47a-1bab-5709-9869-c840b2eac501 HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n{}",
]):
    put("standin-http", f"request-{i}", r)

if capture:
    for n in sorted(os.listdir(capture)):
        data = open(os.path.join(capture, n), "rb").read()
        target = n.split("--")[0]
        put(target, n.split("--")[1], data)
        put("json", n.split("--")[1], data)
