#!/usr/bin/env bash
# Makes local stand-ins for the base images docker/Dockerfile starts from, when the machine has
# no image of that name and Docker Hub does not answer a pull (as in CI here):
#   debian:bookworm-slim  debootstrap --variant=minbase bookworm from Debian's package mirror
#   rust:1-bookworm       FROM that, with gcc, libc6-dev, pkg-config, ca-certificates, and this
#                         machine's Rust toolchain and CA bundle (for cargo to reach crates.io)
# An image that exists is kept (the stand-ins are cached between runs on one machine); the
# real images from Docker Hub are used where they can be pulled. Each stand-in carries the label
# org.source-to-staging.stand-in.
#   usage: docker/standins.sh
set -euo pipefail
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
label=org.source-to-staging.stand-in

have() { docker image inspect "$1" >/dev/null 2>&1; }

# The real images where a registry answers (within a minute).
for image in debian:bookworm-slim rust:1-bookworm; do
  have "$image" || timeout 60 docker pull -q "$image" >/dev/null 2>&1 || true
done

if ! have debian:bookworm-slim; then
  echo "debian:bookworm-slim: making a stand-in (debootstrap --variant=minbase bookworm, $mirror)"
  root=$(mktemp -d /var/tmp/s2s-bookworm.XXXXXX)
  trap 'rm -rf "$root"' EXIT
  debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.log" 2>&1 \
    || { tail -20 "$root.log"; echo "debootstrap failed (log above)" >&2; exit 1; }
  rm -f "$root.log"
  # Like the real image: updates and security updates in the sources, no package lists kept.
  rm -f "$root/etc/apt/sources.list"
  cat > "$root/etc/apt/sources.list.d/debian.sources" <<SOURCES
Types: deb
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${mirror%/debian}/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*
  tar -C "$root" -c . | docker import \
    -c "LABEL $label=\"debootstrap --variant=minbase bookworm\"" -c 'CMD ["bash"]' \
    - debian:bookworm-slim >/dev/null
  rm -rf "$root"
  trap - EXIT
fi

if ! have rust:1-bookworm; then
  command -v rustc >/dev/null \
    || { echo "rust:1-bookworm: no image and no Rust toolchain here to make a stand-in from" >&2; exit 1; }
  [[ $(uname -m) == x86_64 ]] || { echo "the stand-ins are made for x86_64 only" >&2; exit 1; }
  sysroot=$(rustc --print sysroot)
  echo "rust:1-bookworm: making a stand-in (debian:bookworm-slim + $(rustc --version) from $sysroot)"
  ctx=$(mktemp -d /var/tmp/s2s-rust.XXXXXX)
  trap 'rm -rf "$ctx"' EXIT
  mkdir -p "$ctx/rust/bin" "$ctx/rust/lib/rustlib"
  cp "$sysroot/bin/cargo" "$sysroot/bin/rustc" "$ctx/rust/bin/"
  cp -a "$sysroot"/lib/*.so* "$ctx/rust/lib/"
  cp -a "$sysroot/lib/rustlib/x86_64-unknown-linux-gnu" "$ctx/rust/lib/rustlib/"
  cp /etc/ssl/certs/ca-certificates.crt "$ctx/ca-certificates.crt"
  cat > "$ctx/Dockerfile" <<DOCKERFILE
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev pkg-config \
        ca-certificates && rm -rf /var/lib/apt/lists/*
COPY rust /usr/local/rust
COPY ca-certificates.crt /usr/local/share/machine-ca-certificates.crt
ENV PATH=/usr/local/cargo/bin:/usr/local/rust/bin:\$PATH CARGO_HOME=/usr/local/cargo \
    CARGO_HTTP_CAINFO=/usr/local/share/machine-ca-certificates.crt
LABEL $label="the machine's $(rustc --version)"
DOCKERFILE
  DOCKER_BUILDKIT=0 docker build -q --network host -t rust:1-bookworm "$ctx" >/dev/null
  rm -rf "$ctx"
  trap - EXIT
fi

for image in debian:bookworm-slim rust:1-bookworm; do
  standin=$(docker image inspect -f "{{index .Config.Labels \"$label\"}}" "$image" 2>/dev/null || true)
  if [[ -n "$standin" ]]; then
    echo "$image is a local stand-in ($standin), not the image from Docker Hub"
  fi
done
