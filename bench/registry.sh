# shellcheck shell=bash
# Sourced by bench/run.sh and bench/verify-ab.sh.
# start_bench_registry WORK: starts a plain-HTTP docker-registry on a free loopback port with its storage under
# WORK/registry, waits until it answers, and sets registry_pid and registry (HOST:PORT). The caller stops registry_pid.
start_bench_registry() {
  local work=$1 port
  command -v docker-registry >/dev/null || { echo "bench: docker-registry missing (scripts/install-tools.sh)" >&2; exit 1; }
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  rm -rf "$work/registry"; mkdir -p "$work/registry"
  cat > "$work/registry/config.yml" <<YAML
version: 0.1
log: {level: warn, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $work/registry/data}, delete: {enabled: true}}
http: {addr: 127.0.0.1:$port, secret: bench}
YAML
  docker-registry serve "$work/registry/config.yml" > "$work/registry/log" 2>&1 &
  registry_pid=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/v2/" >/dev/null && break; sleep 0.1; done
  registry="127.0.0.1:$port"
}
