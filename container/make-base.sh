#!/usr/bin/env bash
# Builds a scratch base image for berth, offline: the dynamic loader and the libraries that `ldd` lists for
# the berth binary, plus /bin/sh (the tree guardian and `sh -c` servers), sleep and setpriv (berth arms each
# server's parent-death signal with it). No package manager, no registry: the files come from this host,
# laid out as merged-/usr Debian is (/bin, /lib, /lib64 → usr/…).
#
#   bash container/make-base.sh [BINARY] [IMAGE]      # defaults: dist/berth localhost/berth-base:latest
#
# Needs root and podman. Prints the image name; exits non-zero with a message when a step fails.
set -euo pipefail
BINARY=${1:-dist/berth}
IMAGE=${2:-localhost/berth-base:latest}
[ -x "$BINARY" ] || { echo "make-base: $BINARY is not an executable (run bun run build first)" >&2; exit 2; }
ROOT=$(mktemp -d /tmp/berth-rootfs.XXXXXX)
trap 'rm -rf "$ROOT"' EXIT

mkdir -p "$ROOT"/usr/bin "$ROOT"/usr/lib "$ROOT"/usr/lib64 "$ROOT"/usr/local/bin "$ROOT"/tmp "$ROOT"/etc \
  "$ROOT"/proc "$ROOT"/sys "$ROOT"/dev "$ROOT"/run "$ROOT"/root
chmod 1777 "$ROOT/tmp"
ln -s usr/bin "$ROOT/bin"; ln -s usr/lib "$ROOT/lib"; ln -s usr/lib64 "$ROOT/lib64"

tools=("$(readlink -f /bin/sh)" "$(command -v sleep)")
setpriv=$(command -v setpriv || true)
[ -n "$setpriv" ] && tools+=("$setpriv")
cp -L "${tools[0]}" "$ROOT/usr/bin/sh"
for tool in "${tools[@]:1}"; do cp -L "$tool" "$ROOT/usr/bin/$(basename "$tool")"; done

# Each library at its real path, and the name ldd printed as a link to it when the two differ.
for library in $( { ldd "$BINARY"; for tool in "${tools[@]}"; do ldd "$tool"; done; } | grep -oE '/[^ )]+' | sort -u); do
  real=$(readlink -f "$library")
  mkdir -p "$ROOT$(dirname "$real")"
  cp -L "$real" "$ROOT$real"
  if [ "$library" != "$real" ] && [ ! -e "$ROOT$library" ]; then mkdir -p "$ROOT$(dirname "$library")"; ln -s "$real" "$ROOT$library"; fi
done
echo 'root:x:0:0:root:/root:/bin/sh' > "$ROOT/etc/passwd"
echo 'root:x:0:' > "$ROOT/etc/group"

tar --numeric-owner -C "$ROOT" -c . | podman import -q - "$IMAGE" >/dev/null
echo "$IMAGE"
