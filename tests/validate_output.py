#!/usr/bin/env python3
"""Validate every ClusterSPIFFEID in the golden outputs (and any file given)
against the real upstream CRD schema in ../shared/crds, and check that the
output is well-formed YAML (or JSON for JSON cases). Prints a counted
summary line."""
import glob, json, os, sys
import yaml, jsonschema

here = os.path.dirname(os.path.abspath(__file__))
shared = os.environ.get("KLEYM_SHARED", os.path.join(here, "..", "..", "shared"))
crd_path = os.path.join(shared, "crds", "spire.spiffe.io_clusterspiffeids.yaml")

def schema():
    with open(crd_path) as f:
        crd = yaml.safe_load(f)
    for v in crd["spec"]["versions"]:
        if v["name"] == "v1alpha1":
            return v["schema"]["openAPIV3Schema"]
    raise SystemExit("no v1alpha1 in " + crd_path)

def documents(path):
    with open(path, "rb") as f:
        data = f.read()
    if not data.strip():
        return []
    if path.endswith(".json") or data.lstrip()[:1] == b"{":
        try:
            return [json.loads(data)]
        except ValueError:
            pass  # YAML flow style that is not JSON
    return [d for d in yaml.safe_load_all(data) if d is not None]

def items_of(doc):
    if isinstance(doc, dict) and doc.get("kind") == "ResourceList":
        return doc.get("items") or []
    return [doc]

def main():
    files = sys.argv[1:] or sorted(glob.glob(os.path.join(here, "cases", "*", "expected.out")))
    s = schema()
    passed = failed = checked = 0
    skipped = 0
    for path in files:
        # A case whose input only a YAML 1.2 reader such as libfyaml takes
        # (PyYAML is YAML 1.1) says so, and why, in a file named pyyaml-skip.
        if os.path.exists(os.path.join(os.path.dirname(path), "pyyaml-skip")):
            skipped += 1
            continue
        try:
            for doc in documents(path):
                for item in items_of(doc):
                    if isinstance(item, dict) and item.get("kind") == "ClusterSPIFFEID":
                        jsonschema.validate(item, s)
                        checked += 1
                        spec = item.get("spec", {})
                        for k, v in (spec.get("podSelector", {}).get("matchLabels") or {}).items():
                            assert isinstance(v, str), f"label {k} is not a string"
                        for t in spec.get("workloadSelectorTemplates", []):
                            assert isinstance(t, str) and "{{" not in t
            passed += 1
        except Exception as e:  # noqa: BLE001 - report any failure
            failed += 1
            print(f"FAIL schema/{os.path.relpath(path, here)}: {e}")
    print(f"schema: {checked} ClusterSPIFFEIDs checked, {skipped} outputs skipped (pyyaml-skip)")
    print(f"schema: {passed} passed, {failed} failed")
    return 1 if failed else 0

if __name__ == "__main__":
    sys.exit(main())
