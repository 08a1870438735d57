#!/usr/bin/env python3
"""Writes the JSON that `cargo auditable` embeds (.dep-v0), from `cargo metadata` of a project.

Usage: auditable-json.py PROJECT_DIR > deps.json
Format (rust-secure-code/cargo-auditable, auditable-serde): {"packages":[{name, version, source,
[kind], [dependencies], [root]}]}, packages sorted by (name, version, source), dependency indices
sorted, `format` omitted (0), `kind` omitted for runtime. Only the normal dependencies of the root's
resolve graph are listed, as cargo-auditable does for a release build.
"""
import json
import subprocess
import sys

project = sys.argv[1]
meta = json.loads(subprocess.check_output(
    ["cargo", "metadata", "--offline", "--format-version", "1", "--manifest-path", f"{project}/Cargo.toml"]))
packages = {p["id"]: p for p in meta["packages"]}
nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}
root_id = meta["resolve"]["root"]


def source_of(pkg):
    src = pkg.get("source")
    if src is None:
        return "local"
    if src.startswith("registry+https://github.com/rust-lang/crates.io-index") or src.startswith("sparse+https://index.crates.io"):
        return "crates.io"
    if src.startswith("git+"):
        return "git"
    return "registry"


# Walk normal (non-dev, non-build) dependencies from the root.
reachable, stack = set(), [root_id]
while stack:
    pid = stack.pop()
    if pid in reachable:
        continue
    reachable.add(pid)
    for dep in nodes[pid].get("deps", []):
        if any(k.get("kind") is None for k in dep.get("dep_kinds", [])):
            stack.append(dep["pkg"])

ordered = sorted(reachable, key=lambda i: (packages[i]["name"], packages[i]["version"], source_of(packages[i])))
index = {pid: n for n, pid in enumerate(ordered)}
out = []
for pid in ordered:
    pkg = packages[pid]
    entry = {"name": pkg["name"], "version": pkg["version"], "source": source_of(pkg)}
    deps = sorted(index[d["pkg"]] for d in nodes[pid].get("deps", [])
                  if d["pkg"] in index and any(k.get("kind") is None for k in d.get("dep_kinds", [])))
    if deps:
        entry["dependencies"] = deps
    if pid == root_id:
        entry["root"] = True
    out.append(entry)
sys.stdout.write(json.dumps({"packages": out}, separators=(",", ":")))
