#!/usr/bin/env bash
# The emulator as kubectl and the operator meet it, against a built kube-emulator binary (JIT or NativeAOT), before a
# benchmark trusts it: bench/run.sh runs this on the NativeAOT emulator before `scale` measures anything (trimming or AOT
# can break a path without a warning: reflection over the Kubernetes models, CEL, YAML, protobuf bodies, TLS). Each check
# runs the real kubectl (.tools/bin, scripts/install-tools.sh) and expects an exit code and a message; any miss fails the
# script (exit 1) after every check has run. Never part of the test run (the emulator's own tests cover these rules
# in-process; this proves a given binary).
#
#   bench/emulator-smoke.sh BINARY [TRANSCRIPT]
#
# TRANSCRIPT: also write every check's exit code and output (tokens and ages masked) to this file, to diff two binaries.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
binary=${1:?usage: bench/emulator-smoke.sh BINARY [TRANSCRIPT]}
transcript=${2:-/dev/null}
kubectl=${KUBECTL:-"$root/.tools/bin/kubectl"}
crd="$root/config/crd/bases/tinyimage.dev_tinyimages.yaml"
[ -x "$binary" ] || { echo "emulator-smoke: no executable $binary" >&2; exit 2; }
[ -x "$kubectl" ] || { echo "emulator-smoke: no kubectl at $kubectl (scripts/install-tools.sh)" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/emulator-smoke.XXXXXX")
: >"$transcript"

# HTTPS, as the operator's in-cluster client and kubectl with a ServiceAccount token meet a real server.
"$binary" --port 0 --https --kubeconfig "$work/admin" >"$work/emulator.log" 2>&1 &
emulator_pid=$!
cleanup() { kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 1 300); do # at most 30 s
  grep -q '^listening on ' "$work/emulator.log" && break
  kill -0 "$emulator_pid" 2>/dev/null || { echo "emulator-smoke: $binary exited at start:" >&2; cat "$work/emulator.log" >&2; exit 1; }
  sleep 0.1
done
grep -q '^listening on ' "$work/emulator.log" || { echo "emulator-smoke: $binary did not listen within 30 s" >&2; exit 1; }

k() { "$kubectl" --kubeconfig "$work/admin" "$@"; }
sa() { "$kubectl" --kubeconfig "$work/sa" "$@"; }
failures=0
# check NAME EXIT TEXT COMMAND...: COMMAND exits with EXIT and its output (stdout and stderr) contains TEXT
# (a fixed string; "re:REGEX" for an extended regular expression).
check() {
  local name=$1 want_code=$2 want=$3 out code=0 found
  shift 3
  out=$("$@" 2>&1) || code=$?
  printf '## %s (exit %s)\n%s\n' "$name" "$code" "$(sed -E 's/eyJ[A-Za-z0-9._-]+/<token>/g; s/\b[0-9]+(s|m[0-9]*s?)\b/<age>/g' <<<"$out")" >>"$transcript"
  if [[ $want == re:* ]]; then grep -qE -- "${want#re:}" <<<"$out" && found=1 || found=0
  else grep -qF -- "$want" <<<"$out" && found=1 || found=0; fi
  if [ "$code" = "$want_code" ] && [ "$found" = 1 ]; then
    echo "ok   $name"
  else
    printf 'FAIL %s: expected exit %s and %q\n     got exit %s: %s\n' "$name" "$want_code" "$want" "$code" "$out" >&2
    failures=$((failures + 1))
  fi
}

# The operator's generated CRD, and the shape the generator wrote before issue 11 (a description under root metadata).
cp "$crd" "$work/crd.yaml"
python3 - "$crd" "$work/crd-bad.yaml" <<'PY'
import sys
text = open(sys.argv[1]).read()
root = "          metadata:\n            type: object\n"
assert text.count(root) == 1, "the CRD's root metadata property moved: update bench/emulator-smoke.sh"
open(sys.argv[2], "w").write(text.replace(root, "          metadata:\n            description: Standard object metadata.\n            type: object\n"))
PY
tinyimage() { # NAME SPEC-LINES: a TinyImage YAML
  printf 'apiVersion: tinyimage.dev/v1alpha1\nkind: TinyImage\nmetadata:\n  name: %s\nspec:\n  binary: hello\n  output:\n    repository: registry.local:5000/hello\n%s\n' "$1" "$2"
}
tinyimage hello '  source:
    configMap:
      name: hello-src
  unknownField: dropped' >"$work/ti-pruned.yaml"
tinyimage both '  source:
    configMap:
      name: hello-src
    git:
      url: https://github.com/example/hello' >"$work/ti-cel.yaml"
tinyimage hello.world '  source:
    configMap:
      name: hello-src' >"$work/ti-name.yaml"
tinyimage strict '  source:
    configMap:
      name: hello-src
  colour: red' >"$work/ti-strict.yaml"
tinyimage ssa '  source:
    configMap:
      name: hello-src' >"$work/ti-ssa.yaml"
cat >"$work/cm-strict.yaml" <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata: {name: c}
data: {a: b}
spec: {}
EOF
cat >"$work/deploy-strict.yaml" <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  selector: {matchLabels: {app: d}}
  template:
    metadata: {labels: {app: d}}
    spec:
      containers:
      - name: c
        image: registry.local:5000/hello@sha256:0000000000000000000000000000000000000000000000000000000000000000
        ports: [{containerPort: 80, bogus: 1}]
EOF
cat >"$work/ssa.yaml" <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata: {name: ssa}
data: {mode: "1"}
EOF
printf 'fn main() {}\n' >"$work/main.rs"
cat >"$work/rbac.yaml" <<'EOF'
apiVersion: v1
kind: Namespace
metadata: {name: demo}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: app, namespace: demo}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: demo}
rules:
- apiGroups: [""]
  resources: [configmaps]
  verbs: [get, list]
EOF
cat >"$work/binding.yaml" <<'EOF'
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: app-reader, namespace: demo}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects:
- {kind: ServiceAccount, name: app, namespace: demo}
EOF
cd "$work"

echo "emulator-smoke: $binary ($(sed -n 's/^listening on //p' emulator.log))"
check "crd with a description under root metadata is refused (422)" 1 \
  'The CustomResourceDefinition "tinyimages.tinyimage.dev" is invalid: spec.validation.openAPIV3Schema.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified' \
  k apply -f crd-bad.yaml
check "generated crd is accepted" 0 'customresourcedefinition.apiextensions.k8s.io/tinyimages.tinyimage.dev created' k apply -f crd.yaml
check "generated crd is established (watch)" 0 'customresourcedefinition.apiextensions.k8s.io/tinyimages.tinyimage.dev condition met' \
  k wait --for=condition=Established --timeout=20s crd/tinyimages.tinyimage.dev
check "tinyimage breaking a spec cel rule is refused with its message" 1 \
  'The TinyImage "both" is invalid: spec.source: Invalid value: "object": exactly one of source.git or source.configMap must be set' \
  k apply -f ti-cel.yaml
check "tinyimage breaking the root cel rule (regex) is refused with its message" 1 \
  'metadata.name must be a DNS-1035 label of at most 63 characters' k apply -f ti-name.yaml
check "unknown tinyimage field refused with fieldValidation=Strict (kubectl's default)" 1 \
  'TinyImage in version "v1alpha1" cannot be handled as a TinyImage: strict decoding error: unknown field "spec.colour"' k apply -f ti-strict.yaml
check "unknown configmap field refused (Strict, built-in model)" 1 \
  'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "spec"' k apply -f cm-strict.yaml
check "unknown nested deployment field refused (Strict, built-in model lists)" 1 \
  'strict decoding error: unknown field "spec.template.spec.containers[0].ports[0].bogus"' k apply -f deploy-strict.yaml
check "unknown tinyimage field accepted with --validate=false" 0 'tinyimage.tinyimage.dev/hello created' k apply --validate=false -f ti-pruned.yaml
check "unknown tinyimage field pruned, defaults applied" 0 'unknownField=<> base=scratch' \
  k get tinyimage hello -o 'jsonpath=unknownField=<{.spec.unknownField}> base={.spec.build.base}'
check "tinyimages as a table (printer columns)" 0 're:^NAME +PHASE +READY +AGE' k get tinyimages
check "kubectl create configmap --from-file (protobuf body)" 0 'configmap/src created' \
  k create configmap src --from-file=main.rs --from-literal=mode=fast
check "configmap from file stored" 0 'fn main() {}' k get configmap src -o 'jsonpath={.data.main\.rs}'
check "kubectl create secret docker-registry (protobuf body)" 0 'secret/push created' \
  k create secret docker-registry push --docker-server=registry.example --docker-username=u --docker-password=p
check "docker-registry secret stored with its type" 0 'kubernetes.io/dockerconfigjson' k get secret push -o 'jsonpath={.type}'
check "kubectl explain tinyimage.spec (openapi v3)" 0 'What to build, how to verify it, and how to run it.' k explain tinyimage.spec
check "kubectl explain names the kind" 0 'KIND:       TinyImage' k explain tinyimage.spec
check "kubectl apply --server-side creates (apply patch, yaml)" 0 'configmap/ssa serverside-applied' k apply --server-side -f ssa.yaml
sed -i 's/mode: "1"/mode: "2"/' ssa.yaml
check "kubectl apply --server-side updates" 0 'configmap/ssa serverside-applied' k apply --server-side -f ssa.yaml
check "server-side applied value stored" 0 'mode=2' k get configmap ssa -o 'jsonpath=mode={.data.mode}'
check "kubectl apply --server-side of a tinyimage" 0 'tinyimage.tinyimage.dev/ssa serverside-applied' k apply --server-side -f ti-ssa.yaml
check "namespace, serviceaccount and role" 0 'role.rbac.authorization.k8s.io/reader created' k apply -f rbac.yaml
token=$(k create token app -n demo --duration=20m 2>&1) || true
check "kubectl create token (TokenRequest) issues a jwt" 0 're:^eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$' printf '%s\n' "$token"
cp admin sa
check "kubeconfig with the serviceaccount's token" 0 'set' \
  "$kubectl" --kubeconfig sa config set-credentials "$(k config view -o 'jsonpath={.contexts[0].context.user}')" --token="$token"
check "serviceaccount refused a verb (403)" 1 \
  'Error from server (Forbidden): secrets is forbidden: User "system:serviceaccount:demo:app" cannot list resource "secrets" in API group "" in the namespace "demo"' \
  sa get secrets -n demo
check "kubectl auth can-i before the binding" 1 'no' sa auth can-i list configmaps -n demo
check "rolebinding" 0 'rolebinding.rbac.authorization.k8s.io/app-reader created' k apply -f binding.yaml
check "kubectl auth can-i after the binding" 0 'yes' sa auth can-i list configmaps -n demo
check "a configmap in the serviceaccount's namespace" 0 'configmap/granted created' k create configmap granted -n demo --from-literal=a=b
check "serviceaccount reads what it was granted" 0 'configmap/granted' sa get configmap granted -n demo -o name
check "kubectl auth can-i --list (SelfSubjectRulesReview)" 0 're:configmaps +\[\] +\[\] +\[get list\]' sa auth can-i --list -n demo
runtime_counters() { k get --raw /_emulator/runtime | python3 -c 'import json, sys; print(" ".join(json.load(sys.stdin)))'; }
check "runtime endpoint (its counters' names)" 0 'jitMilliseconds jitMethods allocatedBytes gcPauseMilliseconds collections' runtime_counters

if ! kill -0 "$emulator_pid" 2>/dev/null; then
  echo "FAIL the emulator exited during the checks:" >&2; cat emulator.log >&2; failures=$((failures + 1))
elif grep -qiE 'unhandled|exception' emulator.log; then
  echo "FAIL the emulator logged an exception:" >&2; cat emulator.log >&2; failures=$((failures + 1))
fi
if [ "$failures" -gt 0 ]; then
  echo "emulator-smoke: $failures check(s) failed for $binary" >&2
  exit 1
fi
echo "emulator-smoke: all checks passed for $binary"
