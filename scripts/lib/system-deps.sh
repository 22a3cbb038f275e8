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

# esco_ensure_system_packages [EXTRA_PACKAGE...]: the build's packages plus any a script needs besides.
esco_ensure_system_packages() {
    local missing
    missing=$(ESCO_APT_PACKAGES="$ESCO_APT_PACKAGES $*" esco_missing_packages)
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

# Swift must be at least Package.swift's swift-tools-version (the minimum the README states).
esco_ensure_swift() {
    local root need have
    root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
    need=$(sed -nE '1s|^// *swift-tools-version: *([0-9]+(\.[0-9]+)*).*|\1|p' "$root/Package.swift")
    command -v swift >/dev/null || { [ -x /opt/swift/usr/bin/swift ] && export PATH=/opt/swift/usr/bin:$PATH; }
    if ! command -v swift >/dev/null; then
        echo "Swift $need or later is required: https://www.swift.org/install/" >&2
        exit 1
    fi
    have=$(swift --version 2>/dev/null | sed -nE 's/.*Swift version ([0-9]+(\.[0-9]+)*).*/\1/p' | head -1)
    if [ -n "$have" ] && [ "$(printf '%s\n%s\n' "$need" "$have" | sort -V | head -1)" != "$need" ]; then
        echo "Swift $have is installed, but Package.swift needs $need or later: https://www.swift.org/install/" >&2
        exit 1
    fi
}

# schemathesis (PyPI), for the OpenAPI conformance test; pinned so a new release cannot change the verdict.
ESCO_SCHEMATHESIS_VERSION=4.32.5
esco_ensure_schemathesis() {
    command -v st >/dev/null && st --version 2>/dev/null | grep -q "$ESCO_SCHEMATHESIS_VERSION" && return 0
    echo "installing schemathesis $ESCO_SCHEMATHESIS_VERSION (pip)" >&2
    # Debian's own python3 refuses user installs (PEP 668) unless told; a pyenv or venv python does not need it.
    python3 -m pip install -q "schemathesis==$ESCO_SCHEMATHESIS_VERSION" >&2 2>/dev/null \
        || python3 -m pip install -q --break-system-packages "schemathesis==$ESCO_SCHEMATHESIS_VERSION" >&2
}
