#!/usr/bin/env python3
"""Hostile input: each case asserts no crash, bounded time and memory, and
the right outcome. Then a property check over every golden and hostile case
that produced output: every input item the function does not own appears in
the output byte for byte.

Owned here means what the function may edit: ClusterSPIFFEIDs it manages
(dropped), and InferenceIdentityBindings (the local-config annotation line;
with `bindings: keep` they are checked too). The items of the input are
located with PyYAML's marks; inputs PyYAML cannot read are skipped by the
property check and counted as such.

Usage: tests/hostile.py path/to/kleym-fn [--no-rss]
Closes with "hostile: N passed, N failed".
"""
import os
import re
import subprocess
import sys
import tempfile
import time

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
TIME_LIMIT = 60       # seconds, generous for sanitizer builds
RUNNER = os.environ.get("RUNNER", "").split()

RL_HEAD = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n"
FC = ("functionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n"
      "  metadata: {name: kleym}\n  data: {trustDomain: example.org}\n")
POOL = ("- apiVersion: inference.networking.k8s.io/v1\n  kind: InferencePool\n"
        "  metadata: {name: qwen3, namespace: llm-d}\n"
        "  spec:\n    selector:\n      matchLabels: {app: qwen3}\n")


def binding(name, extra=""):
    return ("- apiVersion: kleym.sonda.red/v1alpha1\n"
            "  kind: InferenceIdentityBinding\n"
            f"  metadata: {{name: {name}, namespace: llm-d}}\n"
            "  spec:\n    poolRef: {name: qwen3}\n"
            "    serviceAccountName: qwen3\n    mode: PoolOnly\n" + extra)


def alias_bomb():
    lines = ["- apiVersion: v1", "  kind: ConfigMap",
             "  metadata: {name: lol, namespace: llm-d}", "  data:",
             '    a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        refs = ",".join([f"*a{i - 1}"] * 9)
        lines.append(f"    a{i}: &a{i} [{refs}]")
    return RL_HEAD + POOL + "\n".join(lines) + "\n" + binding("qwen3") + FC


def colliding(n):
    out = [RL_HEAD, POOL,
           "- apiVersion: inference.networking.x-k8s.io/v1alpha2\n"
           "  kind: InferenceObjective\n"
           "  metadata: {name: chat, namespace: llm-d}\n"
           "  spec:\n    poolRef: {name: qwen3}\n"]
    for i in range(n):
        out.append("- apiVersion: kleym.sonda.red/v1alpha1\n"
                   "  kind: InferenceIdentityBinding\n"
                   f"  metadata: {{name: b-{i:05d}, namespace: llm-d}}\n"
                   "  spec:\n    poolRef: {name: qwen3}\n"
                   "    objectiveRef: {name: chat}\n"
                   "    serviceAccountName: shared\n    containerName: srv\n")
    out.append(FC)
    return "".join(out)


def generated(kind, n):
    """A worst case written by bench/gen-collisions.py (the inputs that once
    made a step quadratic: the peak RSS check catches the ones whose cost
    was memory; make bench shows how each scales)."""
    script = os.path.join(HERE, "..", "bench", "gen-collisions.py")
    return subprocess.run([sys.executable, script, "--kind", kind, "--bindings",
                           str(n)], stdout=subprocess.PIPE, check=True).stdout


def long_span_then_edits(n):
    """A List of 1.3 MB (copied in steps of 1 MiB, so several of the
    writer's pieces), then n bindings at varied indentation, each given
    the local-config annotation: many edits with texts that differ."""
    out = [RL_HEAD, "- apiVersion: v1\n  kind: List\n  items:\n"]
    for i in range(12000):
        out.append(f"  - {{apiVersion: v1, kind: ConfigMap, metadata: {{name: c{i}, "
                   f"namespace: other}}, data: {{k: v{i}{'x' * 40}}}}}\n")
    out.append(POOL)
    for i in range(n):
        pad = " " * (1 + i % 7)
        out.append(f"-{pad}apiVersion: kleym.sonda.red/v1alpha1\n"
                   f" {pad}kind: InferenceIdentityBinding\n"
                   f" {pad}metadata:\n {pad}  name: b-{i}\n {pad}  namespace: llm-d\n"
                   f" {pad}spec:\n {pad}  poolRef: {{name: qwen3}}\n"
                   f" {pad}  serviceAccountName: sa-{i}\n {pad}  mode: PoolOnly\n")
    out.append(FC)
    return "".join(out).encode()


# name -> (input bytes, expected exit, stdout: "list"|"empty", stderr regex)
def cases():
    big = "x" * (64 * 1024 * 1024)
    yield ("alias-bomb-passed-through", alias_bomb().encode(), 0, "list", "")
    yield ("flow-nesting-100000", (RL_HEAD + "- " + "[" * 100000 + "]" * 100000
                                   + "\n").encode(), 1, "empty",
           r"nesting deeper than 1000")
    yield ("scalar-64MB", (RL_HEAD + POOL + "- apiVersion: v1\n  kind: ConfigMap\n"
                           "  metadata: {name: big, namespace: llm-d}\n"
                           f"  data: {{blob: {big}}}\n" + binding("qwen3") + FC
                           ).encode(), 0, "list", "")
    yield ("invalid-utf8", (RL_HEAD + POOL).encode() + b"- note: caf\xc3\x28\n",
           1, "empty", r"<stdin>:10:\d+: input is not valid UTF-8")
    yield ("nul-byte", (RL_HEAD + POOL).encode() + b"- a: b\x00c\n", 1, "empty",
           r"<stdin>:10:\d+: NUL byte")
    yield ("lone-cr", (RL_HEAD + POOL).encode() + b"- a: b\rc: d\n", 1, "empty",
           r"<stdin>:10:7: a carriage return without a line feed")
    yield ("bom", b"\xef\xbb\xbf" + (RL_HEAD + POOL + binding("qwen3") + FC).encode(),
           0, "list", "")
    yield ("crlf", (RL_HEAD + POOL + binding("qwen3") + FC).replace("\n", "\r\n")
           .encode(), 0, "list", "")
    yield ("tab-indentation", (RL_HEAD + POOL + binding("qwen3") + FC)
           .replace("  kind: InferencePool", "\tkind: InferencePool").encode(),
           1, "empty", r"<stdin>:\d+:\d+: invalid YAML")
    yield ("items-empty-sequence", (RL_HEAD.replace("items:\n", "items: []\n") + FC)
           .encode(), 0, "list", "")
    yield ("items-no-value", (RL_HEAD + FC).encode(), 0, "list", "")
    yield ("items-missing", (RL_HEAD.replace("items:\n", "") + FC).encode(),
           0, "list", "")
    yield ("item-is-scalar", (RL_HEAD + POOL + "- just a string\n").encode(), 1,
           "empty", r"<stdin>:10:3: an item of ResourceList.items is not a mapping")
    yield ("typed-and-aliased-names", (RL_HEAD + POOL +
           "- apiVersion: kleym.sonda.red/v1alpha1\n  kind: InferenceIdentityBinding\n"
           "  metadata: {name: 123, namespace: llm-d}\n"
           "  spec: {poolRef: {name: qwen3}, serviceAccountName: yes, mode: PoolOnly}\n"
           "- apiVersion: kleym.sonda.red/v1alpha1\n  kind: InferenceIdentityBinding\n"
           "  metadata: {name: &n b, namespace: llm-d}\n"
           "  spec: {poolRef: {name: *n}, serviceAccountName: !!str sa, mode: PoolOnly}\n"
           + FC).encode(), 1, "list", r"error: .*(quote|alias|tag)")
    yield ("duplicate-keys", (RL_HEAD + POOL +
           "- apiVersion: kleym.sonda.red/v1alpha1\n  kind: InferenceIdentityBinding\n"
           "  metadata: {name: d, namespace: llm-d}\n"
           "  spec: {poolRef: {name: qwen3}, serviceAccountName: a, "
           "serviceAccountName: b, mode: PoolOnly}\n" + FC).encode(), 1, "list",
           r"given twice")
    yield ("duplicate-objects", (RL_HEAD + POOL + POOL + binding("qwen3") + FC)
           .encode(), 1, "list", r"DuplicateObject")
    yield ("colliding-20000", colliding(20000).encode(), 1, "list",
           r"IdentityCollision")
    yield ("wide-template-2000", generated("wide-template", 2000), 0, "list", "")
    yield ("variant-runs-2000", generated("variant-runs", 2000), 1, "list",
           r"VariantConflict: .* with crowd/on-p ")
    yield ("duplicate-pools-2000", generated("duplicate-pools", 2000), 1, "list",
           r"InferencePool crowd/shared is defined 2000 times")
    yield ("config-keys-2000", generated("config-keys", 2000), 0, "list", "")


def run(binary, data, stdout=subprocess.PIPE, rss=True):
    argv = RUNNER + [binary]
    if rss and not RUNNER:
        argv = ["/usr/bin/time", "-f", "%M"] + argv
    t0 = time.monotonic()
    p = subprocess.run(argv, input=data, stdout=stdout, stderr=subprocess.PIPE,
                       timeout=TIME_LIMIT, env={"PATH": os.environ["PATH"]})
    wall = time.monotonic() - t0
    err = p.stderr.decode("utf-8", "replace")
    peak = None
    if rss and not RUNNER:
        lines = err.rstrip("\n").split("\n")
        peak = int(lines[-1])
        err = "\n".join(l for l in lines[:-1]
                        if not l.startswith(("Command exited with non-zero status",
                                             "Command terminated by signal")))
    return p.returncode, p.stdout, err, wall, peak


def item_spans(text):
    """(start, end, kind, owned) of every item of a ResourceList or stream,
    from PyYAML's marks; None when PyYAML cannot read the text."""
    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        docs = list(yaml.compose_all(text, Loader=loader))
    except yaml.YAMLError:
        return None
    nodes = []
    for d in docs:
        if not isinstance(d, yaml.MappingNode):
            continue
        keys = {k.value: v for k, v in d.value if isinstance(k, yaml.ScalarNode)}
        kind = keys.get("kind")
        if kind is not None and getattr(kind, "value", None) == "ResourceList":
            seq = keys.get("items")
            if isinstance(seq, yaml.SequenceNode):
                nodes.extend(seq.value)
        else:
            nodes.append(d)
    spans = []
    for n in nodes:
        if not isinstance(n, yaml.MappingNode):
            continue
        fields = {k.value: v for k, v in n.value if isinstance(k, yaml.ScalarNode)}
        kind = getattr(fields.get("kind"), "value", "")
        meta = fields.get("metadata")
        labels = {}
        if isinstance(meta, yaml.MappingNode):
            for k, v in meta.value:
                if getattr(k, "value", None) == "labels" and isinstance(v, yaml.MappingNode):
                    labels = {a.value: getattr(b, "value", None) for a, b in v.value}
        owned = (kind == "ClusterSPIFFEID" and
                 labels.get("kleym.sonda.red/managed-by") == "kleym")
        spans.append((n.start_mark.index, n.end_mark.index, kind, owned))
    return spans


def keeps_items(inp, out, keep_bindings):
    """Every unowned item's text appears in the output. Returns the list of
    problems, or None when the input cannot be located with PyYAML."""
    try:
        text = inp.decode("utf-8")
        outtext = out.decode("utf-8")
    except UnicodeDecodeError:
        return None
    spans = item_spans(text)
    if spans is None:
        return None
    problems = []
    for start, end, kind, owned in spans:
        if owned or (kind == "InferenceIdentityBinding" and not keep_bindings):
            continue
        chunk = text[start:end].rstrip()
        if chunk and chunk not in outtext:
            problems.append(f"item {kind or '?'} at char {start} is not in the output")
    return problems


def main():
    binary = sys.argv[1]
    check_rss = "--no-rss" not in sys.argv
    passed = failed = skipped = 0

    def verdict(name, problems):
        nonlocal passed, failed
        if problems:
            failed += 1
            print(f"FAIL hostile/{name}: " + "; ".join(problems))
        else:
            passed += 1

    outputs = []  # (name, input, output, keep_bindings)
    for name, data, want_rc, want_out, want_err in cases():
        problems = []
        try:
            rc, out, err, wall, peak = run(binary, data, rss=check_rss)
        except subprocess.TimeoutExpired:
            verdict(name, [f"did not finish in {TIME_LIMIT}s"])
            continue
        if rc != want_rc:
            problems.append(f"exit {rc}, want {want_rc}")
        if rc < 0 or rc > 2:
            problems.append("crashed")
        if want_out == "empty" and out:
            problems.append(f"wrote {len(out)} bytes on fatal input")
        if want_out == "list" and not out:
            problems.append("wrote nothing")
        if want_err and not re.search(want_err, err):
            problems.append(f"stderr lacks /{want_err}/: {err[:200]!r}")
        if peak is not None and peak * 1024 > 3 * len(data) + 64 * 1024 * 1024:
            problems.append(f"peak RSS {peak} KiB for {len(data)} input bytes")
        if out:
            rc2, out2, _, _, _ = run(binary, out, rss=False)
            if out2 != out:
                problems.append("not idempotent")
            outputs.append((name, data, out, False))
        verdict(name, problems)

    # A closed or full stdout: a non-zero exit and a message, never a hang.
    data = (RL_HEAD + POOL + binding("qwen3") + FC).encode()
    with open("/dev/full", "wb") as full:
        rc, _, err, _, _ = run(binary, data, stdout=full, rss=False)
    verdict("stdout-dev-full", [] if rc != 0 and "writing the output failed" in err
            else [f"exit {rc}, stderr {err!r}"])
    r, w = os.pipe()
    os.close(r)
    try:
        with os.fdopen(w, "wb") as closed:
            rc, _, err, _, _ = run(binary, data * 2000, stdout=closed, rss=False)
        verdict("stdout-closed-pipe", [] if rc != 0 else [f"exit {rc}"])
    except BrokenPipeError:
        verdict("stdout-closed-pipe", ["the test itself broke"])

    # Edits after a span over 1 MiB: every edit's text arrives whole
    # (write_out.c once wrote later edits' text over an earlier one's when
    # a text piece found the pieces full).
    n = 600
    rc, out, err, _, _ = run(binary, long_span_then_edits(n), rss=False)
    try:
        items = (yaml.safe_load(out) or {}).get("items") or []
        marked = sum(1 for it in items if isinstance(it, dict)
                     and it.get("kind") == "InferenceIdentityBinding"
                     and ((it.get("metadata") or {}).get("annotations") or {})
                     .get("config.kubernetes.io/local-config") == "true")
        problems = [] if marked == n else [f"{marked} of {n} bindings annotated"]
    except yaml.YAMLError as e:
        problems = [f"the output is not YAML: {str(e)[:200]}"]
    verdict("edits-after-long-span", problems)

    # The property over the golden cases as well.
    cases_dir = os.path.join(HERE, "cases")
    for name in sorted(os.listdir(cases_dir)):
        d = os.path.join(cases_dir, name)
        src = next((os.path.join(d, f) for f in ("input.yaml", "input.json")
                    if os.path.exists(os.path.join(d, f))), None)
        exp = os.path.join(d, "expected.out")
        if not src or not os.path.exists(exp) or os.path.getsize(exp) == 0:
            continue
        if os.path.exists(os.path.join(d, "items-kept-skip")):
            skipped += 1  # PyYAML reads its items otherwise; the file says how
            continue
        with open(src, "rb") as f, open(exp, "rb") as g:
            inp, out = f.read(), g.read()
        keep = b"bindings: keep" in inp or b'"bindings": "keep"' in inp
        outputs.append(("golden/" + name, inp, out, keep))

    for name, inp, out, keep in outputs:
        problems = keeps_items(inp, out, keep)
        if problems is None:
            skipped += 1
            continue
        verdict("items-kept/" + name, problems)

    print(f"hostile: item check skipped for {skipped} outputs PyYAML cannot read")
    print(f"hostile: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
