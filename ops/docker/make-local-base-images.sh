#!/usr/bin/env bash
# Makes the base images the compose stack builds on, from Debian packages, for a Docker engine that cannot pull
# from an image registry (only a Debian mirror is reachable). Each image is tagged with the name the Dockerfile and
# docker-compose.yml use by default, so `docker-compose up -d --build` then runs unchanged:
#
#   debian:bookworm-slim           debootstrap --variant=minbase bookworm, imported with `docker import`
#   eclipse-temurin:17-jre         stand-in: Debian's openjdk-17-jre-headless on the image above
#   maven:3.9-eclipse-temurin-17   stand-in: Debian's openjdk-17-jdk-headless and maven (3.8) on the image above
#   prom/prometheus:v3.4.0         stand-in: Debian's prometheus package (2.42)
#
# Grafana has no Debian package, so there is no stand-in for it; its service runs only with `--profile grafana`.
# Needs root, debootstrap and a running Docker engine. Images that already exist are kept (--force remakes them).
#   ops/docker/make-local-base-images.sh [--force] [--mirror URL]
set -euo pipefail

MIRROR="http://deb.debian.org/debian"
FORCE=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --force) FORCE=true; shift ;;
    --mirror) MIRROR="$2"; shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "unknown option $1 (allowed: --force, --mirror URL)" >&2; exit 2 ;;
  esac
done

ROOTFS="$(mktemp -d)"
CONTEXT="$(mktemp -d)"
trap 'rm -rf "$ROOTFS" "$CONTEXT"' EXIT

missing() {
  $FORCE || ! docker image inspect "$1" >/dev/null 2>&1
}

# Builds image $1 from a Dockerfile given on stdin (no build context needed).
build() {
  local tag="$1"
  if missing "$tag"; then
    echo "building $tag" >&2
    docker build --quiet --tag "$tag" - >/dev/null
  else
    cat >/dev/null
    echo "keeping $tag (exists; --force remakes it)" >&2
  fi
}

if missing debian:bookworm-slim; then
  command -v debootstrap >/dev/null || { echo "debootstrap is missing: apt-get install -y debootstrap" >&2; exit 1; }
  echo "debootstrap bookworm from $MIRROR (a few minutes)" >&2
  debootstrap --variant=minbase bookworm "$ROOTFS" "$MIRROR" >/dev/null
  rm -rf "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/var/cache/apt/archives/*.deb
  tar -C "$ROOTFS" -c . | docker import --change 'CMD ["bash"]' - debian:bookworm-slim >/dev/null
  echo "imported debian:bookworm-slim" >&2
else
  echo "keeping debian:bookworm-slim (exists; --force remakes it)" >&2
fi

APT='apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends'
CLEAN='rm -rf /var/lib/apt/lists/*'

build eclipse-temurin:17-jre <<DOCKERFILE
FROM debian:bookworm-slim
RUN $APT openjdk-17-jre-headless && $CLEAN
DOCKERFILE

# The build stage downloads from Maven Central: it trusts the extra CA certificates this machine trusts (those in
# /usr/local/share/ca-certificates, e.g. of a TLS-inspecting proxy), as Java on this machine does.
mkdir "$CONTEXT/certs"
cp /usr/local/share/ca-certificates/*.crt "$CONTEXT/certs/" 2>/dev/null || true
cat > "$CONTEXT/Dockerfile" <<DOCKERFILE
FROM debian:bookworm-slim
RUN $APT openjdk-17-jdk-headless maven ca-certificates-java && $CLEAN
COPY certs/ /usr/local/share/ca-certificates/
RUN update-ca-certificates
DOCKERFILE
if missing maven:3.9-eclipse-temurin-17; then
  echo "building maven:3.9-eclipse-temurin-17" >&2
  docker build --quiet --tag maven:3.9-eclipse-temurin-17 "$CONTEXT" >/dev/null
else
  echo "keeping maven:3.9-eclipse-temurin-17 (exists; --force remakes it)" >&2
fi

build prom/prometheus:v3.4.0 <<DOCKERFILE
FROM debian:bookworm-slim
RUN $APT prometheus && $CLEAN
# Debian's build keeps its data in /var/lib/prometheus/metrics2 (owned by the package's user) unless told otherwise.
USER prometheus
ENTRYPOINT ["/usr/bin/prometheus"]
CMD ["--config.file=/etc/prometheus/prometheus.yml"]
DOCKERFILE

docker image ls --format '{{.Repository}}:{{.Tag}}  {{.Size}}' \
  | grep -E '^(debian:bookworm-slim|eclipse-temurin:17-jre|maven:3.9-eclipse-temurin-17|prom/prometheus:v3.4.0) '
