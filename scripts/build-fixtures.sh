#!/usr/bin/env bash
# Builds our own test binaries with the machine's cargo (no crates are downloaded) into .tools/fixtures/:
#   hello-service          the demo workload with a cargo-auditable style SBOM (.dep-v0, zlib JSON) added by objcopy
#   hello-service-nosbom   the same binary without the section
#   hello-service-denied   a variant whose SBOM lists a (local stub) crate named openssl-sys
#   hello-service+greeting-v2  the demo workload built with --features greeting-v2 (answers "hello again ..."), same SBOM
# The size profile and RUSTFLAGS come from the operator's own generated Containerfile (render --containerfile),
# so the fixtures are built the way the operator would build them. The musl target cannot be added here
# (rustup cannot download), so the static binary is built for x86_64-unknown-linux-gnu with +crt-static.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out="$root/.tools/fixtures"
mkdir -p "$out"
operator=("$root/src/TinyImage.Operator/bin/Debug/net10.0/tinyimage-operator")
[ -x "${operator[0]}" ] || { echo "build-fixtures: build the solution first (dotnet build Operator.sln)" >&2; exit 1; }

containerfile=$("${operator[@]}" render --containerfile "$root/config/samples/tinyimage_v1alpha1_hello.yaml")
mapfile -t build_env < <(grep -oE '(RUSTFLAGS|CARGO_PROFILE_RELEASE_[A-Z_]+)=("[^"]*"|[^ \\]+)' <<<"$containerfile" | sed -E 's/="(.*)"$/=\1/')
[ ${#build_env[@]} -ge 2 ] || { echo "build-fixtures: no RUSTFLAGS/CARGO_PROFILE_RELEASE_* found in the generated Containerfile" >&2; exit 1; }
echo "build-fixtures: building with ${build_env[*]}" >&2

target=x86_64-unknown-linux-gnu
build() { # project-dir bin-name output-name [cargo flags...]
  local dir="$1" bin="$2" name="$3" tdir="$out/target-$3"
  env "${build_env[@]}" CARGO_TARGET_DIR="$tdir" cargo build --quiet --offline --release --locked \
      --manifest-path "$dir/Cargo.toml" --target "$target" --bin "$bin" "${@:4}"
  cp "$tdir/$target/release/$bin" "$out/$name.nosection"
}
embed() { # name json-file
  local name="$1" json="$2"
  python3 -c 'import sys,zlib; sys.stdout.buffer.write(zlib.compress(open(sys.argv[1],"rb").read(), 9))' "$json" > "$out/$name.dep-v0"
  objcopy --add-section .dep-v0="$out/$name.dep-v0" \
      "$out/$name.nosection" "$out/$name"
  cp "$json" "$out/$name.expected.json"
}

stamp="$out/.stamp"
inputs=$(cat scripts/build-fixtures.sh scripts/auditable-json.py; printf '%s\n' "${build_env[@]}"; find tests/data/hello-service tests/data/hello-service-denied -type f -not -path '*/target/*' | sort | xargs cat)
sum=$(sha256sum <<<"$inputs" | cut -c1-16)
if [ "$(cat "$stamp" 2>/dev/null)" = "$sum" ] && [ -f "$out/hello-service" ]; then
  echo "build-fixtures: up to date" >&2; exit 0
fi

build tests/data/hello-service hello-service hello-service
python3 scripts/auditable-json.py tests/data/hello-service > "$out/hello-service.json"
embed hello-service "$out/hello-service.json"
cp "$out/hello-service.nosection" "$out/hello-service-nosbom"

build tests/data/hello-service hello-service hello-service+greeting-v2 --features greeting-v2
embed hello-service+greeting-v2 "$out/hello-service.json"

build tests/data/hello-service-denied hello-service hello-service-denied
python3 scripts/auditable-json.py tests/data/hello-service-denied > "$out/hello-service-denied.json"
embed hello-service-denied "$out/hello-service-denied.json"

rm -f "$out"/*.nosection "$out"/*.dep-v0
echo "$sum" > "$stamp"
ls -l "$out" | grep -v target- >&2
