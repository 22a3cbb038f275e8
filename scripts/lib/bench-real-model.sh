#!/usr/bin/env bash
# Part of scripts/bench-ingest --real-model: texts/s of the native all-MiniLM-L6-v2 server (already running
# at NATIVE_URL) against the Python reference server (../shared/tools/t2v-real, numpy backend, same model
# folder), on the same ESCO concept texts, with the same client (8 requests in flight, one text each, as
# esco sends them), on this machine in this run.
#
#   bench-real-model.sh NATIVE_URL MODEL_DIR DATA_DIR LIMIT|all
set -euo pipefail
cd "$(dirname "$0")/../.."
native=$1 model_dir=$2 data=$3 limit=$4
tools=${ESCO_T2V_REAL:-$(cd .. && pwd)/shared/tools/t2v-real}
[ -f "$tools/server.py" ] || { echo "bench-real-model: no reference server at $tools (set ESCO_T2V_REAL)" >&2; exit 69; }
tmp=$(mktemp -d)
pid=""
cleanup() { [ -z "$pid" ] || kill "$pid" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT

# The concept texts as EmbeddingRecipe.conceptText builds them: "label. alt, labels. description".
python3 - "$data" "$limit" >"$tmp/texts.jsonl" <<'PY'
import csv, gzip, json, os, sys
data, limit = sys.argv[1], sys.argv[2]
texts = []
for name in ("skills_en.csv", "occupations_en.csv"):
    path = os.path.join(data, name)
    opener = open if os.path.exists(path) else gzip.open
    path = path if os.path.exists(path) else path + ".gz"
    with opener(path, "rt", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            alt = ", ".join(a.strip() for a in (r.get("altLabels") or "").splitlines() if a.strip())
            desc = " ".join((r.get("description") or "").split())
            texts.append(". ".join(p for p in (r["preferredLabel"], alt, desc) if p))
for t in texts if limit == "all" else texts[:int(limit)]:
    print(json.dumps(t))
PY
count=$(wc -l <"$tmp/texts.jsonl")

# The reference server's venv, made once in the cache (numpy, tokenizers, safetensors, fastapi, uvicorn).
venv=${ESCO_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/esco-stack}/t2v-real-venv
if [ ! -x "$venv/bin/python" ]; then
    echo "bench-real-model: creating the reference server's venv in $venv" >&2
    python3 -m venv "$venv.partial"
    "$venv.partial/bin/pip" install --quiet -r "$tools/requirements-light.lock.txt" >&2
    mv "$venv.partial" "$venv"
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$venv/bin/python" "$tools/server.py" --port "$port" --model-dir "$model_dir" --backend numpy >"$tmp/t2v.log" 2>&1 &
pid=$!
python_url="http://127.0.0.1:$port"
for _ in $(seq 480); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$python_url/.well-known/ready" || true)" = 204 ] && break
    kill -0 "$pid" 2>/dev/null || { echo "bench-real-model: the reference server exited:" >&2; tail "$tmp/t2v.log" >&2; exit 1; }
    sleep 0.25
done

head -n 50 "$tmp/texts.jsonl" >"$tmp/warmup.jsonl"
echo "vectorising $count concept texts through each server (8 in flight)…" >&2
for url in "$native" "$python_url"; do scripts/lib/vectorizer-throughput.py "$url" "$tmp/warmup.jsonl" 8 >/dev/null; done
n=$(scripts/lib/vectorizer-throughput.py "$native" "$tmp/texts.jsonl" 8)
p=$(scripts/lib/vectorizer-throughput.py "$python_url" "$tmp/texts.jsonl" 8)
python3 - "$n" "$p" <<'PY'
import json, sys
n, p = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"native (esco-standin --model)   {n['textsPerSecond']:8.1f} texts/s  ({n['texts']} texts in {n['seconds']} s)")
print(f"python (t2v-real, numpy)        {p['textsPerSecond']:8.1f} texts/s  ({p['texts']} texts in {p['seconds']} s)")
print(f"native / python                 {n['textsPerSecond'] / p['textsPerSecond']:8.2f}x")
PY
