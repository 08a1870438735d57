#!/usr/bin/env python3
"""Where the NativeAOT binary's bytes go, per assembly (and per namespace within the largest), from ILC's map file.

    dotnet publish src/TinyImage.Operator -c Release -r linux-x64 -p:PublishAot=true -p:IlcGenerateMapFile=true
    bench/size-breakdown.py src/TinyImage.Operator/obj/Release/net10.0/linux-x64/native/tinyimage-operator.map.xml \
        [--binary PATH] [--namespaces N] [--top N] [--markdown]

The map lists every object node ILC emitted (method code, GC info, type structures, generic dictionaries, statics,
frozen strings, runtime tables) with its length and a mangled name that starts with the defining assembly
(`KubernetesClient_Aot_k8s_Models_V1Pod`, `S_P_CoreLib_System_...`). A node is counted twice over:

- by *owner*: the assembly its name starts with;
- by *cause*: a framework generic instantiated over a type of another assembly (`List<V1Pod>`, the JSON metadata
  `JsonPropertyInfo<V1Pod>`) is charged to the first non-framework assembly among its type arguments, since it exists
  only because that assembly's types are used.

Type structures and generic dictionaries are *dehydrated* (stored compressed, expanded at start): their map lengths
are their size in memory, not in the file. The file estimate scales them so they sum to the `DehydratedData` node.
What the map does not cover (the native runtime, ELF headers, symbol and relocation tables) is reported as the rest
of the binary when --binary is given.
"""
import argparse
import collections
import html
import os
import re
import sys

NODE = re.compile(r'<(\w+) Name="([^"]*)" Length="(\d+)"')
# Node kinds ILC dehydrates (DehydratableObjectNode: type structures and generic dictionaries).
DEHYDRATED = {"ConstructedEEType", "EEType", "ReflectionVisibleGenericDefinitionEEType",
              "ReflectionInvisibleGenericDefinitionEEType", "MetadataEEType", "GCStaticEEType",
              "TypeGenericDictionary", "MethodGenericDictionary"}
# Symbol prefixes ILC puts before the mangled type or method name.
PREFIXES = re.compile(r"^(?:__(?:writableData|GCSTATICS|NONGCSTATICS|GenericDict_|GenericInstance_|fataddresstakenpointer_|"
                      r"fatpointer_|readonlydata_|ehinfo_|InterfaceDispatchMap_|SealedVTable_|GetNonGCStaticBase_|"
                      r"GetGCStaticBase_|GetThreadStaticBase_|DelegateCtor_|unbox_|typedictionary_|"
                      r"ThreadStaticBase_|TypeThreadStaticIndex_)|unbox_|Boxed_|_ZTV\d+)+")
FRAMEWORK = ("S_P_", "System_", "Microsoft_Win32", "Internal_", "Boxed_")
ASSEMBLY_RULES = [
    # (mangled prefix, assembly) for what cannot be read off the name
    ("S_P_CoreLib_", "System.Private.CoreLib"),
    ("S_P_Reflection_Execution_", "System.Private.Reflection.Execution"),
    ("S_P_StackTraceMetadata_", "System.Private.StackTraceMetadata"),
    ("S_P_TypeLoader_", "System.Private.TypeLoader"),
    ("S_P_", "System.Private.*"),
    ("tinyimage_operator_", "tinyimage-operator (TinyImage.Operator)"),
    ("Internal_CompilerGenerated_", "(compiler-generated stubs)"),
]


def assemblies_from_rsp(rsp):
    """Mangled prefix -> assembly name, longest first, from the ILC response file's references."""
    names = set()
    if rsp and os.path.exists(rsp):
        for line in open(rsp, encoding="utf-8"):
            line = line.strip()
            if line.startswith("-r:"):
                names.add(os.path.splitext(os.path.basename(line[3:]))[0])
    mapping = [(n.replace(".", "_") + "_", n) for n in names]
    mapping += ASSEMBLY_RULES
    return sorted(mapping, key=lambda p: -len(p[0]))


def owner(name, mapping):
    for prefix, assembly in mapping:
        if name.startswith(prefix):
            return assembly, name[len(prefix):]
    return None, name


def cause(name, mapping, owning):
    """The first non-framework assembly among a framework generic's type arguments, else the owner."""
    if owning is None or not owning.startswith(("System.", "Microsoft.")) or "<" not in name:
        return owning
    for argument in re.split(r"[<>,]|__", name[name.index("<") + 1:]):
        argument = PREFIXES.sub("", argument.strip("_"))
        a, _ = owner(argument, mapping)
        if a and not a.startswith(("System.", "Microsoft.Extensions.", "(")):
            return a
    return owning


def namespace(rest, depth):
    """The first `depth` components of what follows the assembly prefix (types start with an upper-case letter)."""
    parts = re.split(r"_(?=[A-Z])", re.split(r"[<_]{2}|<", rest, maxsplit=1)[0])
    return ".".join(parts[:depth])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("map")
    parser.add_argument("--rsp", help="ILC response file (default: beside the map)")
    parser.add_argument("--binary", help="the published binary, to report what the map does not cover")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--namespaces", type=int, default=3, help="break down the N largest assemblies by namespace")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    rsp = args.rsp or re.sub(r"\.map\.xml$", ".ilc.rsp", args.map)
    mapping = assemblies_from_rsp(rsp)

    by_kind = collections.Counter()
    rows = []  # (kind, length, owner, cause, rest)
    with open(args.map, encoding="utf-8") as f:
        for line in f:
            m = NODE.search(line)
            if not m:
                continue
            kind, name, length = m.group(1), html.unescape(m.group(2)), int(m.group(3))
            by_kind[kind] += length
            stripped = PREFIXES.sub("", name)
            a, rest = owner(stripped, mapping)
            rows.append((kind, length, a, cause(stripped, mapping, a), rest))

    dehydrated_total = sum(l for k, l in by_kind.items() if k in DEHYDRATED)
    scale = by_kind.get("DehydratedData", 0) / dehydrated_total if dehydrated_total else 1.0

    def file_bytes(kind, length):
        if kind == "DehydratedData":
            return 0  # spread over the dehydrated nodes
        return length * scale if kind in DEHYDRATED else length

    own = collections.defaultdict(lambda: collections.Counter())
    caused = collections.Counter()
    spaces = collections.defaultdict(collections.Counter)
    for kind, length, a, c, rest in rows:
        key = a or "(runtime tables, metadata, unattributed)"
        fb = file_bytes(kind, length)
        own[key]["file"] += fb
        own[key]["code"] += length if kind in ("MethodCode", "GCInfo", "MethodExceptionHandlingInfo") else 0
        own[key]["methods"] += kind == "MethodCode"
        caused[c or key] += fb
        if a:
            spaces[a][namespace(rest, 3)] += fb

    mapped = sum(v["file"] for v in own.values())
    binary = os.path.getsize(args.binary) if args.binary else None
    out = sys.stdout

    def row(*cells):
        out.write(("| " + " | ".join(str(c) for c in cells) + " |\n") if args.markdown else ("  ".join(str(c) for c in cells) + "\n"))

    def mb(n):
        return f"{n / 1e6:,.2f}"

    total = binary or mapped
    row("assembly", "file bytes (est., MB)", "share", "incl. generics over its types (MB)", "method code + GC info (MB)", "methods")
    if args.markdown:
        out.write("|---|---|---|---|---|---|\n")
    ranked = sorted(own.items(), key=lambda kv: -kv[1]["file"])
    for assembly, v in ranked[: args.top]:
        row(assembly, mb(v["file"]), f"{100 * v['file'] / total:.1f} %", mb(caused[assembly]), mb(v["code"]), v["methods"])
    rest = ranked[args.top:]
    if rest:
        row(f"({len(rest)} more)", mb(sum(v["file"] for _, v in rest)), "", "", "", "")
    row("**mapped total**" if args.markdown else "mapped total", mb(mapped), "", "", "", "")
    if binary:
        row("native runtime, ELF headers and tables (binary − mapped)", mb(binary - mapped), f"{100 * (binary - mapped) / binary:.1f} %", "", "", "")
        row("**binary**" if args.markdown else "binary", mb(binary), "100 %", "", "", "")
    out.write("\n")
    for assembly, _ in ranked[: args.namespaces]:
        if assembly.startswith("("):
            continue
        out.write(f"{assembly} by namespace (MB): " + ", ".join(
            f"{ns or '(global)'} {mb(b)}" for ns, b in spaces[assembly].most_common(8)) + "\n\n")
    out.write("largest node kinds (map bytes, MB): " + ", ".join(f"{k} {mb(v)}" for k, v in by_kind.most_common(8)) + "\n")


if __name__ == "__main__":
    main()
