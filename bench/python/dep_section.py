#!/usr/bin/env python3
"""Baseline for the benchmarks: a plain ELF64 little-endian section reader that finds .dep-v0, inflates it
(zlib) and parses the JSON. Prints {"packages": N, "seconds": T}, T being the time inside the script."""
import json
import struct
import sys
import time
import zlib


def dep_v0(path):
    with open(path, "rb") as f:
        ident = f.read(64)
        if ident[:4] != b"\x7fELF" or ident[4] != 2 or ident[5] != 1:
            raise ValueError("not an ELF64 little-endian file")
        shoff, = struct.unpack_from("<Q", ident, 0x28)
        shentsize, shnum, shstrndx = struct.unpack_from("<HHH", ident, 0x3A)
        f.seek(shoff)
        table = f.read(shentsize * shnum)
        headers = [struct.unpack_from("<IIQQQQIIQQ", table, i * shentsize) for i in range(shnum)]
        _, _, _, _, str_off, str_size, _, _, _, _ = headers[shstrndx]
        f.seek(str_off)
        names = f.read(str_size)
        for name, _, _, _, offset, size, _, _, _, _ in headers:
            end = names.index(b"\0", name)
            if names[name:end] == b".dep-v0":
                f.seek(offset)
                return f.read(size)
    return None


def main():
    start = time.perf_counter()
    section = dep_v0(sys.argv[1])
    if section is None:
        print(json.dumps({"packages": None, "seconds": time.perf_counter() - start}))
        return 1
    data = json.loads(zlib.decompressobj().decompress(section, 8 * 1024 * 1024))
    elapsed = time.perf_counter() - start
    print(json.dumps({"packages": len(data["packages"]), "seconds": elapsed}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
