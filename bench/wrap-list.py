#!/usr/bin/env python3
"""Wrap a generated ResourceList's items in one v1 List, as kubectl get -o
yaml writes them: the items indented under one `kind: List` item. For
measuring what reading a List costs (docs/design.md, Performance); the
shared generator emits no List.

Usage: bench/wrap-list.py rl-100000.yaml rl-100000-list.yaml
"""
import sys


def main():
    src, dst = sys.argv[1], sys.argv[2]
    with open(src) as f, open(dst, "w") as out:
        state = "head"
        for line in f:
            if state == "head":
                out.write(line)
                if line.startswith("items:"):
                    out.write("- apiVersion: v1\n  kind: List\n  items:\n")
                    state = "items"
            elif state == "items" and line[:1] not in (" ", "-", "#", "\n"):
                state = "tail"  # functionConfig: and what follows
                out.write(line)
            elif state == "items":
                out.write("  " + line if line.strip() else line)
            else:
                out.write(line)


if __name__ == "__main__":
    main()
