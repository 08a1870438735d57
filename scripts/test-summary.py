#!/usr/bin/env python3
"""Reads the .trx files of a test run and prints skipped tests with their reasons, failed tests,
and a final line `N passed, N failed, N skipped` (the line CI reads). Exit 1 when anything failed
or no test ran."""
import glob
import sys
import xml.etree.ElementTree as ET

ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
results_dir = sys.argv[1] if len(sys.argv) > 1 else "TestResults"
passed = failed = skipped = 0
skips, failures = [], []
for trx in sorted(glob.glob(f"{results_dir}/**/*.trx", recursive=True)):
    root = ET.parse(trx).getroot()
    for r in root.iterfind(".//t:UnitTestResult", ns):
        outcome, name = r.get("outcome"), r.get("testName")
        if outcome == "Passed":
            passed += 1
        elif outcome == "NotExecuted":
            skipped += 1
            msg = r.find(".//t:Output/t:ErrorInfo/t:Message", ns)
            text = r.find(".//t:Output/t:StdOut", ns)
            reason = (msg.text if msg is not None and msg.text else (text.text if text is not None else "")) or "(no reason recorded)"
            skips.append(f"  SKIPPED {name}: {reason.strip()}")
        else:
            failed += 1
            msg = r.find(".//t:Output/t:ErrorInfo/t:Message", ns)
            failures.append(f"  FAILED {name}: {(msg.text or '').strip()[:500] if msg is not None else outcome}")
if skips:
    print("Skipped tests and why:")
    print("\n".join(skips))
if failures:
    print("Failed tests:")
    print("\n".join(failures))
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed or passed == 0 else 0)
