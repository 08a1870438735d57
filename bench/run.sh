#!/usr/bin/env bash
# The TinyImage operator's benchmarks (issue 7). Never part of the test run: scripts/test.sh and Operator.sln do not
# know this folder. Results (JSON + Markdown fragments) go to bench/results/ (git-ignored); the chart is written to
# bench/scale-chart.svg. BENCHMARKS.md at the repository root records the figures and the method.
#
#   bench/run.sh [STEP...]      STEP: build aot images micro verify scale scale-large gc startup size chart (default: all but gc)
#
# Environment (all optional):
#   BENCH_FIXTURE=FILE       the workload binary (default: .tools/fixtures/hello-service from scripts/build-fixtures.sh,
#                            else ../shared/fixtures/auditable/rustsec__binary-with-audit-info)
#   BENCH_SIZES=100,1000  BENCH_RUNS=3  BENCH_SIZES_LARGE=5000  BENCH_RUNS_LARGE=1  BENCH_STEADY_SIZE=1000  BENCH_STEADY_SECONDS=60  BENCH_RESYNC=10
#   BENCH_CHANGES=50  BENCH_STARTUP_RUNS=5  BENCH_VERIFY_RUNS=7
#   BENCH_VERIFY_PULL_ONLY=1  verify times only the registry rows (cold pull, raw GETs, steps), not the local file, Python, CLI
#   BENCH_VERIFY_NAME=verify  the result files of the verify step (bench/results/NAME.json and .md)
#   BENCH_STARTUP_TRACE=1    startup also runs the operator with TINYIMAGE_STARTUP_TRACE=1 and reports each start step
#   BENCH_BUILDS="JIT NativeAOT"  the operator builds that scale and scale-large run (one of them, to halve a run);
#                            LABEL=BINARY adds another binary (e.g. the NativeAOT publish of an older commit, to compare)
#   BENCH_BUILD_ENV="LABEL=VAR=VALUE ..."  environment variables for one build (e.g. a GC setting to try)
#   BENCH_AT_READY=COMMAND   scale runs this shell command once all are Ready, the operator's pid in $OPERATOR_PID
#                            (e.g. dotnet-gcdump collect -p $OPERATOR_PID on the JIT build)
#   BENCH_EMULATOR=FILE      another kube-emulator binary for scale (e.g. one built from an older commit, to compare)
#                            instead of the emulator's NativeAOT publish (bench/results/emulator-aot, published by the first
#                            step that needs it and reused while the emulator's sources are unchanged)
#   BENCH_EMULATOR_JIT=1     scale, scale-large, gc and startup run the JIT emulator (the Release build), not the NativeAOT one
#   BENCH_EMULATOR_SMOKE=0   skip bench/emulator-smoke.sh, which otherwise checks a NativeAOT emulator with kubectl before
#                            the first step that measures with it (trimming breaks reflection without a warning)
#   BENCH_NAME=scale         the result files of the scale step (bench/results/NAME.json and .md)
#   DOTNET_TieredCompilation  the JIT emulator and the verify step's bench process run with 0 (compiled once, fully optimized,
#                            closer to the NativeAOT operator) unless this is set
#   DOTNET_ReadyToRun        the JIT emulator and the verify step's bench process run with 0 (the framework's precompiled code
#                            JIT-compiled, fully optimized, too, as NativeAOT compiles it) unless this is set
#   BENCH_WARMUP=N           scale first takes N TinyImages to Ready and only then measures (the JIT-compiled emulator's
#                            first-use compilation outside the figures; default 0, the processes measured from cold)
#                            (the NativeAOT emulator has none: the bench JSON's emulatorKind says which one ran)
#   BENCH_COUNT_COMMITS=1    scale also watches every resource of the run and counts the emulator's commits per resource
#                            (the watches cost the emulator CPU: use a separate run for CPU figures)
# Needs: the .NET SDK, docker-registry and kubectl (scripts/install-tools.sh), objcopy, python3.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
results="$root/bench/results"
work="$results/work"
mkdir -p "$work"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

fixture=${BENCH_FIXTURE:-}
if [ -z "$fixture" ]; then
  if [ -f "$root/.tools/fixtures/hello-service" ]; then fixture="$root/.tools/fixtures/hello-service"
  else fixture="$root/../shared/fixtures/auditable/rustsec__binary-with-audit-info"; fi
fi
[ -f "$fixture" ] || { echo "bench: no fixture binary ($fixture); run scripts/build-fixtures.sh or set BENCH_FIXTURE" >&2; exit 1; }

jit="$root/src/TinyImage.Operator/bin/Release/net10.0/tinyimage-operator"
aot="$results/aot/tinyimage-operator"
emulator_jit="$root/tests/TinyImage.KubeEmulator/bin/Release/net10.0/kube-emulator"
emulator_aot="$results/emulator-aot/kube-emulator"
if [ -n "${BENCH_EMULATOR:-}" ]; then emulator=$BENCH_EMULATOR
elif [ -n "${BENCH_EMULATOR_JIT:-}" ]; then emulator=$emulator_jit
else emulator=$emulator_aot; fi
bench="$root/bench/TinyImage.Bench/bin/Release/net10.0/TinyImage.Bench"
crd="$root/config/crd/bases/tinyimage.dev_tinyimages.yaml"
steps=("$@")
builds=()
for e in ${BENCH_BUILD_ENV:-}; do builds+=(--build-env "$e"); done # LABEL=VAR=VALUE: an environment variable for one build
for b in ${BENCH_BUILDS:-JIT NativeAOT}; do
  case "$b" in
    JIT) builds+=(--build "JIT=$jit") ;;
    NativeAOT) builds+=(--build "NativeAOT=$aot") ;;
    *=*) builds+=(--build "$b") ;; # LABEL=BINARY: another operator binary (e.g. a published copy of an older commit)
    *) echo "bench: unknown build $b in BENCH_BUILDS (JIT, NativeAOT)" >&2; exit 2 ;;
  esac
done
[ ${#steps[@]} -gt 0 ] || steps=(build aot images micro verify scale scale-large startup size chart)

registry_pid=""
cleanup() { [ -z "$registry_pid" ] || kill "$registry_pid" 2>/dev/null || true; }
trap cleanup EXIT

. bench/registry.sh
start_registry() { # a plain-HTTP docker-registry on a free loopback port, storage under $work (bench/registry.sh)
  [ -z "$registry_pid" ] || return 0
  start_bench_registry "$work"
  echo "bench: docker-registry on $registry (pid $registry_pid)" >&2
}

pushed=""
push_images() { # the registry lives as long as this script: push once
  start_registry
  [ -n "$pushed" ] || "$bench" images --registry "$registry" --fixture "$fixture" --work "$work"
  pushed=1
}

emulator_sources() { # what the emulator's NativeAOT publish is made of (for the cache): its sources and the build settings
  find tests/TinyImage.KubeEmulator -type f -not -path '*/bin/*' -not -path '*/obj/*' -not -name '*.md' -print0 \
    | sort -z | xargs -0 sha256sum; sha256sum Directory.Build.props Directory.Packages.props global.json
}
publish_emulator_aot() { # the emulator as NativeAOT, as the operator's aot step builds it; reused while its sources are the same
  local hash; hash=$(emulator_sources | sha256sum | cut -c1-16)
  if [ -x "$emulator_aot" ] && [ "$(cat "$results/emulator-aot/.sources" 2>/dev/null)" = "$hash" ]; then
    echo "bench: NativeAOT emulator up to date ($hash)" >&2; return 0
  fi
  rm -rf "$results/emulator-aot"
  dotnet publish tests/TinyImage.KubeEmulator -r linux-x64 -c Release -p:PublishAot=true -o "$results/emulator-aot" -nologo -clp:ErrorsOnly
  echo "$hash" >"$results/emulator-aot/.sources"
}
emulator_checked=""
prepare_emulator() { # the emulator the measuring steps use: published if it is the NativeAOT default, smoke-tested if NativeAOT
  [ -z "$emulator_checked" ] || return 0
  [ "$emulator" != "$emulator_aot" ] || publish_emulator_aot
  [ -x "$emulator" ] || { echo "bench: no emulator binary $emulator (the build step builds the JIT one)" >&2; exit 1; }
  # A NativeAOT publish has no kube-emulator.dll beside it. Its trimmed form is checked before anything is measured on it.
  if [ ! -f "$(dirname "$emulator")/kube-emulator.dll" ] && [ "${BENCH_EMULATOR_SMOKE:-1}" != 0 ]; then
    bench/emulator-smoke.sh "$emulator" >&2 || { echo "bench: the emulator $emulator failed its smoke test: nothing measured" >&2; exit 1; }
  fi
  emulator_checked=1
}

for step in "${steps[@]}"; do
  echo "== $step (load average: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  case "$step" in
    build) # one project at a time: concurrent builds of the operator race on its obj/ folder
      dotnet build src/TinyImage.Operator -c Release -nologo -clp:ErrorsOnly
      dotnet build tests/TinyImage.KubeEmulator -c Release -nologo -clp:ErrorsOnly
      dotnet build bench/TinyImage.Bench -c Release -nologo -clp:ErrorsOnly ;;
    aot) # the operator's NativeAOT binary, and the emulator's (the API server of scale, scale-large and gc)
      dotnet publish src/TinyImage.Operator -r linux-x64 -c Release -p:PublishAot=true -o "$results/aot" -nologo -clp:ErrorsOnly
      publish_emulator_aot ;;
    images)
      push_images ;;
    micro)
      "$bench" micro --fixture "$fixture" --results "$results" ;;
    verify)
      push_images
      DOTNET_TieredCompilation=${DOTNET_TieredCompilation:-0} DOTNET_ReadyToRun=${DOTNET_ReadyToRun:-0} \
      "$bench" verify --images "$work/images.json" --results "$results" --runs "${BENCH_VERIFY_RUNS:-7}" \
          --name "${BENCH_VERIFY_NAME:-verify}" --registry-pid "$registry_pid" ${BENCH_VERIFY_PULL_ONLY:+--pull-only} \
          --python bench/python/dep_section.py --python-exe "$(python3 -c 'import sys; print(sys.executable)')" --jit "$jit" --aot "$aot" ;;
    scale) # 100 and 1,000 with BENCH_RUNS runs (steady state and latency at BENCH_STEADY_SIZE)
      push_images
      prepare_emulator
      common=(--emulator "$emulator" --crd "$crd" --images "$work/images.json" "${builds[@]}"
              --steady-seconds "${BENCH_STEADY_SECONDS:-60}" --resync "${BENCH_RESYNC:-10}" --changes "${BENCH_CHANGES:-50}"
              --results "$results" --work "$work")
      "$bench" scale "${common[@]}" --sizes "${BENCH_SIZES:-100,1000}" --runs "${BENCH_RUNS:-3}" --steady-size "${BENCH_STEADY_SIZE:-1000}" --name "${BENCH_NAME:-scale}" \
          ${BENCH_COUNT_COMMITS:+--count-commits} --warm-up "${BENCH_WARMUP:-0}" ;;
    scale-large) # 5,000 with BENCH_RUNS_LARGE runs, no steady state or latency
      push_images
      prepare_emulator
      common=(--emulator "$emulator" --crd "$crd" --images "$work/images.json" "${builds[@]}"
              --results "$results" --work "$work")
      "$bench" scale "${common[@]}" --sizes "${BENCH_SIZES_LARGE:-5000}" --runs "${BENCH_RUNS_LARGE:-1}" --steady-size 0 --name scale-large \
          --gc-delay 60000 ;; # the emulator's GC sweep copies every object under its lock: at 5,000 TinyImages it would dominate
    gc) # what the NativeAOT operator's memory is made of: the same 1,000-object run with a small fixed gen0 budget
      push_images
      prepare_emulator
      "$bench" scale --emulator "$emulator" --crd "$crd" --images "$work/images.json" --build "NativeAOT=$aot" \
          --build "NativeAOT-gen0-4MiB=$aot" --build-env "NativeAOT-gen0-4MiB=DOTNET_GCgen0size=0x400000" \
          --sizes 1000 --runs 1 --steady-size 0 --results "$results" --work "$work" --name scale-gc ;;
    startup)
      push_images
      prepare_emulator
      # The emulator is the NativeAOT one by default, as in scale: a fresh emulator per run answers the operator's first
      # requests without compiling anything, so the figure is the operator's own start. For the JIT emulator
      # (BENCH_EMULATOR_JIT=1, or BENCH_EMULATOR) ReadyToRun stays on here (the runtime's default): this step times first
      # requests, which with ReadyToRun off would include the emulator compiling the framework's code for them.
      DOTNET_ReadyToRun=${DOTNET_ReadyToRun:-1} \
      "$bench" startup --emulator "$emulator" --crd "$crd" --images "$work/images.json" --build "JIT=$jit" --build "NativeAOT=$aot" \
          --runs "${BENCH_STARTUP_RUNS:-5}" --results "$results" --work "$work" ${BENCH_STARTUP_TRACE:+--trace} ;;
    size)
      {
        echo "| artifact | bytes |"
        echo "|---|---|"
        echo "| NativeAOT binary (stripped, \`$(basename "$aot")\`) | $(stat -c %s "$aot") |"
        echo "| NativeAOT binary, gzip -6 (its image layer, roughly) | $(gzip -6 -c "$aot" | wc -c) |"
        echo "| JIT build output folder (framework-dependent, excl. the .NET runtime) | $(du -sb "$(dirname "$jit")" | cut -f1) |"
        python3 - "$work/images.json" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))["images"]["a"]
print(f"| workload image `{a['repository']}` (layer {a['layerBytes']} + config {a['configBytes']} + manifest {a['manifestBytes']}) | {a['totalBytes']} |")
print(f"| workload binary | {a['binaryBytes']} |")
PY
      } | tee "$results/size.md" ;;
    chart)
      "$bench" chart --scale "$results/scale.json,$results/scale-large.json" --out "$root/bench/scale-chart.svg"
      echo "bench: wrote bench/scale-chart.svg" >&2 ;;
    *) echo "bench: unknown step $step" >&2; exit 2 ;;
  esac
done
