#!/usr/bin/env python3
"""The two-thread read is invisible: every input, read on one thread and on
two, gives the same stdout, stderr and exit status, byte for byte.

Each input runs once with KLEYM_FN_READ=serial, then once with
KLEYM_FN_READ=split@OFFSET for the offset of every line start of the input
(split@B cuts at the first item boundary at or after byte B, whatever the
input's size). KLEYM_FN_READ_TRACE=1 is set on every run: its one stderr
line ("kleym-fn: read: ...") says which read ran; it is counted, checked
and taken out of stderr before stderr is compared. A cut the trace names
must be a line start at or after the byte asked for, where an item's `-`
stands.

The inputs, in families:
  golden    every tests/cases/<name>/input.*, with the case's args and env;
  examples  `kpt fn source` of every examples/<name>/, through the function
            (with the trust domain and class name of `make demo`) and
            through `kleym-fn inspect` on stdin (configured by the
            Kptfile item);
  packages  `kpt fn source` of every tests/packages/<name>/ with its
            kleym-fn.yaml as functionConfig (the function's run is the
            golden pkg-<name> case), through inspect on stdin, by binding
            and by workload;
  inspect   every tests/inspect/cases/<name>/ with its args, in the scratch
            root tests/inspect-root.sh makes. Where stdin is a file, its
            every line start; where inspect reads files it names (a stream
            of their documents this script does not rebuild), every cut
            the read makes, walked: split@1, then split@(last cut + 1),
            until no item is left to cut at.
A family none of whose runs took two threads fails: the test would be
vacuous. An input with more than --max-cuts line starts is cut at a
deterministic sample of them (the first and last 50, and evenly spread
others), and the output says so.

A pass is one input whose every run agrees with its serial run; the
families' two-thread checks count too. Closes with
"split: N passed, N failed".

Usage: tests/read_split.py BINARY [--jobs 2] [--max-cuts 600]
                           [--family golden,examples,packages,inspect]
tests/split_hazards.py uses the same machinery on generated inputs.
"""
import argparse
import collections
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TRACE = b"kleym-fn: read: "
LIST_TRACE = b"kleym-fn: read: a List: "  # a List item read on two threads
CUT_RE = re.compile(rb"two threads: cut at byte (\d+) \(line \d+\) of (\d+),")
TIMEOUT = 120


class Result:
    """One run: exit status, stdout, stderr without the trace lines, the
    input's trace line (a run that does not read, usage or --help, has
    none) and those of the Lists among its items read on two threads."""

    def __init__(self, rc, out, err):
        self.rc = rc
        self.out = out
        kept, self.trace, self.lists = [], [], []
        for line in err.splitlines(keepends=True):
            if line.startswith(LIST_TRACE):
                self.lists.append(line)
            elif line.startswith(TRACE):
                self.trace.append(line)
            else:
                kept.append(line)
        self.err = b"".join(kept)

    def cut(self):
        """The byte the two-thread read cut at, or None."""
        if len(self.trace) != 1:
            return None
        m = CUT_RE.search(self.trace[0])
        return int(m.group(1)) if m else None

    def list_cut(self):
        """The byte the first List read on two threads cut at (of the
        List's text), or None."""
        m = next((CUT_RE.search(t) for t in self.lists if CUT_RE.search(t)), None)
        return int(m.group(1)) if m else None

    def kind(self):
        """two (the two-thread read ran), gave-up (it was tried and the
        input read again on one), one, not-read, or none (no trace)."""
        if not self.trace:
            return "none"
        t = self.trace[0]
        if CUT_RE.search(t):
            return "two"
        if b"two threads gave up" in t:
            return "gave-up"
        if b"not read:" in t:
            return "not-read"
        return "one"


class Subject:
    """One input and how it runs: argv after the binary, stdin (bytes, or
    None for /dev/null), extra environment, working directory, and the
    bytes the cuts are taken from (None: walk the read's own cuts)."""

    def __init__(self, family, name, argv, stdin=None, env=None, cwd=ROOT, text=None):
        self.family, self.name, self.argv = family, name, argv
        self.stdin, self.env, self.cwd = stdin, env or {}, cwd
        self.text = text


def line_starts(text):
    starts = [0]
    i = text.find(b"\n")
    while i >= 0 and i + 1 < len(text):
        starts.append(i + 1)
        i = text.find(b"\n", i + 1)
    return starts


def sample(offsets, limit):
    """offsets, or a deterministic sample of limit of them: the first and
    last 50 (a quarter of limit, when less) and evenly spread others."""
    if not limit or len(offsets) <= limit:
        return offsets, False
    edge = min(50, limit // 4)
    keep = set(offsets[:edge]) | set(offsets[len(offsets) - edge:])
    rest = offsets[edge:len(offsets) - edge]
    want = limit - len(keep)
    for k in range(want):
        keep.add(rest[k * len(rest) // want])
    return sorted(keep), True


class Runner:
    def __init__(self, binary, max_cuts):
        self.binary = os.path.abspath(binary)
        self.max_cuts = max_cuts
        base = dict(os.environ)
        for var in ("KLEYM_TRUST_DOMAIN", "KLEYM_CLUSTERSPIFFEID_CLASS_NAME",
                    "KLEYM_FN_READ", "KLEYM_FN_READ_TRACE"):
            base.pop(var, None)
        self.base_env = base

    def run(self, subj, mode):
        env = dict(self.base_env)
        env.update(subj.env)
        env["KLEYM_FN_READ"] = mode
        env["KLEYM_FN_READ_TRACE"] = "1"
        try:
            p = subprocess.run([self.binary] + subj.argv, cwd=subj.cwd, env=env,
                               input=subj.stdin if subj.stdin is not None else b"",
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               timeout=TIMEOUT)
            return Result(p.returncode, p.stdout, p.stderr)
        except subprocess.TimeoutExpired:
            return Result(124, b"", b"timed out\n")


class Outcome:
    """What the runs of one input came to."""

    def __init__(self, subj):
        self.subj = subj
        self.runs = 0
        self.kinds = collections.Counter()
        self.gave_up = collections.Counter()  # why, for the summary
        self.problems = []
        self.sampled = 0  # line starts left out by sampling
        self.walked = False


# what a sanitizer build writes when it finds something (make test-asan,
# make test-tsan): a run that says it fails, whatever the serial run did
SANITIZER = (b"WARNING: ThreadSanitizer", b"ERROR: AddressSanitizer",
             b"ERROR: LeakSanitizer", b"runtime error:")


def sanitizer_report(result):
    return next((s.decode() for s in SANITIZER if s in result.err), None)


def differences(serial, split):
    what = []
    for r, which in ((serial, "serial"), (split, "split")):
        found = sanitizer_report(r)
        if found:
            what.append(f"{found} in the {which} run's stderr")
    if split.rc != serial.rc:
        what.append(f"exit {split.rc}, serial {serial.rc}")
    if split.out != serial.out:
        what.append("stdout differs" + first_diff(serial.out, split.out))
    if split.err != serial.err:
        what.append("stderr differs" + first_diff(serial.err, split.err))
    if len(split.trace) != len(serial.trace):
        what.append(f"{len(split.trace)} trace lines, serial {len(serial.trace)}")
    return what


def first_diff(a, b):
    n = min(len(a), len(b))
    i = next((k for k in range(n) if a[k] != b[k]), n)
    line = a.count(b"\n", 0, i) + 1
    return f" (first at byte {i}, line {line})"


def check_cut(subj, at, split):
    """The cut the trace names is a line start at or after byte at (at 0:
    anywhere) where an item's '-' stands."""
    cut = split.cut()
    if cut is None or subj.text is None:
        return []
    text = subj.text
    if at and cut < at:
        return [f"cut at byte {cut}, before the byte asked for"]
    if cut >= len(text) or (cut > 0 and text[cut - 1:cut] != b"\n"):
        return [f"cut at byte {cut}, not a line start"]
    if text[cut:].lstrip(b" ")[:1] != b"-":
        return [f"cut at byte {cut}, not an item's '-'"]
    return []


def compare(runner, subj, cuts=None, walk=None):
    """Run subj serially, then split at every byte of cuts (default: every
    line start of subj.text), or under every mode of cuts when it holds
    strings ("auto"), and at every cut the read makes when walk (default:
    when there is no text to take cuts from); an Outcome."""
    o = Outcome(subj)
    serial = runner.run(subj, "serial")
    o.runs += 1
    o.kinds["serial-" + serial.kind()] += 1
    if serial.trace and serial.kind() not in ("one", "not-read"):
        o.problems.append(f"serial run traced {serial.trace[0]!r}")
    if len(serial.trace) > 1 or serial.lists:
        o.problems.append(f"{len(serial.trace) + len(serial.lists)} trace lines in a serial run")
    o.cuts, o.list_cuts = [], []  # where the runs cut, in order

    def one(at):
        mode = at if isinstance(at, str) else f"split@{at}"
        split = runner.run(subj, mode)
        o.runs += 1
        kind = split.kind()
        o.kinds[kind] += 1
        o.kinds["list-two"] += sum(1 for t in split.lists if CUT_RE.search(t))
        o.kinds["list-gave-up"] += sum(1 for t in split.lists if b"gave up" in t)
        o.cuts.append(split.cut())
        o.list_cuts.append(split.list_cut())
        if kind == "gave-up":
            why = split.trace[0].decode(errors="replace")
            why = why[why.find("(") + 1:why.rfind(")")]
            o.gave_up[why] += 1
        what = differences(serial, split)
        if not isinstance(at, str):
            what += check_cut(subj, at, split)
        if what and len(o.problems) < 5:
            o.problems.append(f"{mode}: " + "; ".join(what))
        return split

    if walk is None:
        walk = cuts is None and subj.text is None
    if cuts is None and subj.text is not None:
        cuts, sampled = sample(line_starts(subj.text), runner.max_cuts)
        if sampled:
            o.sampled = len(line_starts(subj.text)) - len(cuts)
    for at in cuts or []:
        one(at)
    if walk:
        o.walked = True
        at, seen = 1, 0
        while seen < 100000:
            cut = one(at).cut()
            if cut is None:
                break
            if cut < at:
                o.problems.append(f"split@{at} cut at {cut}, before it")
                break
            at, seen = cut + 1, seen + 1
    return o


def run_subjects(runner, subjects, jobs, plan=None):
    """compare() every subject on jobs threads; plan(subject) gives its
    (cuts, walk), default (None, None)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futs = [pool.submit(compare, runner, s, *(plan(s) if plan else (None, None)))
                for s in subjects]
        return [f.result() for f in futs]


def report(suite, outcomes, families, seconds, extra_fail=0, out=sys.stdout):
    """Print what the runs came to and the closing line; the number of
    failures."""
    passed = failed = 0
    for o in outcomes:
        if o.problems:
            failed += 1
            print(f"FAIL {suite}/{o.subj.family}/{o.subj.name}", file=out)
            for p in o.problems:
                print(f"    {p}", file=out)
        else:
            passed += 1
    for fam in families:
        mine = [o for o in outcomes if o.subj.family == fam]
        if not mine:
            print(f"{suite}: {fam}: not run (no input of it asked for)", file=out)
            continue
        runs = sum(o.runs for o in mine)
        kinds = collections.Counter()
        gave = collections.Counter()
        for o in mine:
            kinds.update(o.kinds)
            gave.update(o.gave_up)
        sampled = [o for o in mine if o.sampled]
        walked = sum(1 for o in mine if o.walked)
        print(f"{suite}: {fam}: {len(mine)} inputs, {runs} runs: "
              f"{kinds['two']} on two threads, {kinds['gave-up']} tried two and read "
              f"again on one, {kinds['one']} on one, {kinds['not-read']} not read, "
              f"{kinds['none'] + kinds['serial-none']} without a read (usage)"
              + (f"; Lists among the items: {kinds['list-two']} read on two threads, "
                 f"{kinds['list-gave-up']} given up" if kinds['list-two'] + kinds['list-gave-up']
                 else "")
              + (f"; {walked} inputs cut where the read cuts (walked)" if walked else ""),
              file=out)
        for why, n in gave.most_common(6):
            print(f"    gave up {n}x: {why}", file=out)
        if sampled:
            cut = sum(o.runs - 1 for o in sampled)
            print(f"    sampled (more line starts than --max-cuts): {len(sampled)} inputs "
                  f"cut at {cut} of their {cut + sum(o.sampled for o in sampled)} line starts",
                  file=out)
        if kinds["two"] + kinds["list-two"] == 0:
            failed += 1
            print(f"FAIL {suite}/{fam}: no run took two threads (the test is vacuous)",
                  file=out)
        else:
            passed += 1
    failed += extra_fail
    print(f"{suite}: {sum(o.runs for o in outcomes)} runs in {seconds:.0f} s", file=out)
    print(f"{suite}: {passed} passed, {failed} failed", file=out)
    return failed


# ---- the inputs ---------------------------------------------------------------

def read_args(path):
    """A case's args file: one line, split on blanks (as `read -r -a`)."""
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return f.readline().split()


def read_env(path):
    env = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f.read().splitlines():
                if "=" in line:
                    k, v = line.split("=", 1)
                    env[k] = v
    return env


def golden_subjects():
    out = []
    cases = os.path.join(HERE, "cases")
    for name in sorted(os.listdir(cases)):
        d = os.path.join(cases, name)
        for inp in ("input.yaml", "input.json"):
            p = os.path.join(d, inp)
            if os.path.exists(p):
                with open(p, "rb") as f:
                    text = f.read()
                out.append(Subject("golden", name, read_args(os.path.join(d, "args")),
                                   stdin=text, env=read_env(os.path.join(d, "env")),
                                   text=text))
                break
    return out


def kpt_source(directory, fn_config=None):
    argv = ["kpt", "fn", "source", directory]
    if fn_config:
        argv += ["--fn-config", fn_config]
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)}: {p.stderr.decode(errors='replace')}")
    return p.stdout


def kpt_subjects(family, top, runs, problems, fn_config=None):
    """`kpt fn source` of every directory under top (with its fn_config
    file as functionConfig, when named), run as each (label, argv) of runs."""
    out = []
    for name in sorted(os.listdir(top)):
        d = os.path.join(top, name)
        if not os.path.isdir(d):
            continue
        try:
            text = kpt_source(d, os.path.join(d, fn_config) if fn_config else None)
        except (OSError, RuntimeError) as e:
            problems.append(f"{family}/{name}: {e}")
            continue
        out += [Subject(family, f"{name} ({label})", argv, stdin=text, text=text)
                for label, argv in runs]
    return out


def example_subjects(problems):
    """The function as `make demo` runs it, and inspect (the Kptfile item
    configures it)."""
    return kpt_subjects("examples", os.path.join(ROOT, "examples"), [
        ("function", ["--trust-domain", "kleym.sonda.red", "--class-name", "kleym"]),
        ("inspect", ["inspect"])], problems)


def package_subjects(problems):
    """inspect by binding and by workload (the function's run of the same
    list is the golden pkg-<name> case)."""
    return kpt_subjects("packages", os.path.join(HERE, "packages"), [
        ("inspect", ["inspect"]),
        ("inspect by workload, JSON", ["inspect", "--by", "workload", "-o", "json"])],
        problems, fn_config="kleym-fn.yaml")


def inspect_subjects(work):
    out = []
    cases = os.path.join(HERE, "inspect", "cases")
    for name in sorted(os.listdir(cases)):
        d = os.path.join(cases, name)
        argv = ["inspect"] + read_args(os.path.join(d, "args"))
        stdin = text = None
        sp = os.path.join(d, "stdin")
        if os.path.exists(sp):
            with open(sp) as f:
                path = f.read().strip()
            with open(os.path.join(work, path), "rb") as f:
                stdin = text = f.read()
        out.append(Subject("inspect", name, argv, stdin=stdin,
                           env=read_env(os.path.join(d, "env")), cwd=work, text=text))
    return out


FAMILIES = ["golden", "examples", "packages", "inspect"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("binary")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--max-cuts", type=int, default=600)
    ap.add_argument("--family", default=",".join(FAMILIES))
    a = ap.parse_args()
    families = [f for f in a.family.split(",") if f]
    start = time.time()
    runner = Runner(a.binary, a.max_cuts)
    problems = []
    work = tempfile.mkdtemp(prefix="kleym-split-")
    try:
        subjects = []
        if "golden" in families:
            subjects += golden_subjects()
        if "examples" in families:
            subjects += example_subjects(problems)
        if "packages" in families:
            subjects += package_subjects(problems)
        if "inspect" in families:
            root = os.path.join(work, "root")
            subprocess.run([os.path.join(HERE, "inspect-root.sh"), ROOT, root], check=True)
            subjects += inspect_subjects(root)
        # the longest first, so two workers end together
        subjects.sort(key=lambda s: -len(s.text or b""))
        outcomes = run_subjects(runner, subjects, a.jobs)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for p in problems:
        print(f"FAIL split: {p}")
    failed = report("split", outcomes, families, time.time() - start, len(problems))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
