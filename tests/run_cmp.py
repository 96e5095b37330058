#!/usr/bin/env python3
"""Run an Argo CD ConfigManagementPlugin's init and generate commands exactly
as its plugin.yaml declares them, in an app directory, the way the CMP
server does (command + args, cwd = the app). The generate output goes to
stdout; a failing command fails this script.

Usage: tests/run_cmp.py plugin.yaml APP_DIR
"""
import subprocess
import sys

import yaml


def main():
    plugin_path, app = sys.argv[1], sys.argv[2]
    with open(plugin_path) as f:
        spec = yaml.safe_load(f)["spec"]
    for step in ("init", "generate"):
        if step not in spec:
            continue
        argv = list(spec[step]["command"]) + list(spec[step].get("args", []))
        out = subprocess.run(argv, cwd=app, stdout=subprocess.PIPE)
        if out.returncode != 0:
            sys.stderr.write(f"run_cmp: {step} {argv} exited {out.returncode}\n")
            return 1
        if step == "generate":
            sys.stdout.buffer.write(out.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
