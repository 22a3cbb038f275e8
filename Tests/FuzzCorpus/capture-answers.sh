#!/usr/bin/env bash
# Records the Weaviate, vectorizer and esco-search answers the JSON, graphql and batch fuzz targets are seeded
# with: the sample ingested over the stand-ins, then a few real calls. Usage: Tests/FuzzCorpus/capture-answers.sh OUT_DIR
# (then Tests/FuzzCorpus/make-seeds.py SAMPLE_DIR --capture OUT_DIR). Needs a debug build.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
out=$1
mkdir -p "$out"
bin=$(cd "$repo" && swift build --show-bin-path)
. "$repo/scripts/lib/live-search.sh"
trap live_stop EXIT
live_start "$repo/resources/esco-sample"
curl -fsS "$weaviate_url/v1/meta" >"$out/json--weaviate-meta.json"
curl -fsS "$weaviate_url/v1/schema" >"$out/json--weaviate-schema.json"
curl -fsS "$weaviate_url/v1/objects?class=Skill&limit=2&include=vector" >"$out/json--weaviate-objects.json"
curl -fsS -H 'Content-Type: application/json' -d '{"text":"welder"}' "$vectorizer_url/vectors" \
    >"$out/json--vectorizer-vectors.json"
curl -fsS "$search_url/openapi.json" >"$out/json--esco-search-openapi.json"
curl -fsS "$search_url/search?q=welder&limit=2" >"$out/json--esco-search-results.json"
python3 - "$weaviate_url" "$out" <<'PY'
import json, sys, urllib.request, urllib.error
w, out = sys.argv[1], sys.argv[2]
def post(path, body):
    req = urllib.request.Request(w + path, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    try:
        return urllib.request.urlopen(req).read()
    except urllib.error.HTTPError as e:
        return e.read()
vec = json.load(open(out + "/json--vectorizer-vectors.json"))["vector"]
q = "{ Get { Skill(nearVector: {vector: %s}, limit: 3) { conceptUri preferredLabel _additional { id certainty } } } }"
open(out + "/graphql--get-skill.json", "wb").write(post("/v1/graphql", {"query": q % json.dumps(vec)}))
open(out + "/graphql--aggregate.json", "wb").write(post("/v1/graphql", {"query": "{ Aggregate { Skill { meta { count } } } }"}))
open(out + "/graphql--error.json", "wb").write(post("/v1/graphql", {"query": "{ Get { Nope { x } } }"}))
objs = [{"class": "Skill", "id": "9342d47a-1bab-5709-9869-c840b2eac501", "properties": {"preferredLabel": "x"}},
        {"class": "Nope", "id": "9342d47a-1bab-5709-9869-c840b2eac502", "properties": {}},
        {"class": "Skill", "id": "not-a-uuid", "properties": {"preferredLabel": 3}}]
open(out + "/batch--objects.json", "wb").write(post("/v1/batch/objects", {"objects": objs}))
beacon = "weaviate://localhost/Skill/9342d47a-1bab-5709-9869-c840b2eac501"
refs = [{"from": beacon + "/broaderSkill", "to": beacon}, {"from": beacon + "/nope", "to": "weaviate://localhost/Skill/0000"}]
open(out + "/batch--references.json", "wb").write(post("/v1/batch/references", refs))
PY
