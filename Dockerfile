# esco-stack image: esco, esco-supervise and esco-search on a slim Debian runtime.
# Built by docker-compose.yml (services esco-init and esco-search); `docker build -t esco-stack .` works too.
# Plain Dockerfile syntax (no BuildKit-only `RUN --mount`): docker-compose 1.29 builds with the classic builder.

# ---------------------------------------------------------------------------------------------------------
# Build stage: the same Debian release as the runtime stage, so the native libraries we link against
# (libcurl, libsystemd, zlib, libcrypto) have the same sonames at run time. The Swift release must be at
# least Package.swift's swift-tools-version (scripts/validate-deploy checks it); 6.3 is what CI builds with.
FROM swift:6.3-bookworm AS build

RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get -q update \
    && apt-get -q install -y --no-install-recommends \
        libcurl4-openssl-dev libsystemd-dev zlib1g-dev libssl-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /build

# Dependencies first: this layer is reused until Package.swift (or Package.resolved) changes. The glob
# makes Package.resolved optional (it is not committed); Package.swift always matches, so COPY never fails.
COPY Package.swift Package.resolve[d] ./
RUN swift package resolve

COPY Sources ./Sources
# SwiftPM refuses a manifest whose test targets have no directory, even when building only products.
COPY Tests ./Tests
COPY resources ./resources
COPY config ./config

# --static-swift-stdlib: the Swift runtime and Foundation are linked into each binary, so the runtime image
# needs no Swift toolchain and no Swift library, only the C libraries below (scripts/validate-image proves
# it in a root that has none).
# One product at a time (swift build takes a single --product); the second and third reuse the modules.
# swift-backtrace-static gives symbolicated crash backtraces without a toolchain in the runtime image.
RUN set -eu; \
    for product in esco esco-supervise esco-search; do \
        swift build -c release --static-swift-stdlib --product "$product"; \
    done; \
    bin="$(swift build -c release --static-swift-stdlib --show-bin-path)"; \
    mkdir -p /staging/bin; \
    for product in esco esco-supervise esco-search; do cp "$bin/$product" /staging/bin/; done; \
    cp /usr/libexec/swift/linux/swift-backtrace-static /staging/bin/swift-backtrace

# ---------------------------------------------------------------------------------------------------------
# Runtime stage.
FROM debian:bookworm-slim

# What `ldd` shows for a --static-swift-stdlib build: libcurl4 (Weaviate, vectorizer, FoundationNetworking),
# libsystemd0 (sd_notify), zlib1g (the ESCO .csv.gz files), libssl3 (libcrypto: dataset fingerprint),
# libstdc++6 (the static Swift runtime still links it dynamically). ca-certificates: https to a cloud
# Weaviate; tzdata: log timestamps; curl: esco-search's compose healthcheck.
RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get -q update \
    && apt-get -q install -y --no-install-recommends \
        libcurl4 libsystemd0 zlib1g libssl3 libstdc++6 ca-certificates tzdata curl \
    && rm -rf /var/lib/apt/lists/*

# A fixed non-root uid, so ownership of the named volumes is predictable across rebuilds.
RUN groupadd --system --gid 10001 esco \
    && useradd --system --uid 10001 --gid esco --home-dir /opt/esco-stack --shell /usr/sbin/nologin esco

COPY --from=build /staging/bin/ /usr/local/bin/
COPY --chown=root:root resources /opt/esco-stack/resources
COPY --chown=root:root config /opt/esco-stack/config

# Mount points of the lock and vector-cache volumes (docker-compose.yml). Docker initialises an empty named
# volume from the image's directory, ownership included, so a non-root process can write to it.
# /var/lock is a symlink to /run/lock on Debian; Docker resolves it inside the container.
RUN mkdir -p /var/lock/esco /var/cache/esco /data/esco \
    && chown esco:esco /var/lock/esco /var/cache/esco

ENV SWIFT_BACKTRACE=enable=yes,sanitize=yes,threads=all,images=all,interactive=no,swift-backtrace=/usr/local/bin/swift-backtrace

# Relative paths in the config (resources/schemas) resolve from here.
WORKDIR /opt/esco-stack
USER esco:esco

# No ENTRYPOINT: the same image runs esco-supervise, esco-search or an ad-hoc `esco status`.
# esco-supervise is safe as PID 1 (it forwards signals and reaps), so no init wrapper is needed.
CMD ["esco-supervise", "status", "--config", "config/weaviate_config.yaml", "--profile", "default"]
