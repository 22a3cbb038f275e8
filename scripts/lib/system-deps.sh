# Sourced by scripts/test, scripts/demo and .ci/run: makes sure the native libraries the build links
# against are installed. As root it installs them with apt-get; otherwise it stops with the exact line.
ESCO_APT_PACKAGES="libcurl4-openssl-dev libsystemd-dev zlib1g-dev libssl-dev pkg-config libopenblas-dev"

esco_missing_packages() {
    local missing=()
    for p in $ESCO_APT_PACKAGES; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    echo "${missing[@]:-}"
}

esco_ensure_system_packages() {
    local missing
    missing=$(esco_missing_packages)
    [ -z "$missing" ] && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "installing system packages: $missing" >&2
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
    else
        echo "missing system packages: $missing" >&2
        echo "install them with: sudo apt-get update && sudo apt-get install -y $missing" >&2
        exit 1
    fi
}

esco_ensure_swift() {
    command -v swift >/dev/null || { [ -x /opt/swift/usr/bin/swift ] && export PATH=/opt/swift/usr/bin:$PATH; }
    command -v swift >/dev/null || { echo "swift 6.1 or later is required: https://www.swift.org/install/" >&2; exit 1; }
}
