#!/usr/bin/env python3
"""`kleym-fn inspect -o json`: its shape (docs/inspect.md; every document is
validated against docs/inspect.schema.json, or --by workload ones against
docs/inspect-workloads.schema.json), and that inspect
and the function never disagree. For every golden case (tests/cases) that
the function reads, run both with the same arguments and environment, and
compare: exit status, error and warning counts, which bindings render, and
every result about a binding (reason and message). Also checks the shape
of the JSON of every example. Prints one line per problem and a summary.

Usage: inspect_json.py BINARY [--examples-only]   (BINARY may carry a runner)
"""
import glob
import json
import os
import shlex
import subprocess
import sys

import jsonschema
import yaml

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
problems = []
compared = [0]  # bindings compared with the function's results
validated = [0]  # JSON documents validated against the schema
with open(os.path.join(root, "docs", "inspect.schema.json")) as f:
    schema = json.load(f)
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
with open(os.path.join(root, "docs", "inspect-workloads.schema.json")) as f:
    workloads_schema = json.load(f)
jsonschema.Draft202012Validator.check_schema(workloads_schema)
workloads_validator = jsonschema.Draft202012Validator(workloads_schema)


def run(argv, stdin_path, env_lines=()):
    env = {k: v for k, v in os.environ.items()
           if k not in ("KLEYM_TRUST_DOMAIN", "KLEYM_CLUSTERSPIFFEID_CLASS_NAME")}
    for line in env_lines:
        if "=" in line:
            k, v = line.split("=", 1)
            env[k] = v
    with open(stdin_path, "rb") as fin:
        p = subprocess.run(argv, stdin=fin, capture_output=True, env=env, cwd=root)
    return p.returncode, p.stdout, p.stderr


def need(cond, what):
    if not cond:
        problems.append(what)
    return cond


def check_shape(doc, where):
    """The documented shape: the JSON Schema, then required keys and their
    types."""
    validated[0] += 1
    for e in sorted(validator.iter_errors(doc), key=lambda e: list(e.path))[:3]:
        problems.append(f"{where}: schema: /{'/'.join(map(str, e.path))}: {e.message[:200]}")
    if not need(isinstance(doc, dict), f"{where}: not an object"):
        return
    for key, typ in (("kleymFn", str), ("source", str), ("summary", dict),
                     ("bindings", list), ("otherFindings", list)):
        need(isinstance(doc.get(key), typ), f"{where}: {key} is not a {typ.__name__}")
    s = doc.get("summary", {})
    for key in ("found", "bindings", "workloadFindings", "spireFindings"):
        need(isinstance(s.get(key), dict), f"{where}: summary.{key}")
    for key in ("errors", "warnings"):
        need(isinstance(s.get(key), int), f"{where}: summary.{key}")
    b = s.get("bindings", {})
    for key in ("total", "Ready", "InvalidRef", "UnsafeSelector", "RenderFailure", "Conflict"):
        need(isinstance(b.get(key), int), f"{where}: summary.bindings.{key}")
    for bd in doc.get("bindings", []):
        name = f"{where}: binding {bd.get('namespace')}/{bd.get('name')}"
        for key, typ in (("namespace", str), ("name", str), ("dialect", str),
                         ("status", str), ("ready", bool), ("findings", list)):
            need(isinstance(bd.get(key), typ), f"{name}: {key}")
        need(bd.get("dialect") in ("Kleym 0.7", "Kleym 0.12"), f"{name}: dialect")
        if bd.get("ready"):
            need(bd.get("status") == "Ready", f"{name}: ready but status {bd.get('status')}")
            for key, typ in (("spiffeID", str), ("clusterSPIFFEID", str),
                             ("selectors", list), ("receivedBy", list)):
                need(isinstance(bd.get(key), typ), f"{name}: {key}")
            for r in bd.get("receivedBy", []):
                for key in ("kind", "namespace", "name"):
                    need(isinstance(r.get(key), str), f"{name}: receivedBy.{key}")
                need(isinstance(r.get("containers"), list), f"{name}: receivedBy.containers")
        for f in bd.get("findings", []):
            for key in ("severity", "condition", "reason", "message", "location"):
                need(isinstance(f.get(key), str), f"{name}: findings.{key}")
    for f in doc.get("otherFindings", []):
        need(isinstance(f.get("resource"), dict), f"{where}: otherFindings.resource")


def check_workloads_shape(doc, where):
    """--by workload: every workload, container and identity (docs/inspect.md):
    the JSON Schema, then required keys and their types."""
    validated[0] += 1
    for e in sorted(workloads_validator.iter_errors(doc), key=lambda e: list(e.path))[:3]:
        problems.append(f"{where}: schema: /{'/'.join(map(str, e.path))}: {e.message[:200]}")
    if not need(isinstance(doc, dict) and isinstance(doc.get("workloads"), list),
                f"{where}: no workloads list"):
        return
    need(isinstance(doc.get("workloadsRead"), bool), f"{where}: workloadsRead")
    for w in doc["workloads"]:
        for key, typ in (("kind", str), ("namespace", str), ("name", str),
                         ("readable", bool), ("serviceAccount", str), ("containers", list)):
            need(isinstance(w.get(key), typ), f"{where}: workload {key}")
        for c in w.get("containers", []):
            need(isinstance(c.get("name"), str) and isinstance(c.get("identities"), list),
                 f"{where}: container")
            for i in c.get("identities", []):
                need(i.get("source") in ("kleym-fn", "foreign") and
                     isinstance(i.get("spiffeID"), str) and isinstance(i.get("issued"), bool),
                     f"{where}: identity")


def function_view(out):
    """Per binding (ns, name): rendered?, and its non-info results."""
    try:
        rl = yaml.safe_load(out)
    except yaml.YAMLError:
        return None
    if not isinstance(rl, dict) or rl.get("kind") != "ResourceList":
        return None
    view = {}
    for r in rl.get("results") or []:
        ref = r.get("resourceRef") or {}
        if ref.get("kind") != "InferenceIdentityBinding":
            continue
        key = (ref.get("namespace", ""), ref.get("name", ""))
        v = view.setdefault(key, {"rendered": False, "results": []})
        tags = r.get("tags") or {}
        if tags.get("reason") == "Rendered":
            v["rendered"] = True
        else:
            v["results"].append((r["severity"], tags.get("reason"), r["message"]))
    return view


def compare_case(binary, case):
    inp = os.path.join(case, "input.yaml")
    if not os.path.exists(inp):
        inp = os.path.join(case, "input.json")
    args = shlex.split(open(os.path.join(case, "args")).read()) \
        if os.path.exists(os.path.join(case, "args")) else []
    env = open(os.path.join(case, "env")).read().splitlines() \
        if os.path.exists(os.path.join(case, "env")) else []
    fcode, fout, _ = run(binary + args, inp, env)
    icode, iout, ierr = run(binary + ["inspect", "-o", "json"] + args, inp, env)
    name = os.path.basename(case)
    if not fout and fcode != 0:  # fatal input: inspect too
        need(icode == fcode and not iout, f"{name}: fatal for the function, inspect exit "
             f"{icode} with {len(iout)} bytes")
        return
    need(icode == fcode, f"{name}: function exit {fcode}, inspect exit {icode}")
    try:
        doc = json.loads(iout)
    except ValueError as e:
        problems.append(f"{name}: inspect JSON does not parse: {e}")
        return
    check_shape(doc, name)
    view = function_view(fout)
    if view is None:
        return  # a stream (results on stderr), or YAML PyYAML cannot read
    s = doc["summary"]
    errors = sum(1 for v in view.values() for r in v["results"] if r[0] == "error")
    for bd in doc["bindings"]:
        key = (bd["namespace"], bd["name"])
        v = view.get(key, {"rendered": False, "results": []})
        compared[0] += 1
        need(bd["ready"] == v["rendered"], f"{name}: {key}: ready {bd['ready']}, "
             f"function rendered {v['rendered']}")
        mine = sorted((f["severity"], f["reason"], f["message"]) for f in bd["findings"])
        if len([b for b in doc["bindings"] if (b["namespace"], b["name"]) == key]) == 1:
            need(mine == sorted(v["results"]), f"{name}: {key}: findings differ")
    need(s["bindings"]["total"] == len(doc["bindings"]), f"{name}: total")
    need(s["errors"] >= errors, f"{name}: errors {s['errors']} < the bindings' {errors}")


def main():
    binary = shlex.split(sys.argv[1])
    cases = sorted(glob.glob(os.path.join(root, "tests", "cases", "*")))
    if "--examples-only" in sys.argv[2:]:
        cases = []
    for case in cases:
        compare_case(binary, case)
    # An example's sources: flux/source and argocd-cmp/app sit beside
    # their rendered output, which would be the same objects twice.
    examples = []
    for d in sorted(glob.glob(os.path.join(root, "examples", "*"))):
        for sub in ("source", "app"):
            if os.path.isdir(os.path.join(d, sub)):
                d = os.path.join(d, sub)
        if os.path.isdir(d):
            examples.append(d)
    for ex in examples:
        # A kustomize directory is refused (it is not its files); these
        # examples' kustomizations list every file, so name the files.
        names = [os.path.relpath(ex, root)]
        if glob.glob(os.path.join(ex, "**", "kustomization.yaml"), recursive=True):
            names = sorted(os.path.relpath(f, root)
                           for f in glob.glob(os.path.join(ex, "**", "*.yaml"), recursive=True)
                           if os.path.basename(f) not in ("kustomization.yaml",
                                                          "expected-manifests.yaml"))
        code, out, err = run(binary + ["inspect", "-o", "json"] + names, os.devnull)
        try:
            doc = json.loads(out)
            check_shape(doc, os.path.basename(ex))
            # every other example is clean; spire-chart shows a SPIRE finding
            if "errors" not in ex and not ex.endswith("spire-chart"):
                s = doc["summary"]
                need(s["errors"] == 0 and s["warnings"] == 0 and
                     all(b["ready"] and b["receivedBy"] for b in doc["bindings"]),
                     f"{os.path.basename(ex)}: not every binding renders and is received, "
                     f"or errors/warnings")
            code, out, err = run(binary + ["inspect", "--by", "workload", "-o", "json"]
                                 + names, os.devnull)
            check_workloads_shape(json.loads(out), os.path.basename(ex) + " --by workload")
        except ValueError:
            problems.append(f"{os.path.basename(ex)}: inspect JSON does not parse "
                            f"(exit {code}: {err[:200]!r})")
    # The committed JSON of tests/inspect/cases, against the schema too.
    for case in sorted(glob.glob(os.path.join(here, "inspect", "cases", "*"))):
        out = os.path.join(case, "expected.out")
        args = shlex.split(open(os.path.join(case, "args")).read())
        json_out = any(a in ("--output=json", "-ojson") or
                       (a in ("-o", "--output") and args[i + 1:i + 2] == ["json"])
                       for i, a in enumerate(args))
        by_workload = any(a == "--by=workload" or
                          (a == "--by" and args[i + 1:i + 2] == ["workload"])
                          for i, a in enumerate(args))
        if json_out and os.path.getsize(out):
            try:
                check = check_workloads_shape if by_workload else check_shape
                check(json.load(open(out)), "inspect case " + os.path.basename(case))
            except ValueError as e:
                problems.append(f"inspect case {os.path.basename(case)}: not JSON: {e}")
    for p in problems:
        print("inspect-json:", p)
    print(f"inspect-json: {len(cases)} golden cases ({compared[0]} bindings compared"
          f" with the function) and {len(examples)} examples, {validated[0]} JSON documents"
          f" valid against docs/inspect.schema.json or docs/inspect-workloads.schema.json,"
          f" {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
