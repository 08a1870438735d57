#!/usr/bin/env bash
# Builds the operator's image locally, the way the Dockerfile would, without its base image (which cannot be pulled here)
# and without a Docker engine, then pushes it with skopeo:
#   1. publishes the NativeAOT binary (dotnet publish -r linux-x64 -p:PublishAot=true; needs clang and zlib1g-dev from
#      scripts/install-tools.sh). Skipped when the binary is newer than every source and build file: AOT publish is slow.
#   2. assembles the root filesystem the Dockerfile's chiseled runtime-deps base would give the binary, and nothing
#      else (no shell, no package manager): /usr/local/bin/tinyimage-operator; the glibc libraries ldd names (the binary
#      is dynamically linked to glibc, whose NSS "files" and "dns" live in libc.so.6 since 2.34) with the loader, in the
#      merged-/usr layout (lib -> usr/lib, lib64 -> usr/lib64); libssl.so.3 and libcrypto.so.3, which .NET loads with
#      dlopen for TLS (ldd does not show them); /etc/ssl/certs/ca-certificates.crt; /etc/nsswitch.conf; /etc/passwd and
#      /etc/group with root and 65532 (nonroot); an empty /tmp (mode 1777, as the base has it) for a volume to mount on.
#   3. makes it an OCI image with buildah (FROM scratch, its own vfs storage under artifacts/, --timestamp 0), with the
#      Dockerfile's USER 65532:65532, ENTRYPOINT, CMD ["run"] and EXPOSE 8080, writes it as an OCI layout, and
#   4. pushes it with skopeo to DESTINATION (host:port/repository:tag) when one is given, printing the digest.
# The image's compressed size (layers + config + manifest) is printed and written to artifacts/operator-image/size.txt.
#
# Usage: scripts/build-operator-image.sh [DESTINATION] [--cert-dir DIR] [--authfile FILE] [--tls-verify=false]
#   DESTINATION   e.g. 127.0.0.1:5000/tinyimage/operator:0.1.0 (the local docker-registry the tests start on loopback)
#   --cert-dir    a certs.d-style directory with the registry's ca.crt (LocalRegistry.CertDirectory)
#   --authfile    a Docker config file with the registry's credentials (LocalRegistry.DockerConfigJson)
# Environment: OPERATOR_IMAGE_REBUILD=1 publishes even when the binary looks up to date.
# Outputs under artifacts/operator-image/: publish/ (the binary), rootfs/, oci/ (OCI layout, tag "latest"),
# size.txt, digest.txt (after a push).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out="$root/artifacts/operator-image"
binary="$out/publish/tinyimage-operator"
die() { echo "build-operator-image: $*" >&2; exit 1; }

destination=""
push_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --cert-dir) push_args+=(--dest-cert-dir "$2"); shift 2 ;;
    --authfile) push_args+=(--dest-authfile "$2"); shift 2 ;;
    --tls-verify=false) push_args+=(--dest-tls-verify=false); shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    -*) die "unknown option $1" ;;
    *) destination="$1"; shift ;;
  esac
done

for tool in buildah skopeo clang ldd; do command -v "$tool" >/dev/null || die "$tool is missing: run scripts/install-tools.sh"; done
mkdir -p "$out"

# 1. The NativeAOT binary, published only when a source or build file changed since (anything under src/: the operator
#    and the libraries it references).
stale=""
if [ "${OPERATOR_IMAGE_REBUILD:-0}" = 1 ] || [ ! -x "$binary" ]; then
  stale="no binary yet"
else
  stale=$(find src Directory.Build.props Directory.Packages.props global.json -type f -newer "$binary" \
    -not -path '*/bin/*' -not -path '*/obj/*' -print -quit)
fi
if [ -n "$stale" ]; then
  echo "build-operator-image: dotnet publish -p:PublishAot=true (${stale})" >&2
  rm -rf "$out/publish"
  dotnet publish src/TinyImage.Operator -c Release -r linux-x64 -p:PublishAot=true -nologo -clp:ErrorsOnly -v:q \
    -o "$out/publish" >&2
  rm -f "$out/publish"/*.dbg "$out/publish"/*.xml "$out/publish"/*.pdb
  touch "$binary"
else
  echo "build-operator-image: $binary is newer than the sources: publish skipped" >&2
fi
"$binary" --version >/dev/null || die "the published binary does not run"

# 2. The root filesystem.
rootfs="$out/rootfs"
rm -rf "$rootfs"
mkdir -p "$rootfs/usr/local/bin" "$rootfs/usr/lib" "$rootfs/usr/lib64" "$rootfs/etc/ssl/certs" "$rootfs/tmp"
ln -s usr/lib "$rootfs/lib"
ln -s usr/lib64 "$rootfs/lib64"
chmod 1777 "$rootfs/tmp"
install -m 0755 "$binary" "$rootfs/usr/local/bin/tinyimage-operator"

# A library path as the loader asks for it (/lib/..., /lib64/..., /usr/lib/...) goes to the same path under usr/.
copy_lib() {
  local path="$1" target
  case "$path" in
    /usr/*) target="$rootfs$path" ;;
    *) target="$rootfs/usr$path" ;;
  esac
  [ -e "$target" ] && return 0
  mkdir -p "$(dirname "$target")"
  cp -L "$path" "$target"
}
libs_of() { ldd "$1" | awk '/=> \// { print $3 } /^\t\/.* \(0x/ { print $1 }'; }

mapfile -t needed < <(libs_of "$binary")
# .NET's System.Security.Cryptography.Native opens OpenSSL 3 with dlopen; the chiseled base carries it.
for soname in libssl.so.3 libcrypto.so.3; do
  path=$(ldconfig -p | awk -v n="$soname" '$1 == n && /x86-64/ { print $NF; exit }')
  [ -n "$path" ] || die "$soname is not installed (Debian package libssl3)"
  needed+=("$path")
  mapfile -t -O "${#needed[@]}" needed < <(libs_of "$path")
done
for lib in $(printf '%s\n' "${needed[@]}" | sort -u); do copy_lib "$lib"; done

ca_bundle=/etc/ssl/certs/ca-certificates.crt
[ -f "$ca_bundle" ] || die "$ca_bundle is missing (Debian package ca-certificates)"
cp "$ca_bundle" "$rootfs/etc/ssl/certs/ca-certificates.crt"
printf 'root:x:0:0:root:/root:/noshell\nnonroot:x:65532:65532:nonroot:/home/nonroot:/noshell\n' > "$rootfs/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' > "$rootfs/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$rootfs/etc/nsswitch.conf"
find "$rootfs" -exec touch -h -d @0 {} +

# 3. The OCI image: buildah with its own storage (vfs: no overlay mounts needed), nothing run inside it.
storage="$out/buildah"
b=(buildah --root "$storage/root" --runroot "$storage/run" --storage-driver vfs)
export BUILDAH_ISOLATION=chroot
ctr=$("${b[@]}" from --quiet scratch)
trap '"${b[@]}" rm "$ctr" >/dev/null 2>&1 || true' EXIT
"${b[@]}" copy --quiet "$ctr" "$rootfs/" / >/dev/null
"${b[@]}" config --user 65532:65532 --port 8080 \
  --entrypoint '["/usr/local/bin/tinyimage-operator"]' --cmd '["run"]' \
  --label org.opencontainers.image.title=tinyimage-operator \
  --label "org.opencontainers.image.version=$("$binary" --version | awk '{ print $2 }')" "$ctr"
rm -rf "$out/oci"
"${b[@]}" commit --quiet --timestamp 0 --format oci --disable-compression=false --rm "$ctr" "oci:$out/oci:latest" >/dev/null
trap - EXIT

# The compressed size: what a pull transfers.
manifest_digest=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["manifests"][0]["digest"].split(":")[1])' "$out/oci/index.json")
size=$(python3 - "$out/oci" "$manifest_digest" <<'EOF'
import json, os, sys
oci, digest = sys.argv[1], sys.argv[2]
path = os.path.join(oci, "blobs", "sha256", digest)
m = json.load(open(path))
print(os.path.getsize(path) + m["config"]["size"] + sum(l["size"] for l in m["layers"]))
EOF
)
printf '%s\n' "$size" > "$out/size.txt"
echo "build-operator-image: image sha256:$manifest_digest, compressed size $size bytes ($((size / 1024)) KiB); binary $(stat -c %s "$binary") bytes" >&2

# 4. The push.
if [ -n "$destination" ]; then
  skopeo copy --quiet --retry-times 0 --digestfile "$out/digest.txt" "${push_args[@]}" "oci:$out/oci:latest" "docker://$destination" >&2
  echo "build-operator-image: pushed $destination@$(cat "$out/digest.txt")" >&2
  repository="$destination"
  case "${destination##*/}" in *:*) repository="${destination%:*}" ;; esac
  echo "$repository@$(cat "$out/digest.txt")"
fi
