# Sourced by scripts/bench-search and scripts/fuzz: the live stack a load test or seed capture needs —
# the Weaviate and vectorizer stand-ins, the ESCO sample ingested by the real supervisor, and esco-search —
# each on a free port, in $ESCO_LIVE_DIR. `live_stop` (also run on exit) stops what was started.
# Needs: $bin (the build's bin path with esco-standin, esco-supervise, esco-search) and $repo.

live_pids=()
live_dir=""
weaviate_url=""
vectorizer_url=""
search_url=""

live_stop() {
    local pid
    for pid in "${live_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${live_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    live_pids=()
}

# live_start_server NAME COMMAND...: starts it in the background; sets $live_url from its first stdout line
# (`listening on URL`) and $live_pid.
live_start_server() {
    local name=$1 line=""
    shift
    "$@" >"$live_dir/$name.out" 2>>"$live_dir/$name.log" &
    live_pid=$!
    live_pids+=("$live_pid")
    for _ in $(seq 600); do
        line=$(head -n 1 "$live_dir/$name.out" 2>/dev/null || true)
        if [[ $line == "listening on "* ]]; then
            live_url=${line#listening on }
            return 0
        fi
        kill -0 "$live_pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "$name did not start; its log: $live_dir/$name.log" >&2
    tail -n 20 "$live_dir/$name.log" >&2 || true
    return 1
}

# live_start_weaviate [PORT]: the Weaviate stand-in on PORT (default: any free port), data in $live_dir.
live_start_weaviate() {
    live_start_server weaviate "$bin/esco-standin" weaviate --port "${1:-0}" --data-dir "$live_dir/weaviate"
    weaviate_url=$live_url
    weaviate_pid=$live_pid
}

# live_start DATA: everything, with DATA (an ESCO folder) ingested and verified.
live_start() {
    local data=$1
    live_dir=${ESCO_LIVE_DIR:-$(mktemp -d /tmp/esco-live.XXXXXX)}
    mkdir -p "$live_dir"
    live_start_weaviate
    live_start_server vectorizer "$bin/esco-standin" vectorizer --port 0
    vectorizer_url=$live_url
    cat >"$live_dir/config.yaml" <<YAML
profiles:
  live:
    weaviate:
      url: $weaviate_url
      schemaDirectory: $repo/resources/schemas
    vectorizer:
      url: $vectorizer_url
      cacheDirectory: $live_dir/vector-cache
    data:
      path: $data
    lock:
      directory: $live_dir/lock
YAML
    "$bin/esco-supervise" run --config "$live_dir/config.yaml" --profile live >"$live_dir/supervise.log" 2>&1 || {
        echo "ingesting $data failed; see $live_dir/supervise.log" >&2
        tail -n 20 "$live_dir/supervise.log" >&2
        return 1
    }
    live_start_server esco-search "$bin/esco-search" --config "$live_dir/config.yaml" --profile live \
        --host 127.0.0.1 --port 0
    search_url=$live_url
    search_pid=$live_pid
}
