#!/usr/bin/env bash
# The whole TinyImage flow on one machine, driven as a user drives it, with the real kubectl and helm:
#   kube-emulator (the API server, HTTPS with its own CA, RBAC enforced) with its real stand-ins: docker-registry
#   (TLS + htpasswd), the Kaniko stand-in (assembles the final stage around the prebuilt Rust binary and pushes it with
#   skopeo), the kubelet stand-ins (podman + runc: the operator's pod exactly as the chart declares it, the workloads'
#   Deployments with their Service port routed to them);
#   the operator installed as a user installs it: its NativeAOT image built by scripts/build-operator-image.sh and pushed
#   to that registry, `helm template charts/tinyimage-operator | kubectl apply -f -` into tinyimage-system, then
#   `kubectl rollout status`; it runs in its locked-down pod (read-only root, uid 65532, no capabilities, the scratch
#   emptyDir, its ServiceAccount's token, the memory limit, the probes) and talks to the API server in-cluster;
#   kubectl apply of the source ConfigMap, the push Secret and the TinyImage; kubectl get -w; kubectl wait;
#   then curl http://127.0.0.1:PORT/ and a spec change that rolls to a new digest while the old one keeps serving.
# Needs the .NET SDK; installs the rest (scripts/install-tools.sh) when a tool is missing. Ctrl+C stops everything.
# Environment: DEMO_PORT (default 3000; 0 picks a free port), DEMO_KEEP=1 keeps the work directory.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
kubectl="$root/.tools/bin/kubectl"
config=Debug
emulator_dll="$root/tests/TinyImage.KubeEmulator/bin/$config/net10.0/kube-emulator.dll"
helm="$root/.tools/bin/helm"
operator_ns=tinyimage-system
ns=demo
name=hello

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
die() { echo "demo-local: $*" >&2; exit 1; }

missing=""
[ -x "$kubectl" ] && [ -x "$helm" ] || missing="kubectl/helm"
for tool in docker-registry htpasswd skopeo buildah clang podman runc curl python3; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || missing="$missing $tool"
done
if [ -n "$missing" ]; then
  say "install what is missing ($missing): scripts/install-tools.sh"
  scripts/install-tools.sh
fi

say "build the emulator (test infrastructure: never part of the operator's binary or image)"
dotnet build tests/TinyImage.KubeEmulator -c $config -nologo -clp:ErrorsOnly -v:q >/dev/null
[ -f "$root/.tools/fixtures/hello-service+greeting-v2" ] || scripts/build-fixtures.sh

work=$(mktemp -d /tmp/tinyimage-demo.XXXXXX)
pids=()
cleanup() {
  for ((i=${#pids[@]}-1; i>=0; i--)); do kill -TERM "${pids[$i]}" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "${DEMO_KEEP:-0}" = 1 ]; then echo "demo-local: work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port=${DEMO_PORT:-3000}
if [ "$port" != 0 ] && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  echo "demo-local: port $port is taken; the Service gets a free port instead"; port=0
fi

say "start the API-server emulator (HTTPS) with the real stand-ins (registry, Kaniko stand-in, podman kubelets)"
dotnet "$emulator_dll" --https --kubeconfig "$work/kubeconfig" --stand-ins "$work/stand-ins" \
  --prebuilt-binaries "$root/.tools/fixtures" --service-port "$port" --pod-spec-namespace "$operator_ns" >"$work/emulator.log" 2>&1 &
pids+=($!)
for _ in $(seq 300); do
  [ -f "$work/stand-ins/stand-ins.env" ] && [ -f "$work/kubeconfig" ] && break
  kill -0 "${pids[0]}" 2>/dev/null || { cat "$work/emulator.log" >&2; die "the emulator exited"; }
  sleep 0.1
done
[ -f "$work/kubeconfig" ] || { cat "$work/emulator.log" >&2; die "the emulator did not start"; }
cat "$work/emulator.log"
# shellcheck disable=SC1091
. "$work/stand-ins/stand-ins.env"
k() { "$kubectl" --kubeconfig "$work/kubeconfig" "$@"; }

say "build the operator's image (NativeAOT on a minimal root filesystem) and push it to the registry"
operator_image=$(scripts/build-operator-image.sh "$REGISTRY_HOST/tinyimage/operator:demo" \
  --cert-dir "$(dirname "$REGISTRY_CA_FILE")" --authfile "$REGISTRY_DOCKER_CONFIG")
echo "image: $operator_image"

say "install the operator from its chart: helm template | kubectl apply, into $operator_ns"
k create namespace "$operator_ns"
# The registry's certificate is signed by this machine's own CA: the operator trusts it through the chart's caBundle.
k create secret docker-registry operator-pull -n "$operator_ns" --docker-server="$REGISTRY_HOST" \
  --docker-username="$REGISTRY_USERNAME" --docker-password="$REGISTRY_PASSWORD"
k create configmap registry-ca -n "$operator_ns" --from-file=ca-certificates.crt="$REGISTRY_CA_BUNDLE"
# The pod shares the host's network here, so its metrics port must be free on this machine. The registry listens on
# loopback, which the operator refuses to reach unless the admin allows it (chart value registry.allow).
metrics_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$helm" template tinyimage-operator charts/tinyimage-operator --namespace "$operator_ns" \
  --set image.repository="${operator_image%@*}" --set image.tag="demo@${operator_image#*@}" \
  --set 'imagePullSecrets[0].name=operator-pull' --set caBundle.configMap=registry-ca \
  --set metrics.port="$metrics_port" --set "registry.allow[0]=${REGISTRY_HOST%:*}" >"$work/operator.yaml"
# kubectl's default validation: the emulator serves /openapi/v3, so kubectl validates on the server (fieldValidation=Strict).
apply() { k apply "$@"; }
apply -f "$work/operator.yaml"
operator_logs() { k logs -n "$operator_ns" -l app.kubernetes.io/name=tinyimage-operator --tail="${1:-40}" || true; }
k rollout status deployment/tinyimage-operator -n "$operator_ns" --timeout=180s \
  || { k get pods -n "$operator_ns" -o yaml | tail -40; operator_logs; die "the operator did not become available"; }
k get pods -n "$operator_ns"
k wait --for=condition=Established crd/tinyimages.tinyimage.dev --timeout=30s >/dev/null

say "kubectl apply the namespace, the push Secret, the source ConfigMap and the TinyImage"
k create namespace "$ns"
k create secret docker-registry registry-push -n "$ns" --docker-server="$REGISTRY_HOST" \
  --docker-username="$REGISTRY_USERNAME" --docker-password="$REGISTRY_PASSWORD"
# The source: the sample's ConfigMap, which holds tests/data/hello-service (the project the prebuilt fixtures are
# built from), so the image the Kaniko stand-in assembles really is the applied source's binary.
apply -n "$ns" -f config/samples/hello-src.yaml
manifest="$work/hello.yaml"
python3 - config/samples/tinyimage_v1alpha1_hello.yaml "$REGISTRY_HOST/$ns/$name" >"$manifest" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
text = re.sub(r'(?m)^(\s*)repository:\s*.*$', lambda m: m.group(1) + 'repository: ' + sys.argv[2] + '\n' + m.group(1) + 'pushSecret: registry-push', text, count=1)
text = re.sub(r'(?m)^(\s*insecure:\s*).*$', lambda m: m.group(1) + 'false', text, count=1)
text = re.sub(r'(?m)^\s*# The demo registry speaks plain HTTP.*\n', '', text)
# The registry asks for credentials to pull too, and the push Secret never reaches the workload: the demo names it as
# the pull Secret as well (in a real cluster, give the workload a read-only pull Secret).
if 'deploy:' not in text:
    text = text.rstrip('\n') + '\n  deploy:\n    imagePullSecrets: [registry-push]\n'
print(text)
PY
echo "--- the TinyImage (the sample, pointed at this machine's registry):"; sed -n '/^spec:/,$p' "$manifest"
name=$(python3 -c 'import re,sys; print(re.search(r"(?m)^  name:\s*(\S+)", open(sys.argv[1]).read()).group(1))' "$manifest")
apply -n "$ns" -f "$manifest"

say "kubectl get ti -w (the phases), then kubectl wait --for=condition=Ready"
# (it keeps printing through the spec change below; exec, so the pid is kubectl's own and cleanup stops it)
(exec "$kubectl" --kubeconfig "$work/kubeconfig" get ti -n "$ns" -w --field-selector "metadata.name=$name" \
  -o custom-columns='NAME:.metadata.name,PHASE:.status.phase,GENERATION:.metadata.generation,OBSERVED:.status.observedGeneration') &
pids+=($!)
# Ready, or Stalled (a failed build or a refused image needs a spec change: no point waiting).
for _ in $(seq 180); do
  k wait --for=condition=Ready "ti/$name" -n "$ns" --timeout=1s >/dev/null 2>&1 && break
  if [ "$(k get ti "$name" -n "$ns" -o jsonpath='{.status.conditions[?(@.type=="Stalled")].status}')" = True ]; then
    k get ti "$name" -n "$ns" -o jsonpath='{range .status.conditions[*]}{.type}={.status} ({.reason}): {.message}{"\n"}{end}'
    echo "--- operator log"; operator_logs 20; echo "--- emulator log"; tail -20 "$work/emulator.log"
    die "the TinyImage stalled"
  fi
done
k wait --for=condition=Ready "ti/$name" -n "$ns" --timeout=1s || { operator_logs; die "the TinyImage did not become Ready"; }

url=$(cat "$work/stand-ins/services/${ns}_${name}.url")
image=$(k get deployment "$name" -n "$ns" -o jsonpath='{.spec.template.spec.containers[0].image}')
say "the Deployment runs exactly the verified digest"
echo "image: $image"
k get ti "$name" -n "$ns" -o jsonpath='{range .status.conditions[*]}{.type}={.status} ({.reason}){"\n"}{end}'
say "GET $url"
curl -fsS "$url"

say "the image in the registry: one file, /bin/hello-service (plus the directories bin/ and the WORKDIR /app), a config and a manifest"
skopeo inspect --raw --cert-dir "$(dirname "$REGISTRY_CA_FILE")" --authfile "$REGISTRY_DOCKER_CONFIG" "docker://${image}" >"$work/manifest.json"
python3 - "$work/manifest.json" <<'PY'
import json, os, sys
raw = open(sys.argv[1], "rb").read()
m = json.loads(raw)
layers = [l["size"] for l in m["layers"]]
total = sum(layers) + m["config"]["size"] + len(raw)
print(f"{len(layers)} layer(s): {sum(layers)} B compressed + config {m['config']['size']} B + manifest {len(raw)} B = {total} B ({total / 1048576:.3f} MiB)")
PY

say "change the spec (build.features: [greeting-v2]): new hash, new build, new digest; the old one serves (status.serving) until the new one is verified and rolled out"
generation=$(k get ti "$name" -n "$ns" -o jsonpath='{.metadata.generation}')
k patch ti "$name" -n "$ns" --type merge -p '{"spec":{"build":{"features":["greeting-v2"]}}}'
last=""
for _ in $(seq 600); do
  # Status first, then the answer: what status reports as serving must already answer.
  phase=$(k get ti "$name" -n "$ns" -o jsonpath='{.status.phase} {.status.observedGeneration}')
  serving=$(k get ti "$name" -n "$ns" -o jsonpath='{.status.serving.digest}')
  current=$(k get deployment "$name" -n "$ns" -o jsonpath='{.spec.template.spec.containers[0].image}')
  answer=$(curl -fsS --max-time 2 "$url" || echo "(no answer)")
  line="phase=${phase%% *}  deployment=…${current: -12}  serving=…${serving: -12}  answer=$answer"
  [ "$line" != "$last" ] && echo "$line" && last=$line
  if [ "${phase#* }" -gt "$generation" ] 2>/dev/null && [ "${phase%% *}" = Ready ] && [[ "$answer" == "hello again"* ]]; then break; fi
  sleep 0.2
done
[[ "$answer" == "hello again"* ]] || { operator_logs; die "the new digest did not take over"; }

say "done: the new digest serves"
curl -fsS "$url"
say "the operator: one pod from the chart, in-cluster configuration (its ServiceAccount), no host process"
k get deployment tinyimage-operator -n "$operator_ns" -o jsonpath='{.status.availableReplicas}/{.spec.replicas} available, serviceAccount {.spec.template.spec.serviceAccountName}, image {.spec.template.spec.containers[0].image}{"\n"}'
echo "--- its log (kubectl logs), last lines:"
operator_logs 3
