#!/usr/bin/env bash
# An A/B of the verify step's registry rows (BENCHMARKS.md section 5, ninth round): one docker-registry, the bench images
# pushed once, then `TinyImage.Bench verify --pull-only` of each build given, in turn, ROUNDS times; finally the per-run
# figures pooled per build (median and IQR of the per-run ratios to the raw GET beside each pull, CPU medians).
#
#   bench/verify-ab.sh ROUNDS LABEL=BENCH[@VAR=VALUE,...] ...
#
# BENCH is a TinyImage.Bench executable (e.g. a copy of bench/TinyImage.Bench/bin/Release/net10.0 built from another
# commit); @VAR=VALUE sets environment variables for that build only. Every build runs with DOTNET_TieredCompilation=0
# as bench/run.sh does. BENCH_VERIFY_RUNS (default 21) timed runs per row. Results: bench/results/ab-LABEL-ROUND.json/.md.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd); results="$root/bench/results"; work="$results/work"; mkdir -p "$work"
rounds=${1:?usage: bench/verify-ab.sh ROUNDS LABEL=BENCH[@VAR=VALUE,...] ...}; shift
[ $# -gt 0 ] || { echo "verify-ab: no build given" >&2; exit 2; }
registry_pid=""
trap '[ -z "$registry_pid" ] || kill $registry_pid 2>/dev/null || true' EXIT
. bench/registry.sh
start_bench_registry "$work"
first=${1#*=}; first=${first%%@*}
"$first" images --registry "$registry" --fixture "$root/.tools/fixtures/hello-service" --work "$work" >/dev/null
rm -f "$results"/ab-*.json "$results"/ab-*.md
for r in $(seq "$rounds"); do
  for spec in "$@"; do
    label=${spec%%=*}; rest=${spec#*=}; bin=${rest%%@*}; vars=""
    [ "$rest" = "$bin" ] || vars=${rest#*@}
    echo "verify-ab: round $r $label (load average: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
    env DOTNET_TieredCompilation=0 ${vars//,/ } "$bin" verify --images "$work/images.json" --results "$results" \
      --runs "${BENCH_VERIFY_RUNS:-21}" --name "ab-$label-$r" --registry-pid "$registry_pid" --pull-only >/dev/null
  done
done
python3 - "$results" <<'PY'
import glob, json, statistics as st, sys
from collections import defaultdict
pooled = defaultdict(lambda: defaultdict(list))
for f in glob.glob(sys.argv[1] + "/ab-*.json"):
    d = json.load(open(f)); label = f.rsplit("/", 1)[1][3:].rsplit("-", 1)[0]
    for image in ("2mib", "50mib"):
        e = d[image]; p = pooled[(image, label)]; raw = e["rawLayerGet"]["samplesMs"]
        p["load"].append(float(d["load"].split()[0])); p["raw"] += raw
        for row in ("registryCold", "registryColdImageWarmClient"):
            p[row] += e[row]["samplesMs"]; p[row + "Cpu"] += e[row]["samplesCpuMs"]
            p[row + "Ratio"] += [a / b for a, b in zip(e[row]["samplesMs"], raw)]
for (image, label), p in sorted(pooled.items()):
    print(f"{image} {label}: {len(p['raw'])} runs, load {min(p['load']):.1f}-{max(p['load']):.1f}, raw GET min {min(p['raw']):.2f} / median {st.median(p['raw']):.2f} ms")
    for row, what in (("registryCold", "cold client"), ("registryColdImageWarmClient", "cold image, warm client")):
        q = st.quantiles(p[row + "Ratio"], n=4)
        print(f"  {what}: min {min(p[row]):.2f} / median {st.median(p[row]):.2f} ms, CPU median {st.median(p[row + 'Cpu']):.2f} ms,"
              f" per-run ratio median {st.median(p[row + 'Ratio']):.2f} (IQR {q[0]:.2f}-{q[2]:.2f})")
PY
