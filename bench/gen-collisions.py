#!/usr/bin/env python3
"""Write a ResourceList whose PerObjective bindings all collide.

One namespace, one pool, one objective, and N bindings with the same
service account and container: every binding renders the same selectors, so
every one of them fails Conflict/IdentityCollision and names its peers. This
is the worst case for conflict detection (all-pairs would be N^2/2).

Usage: gen-collisions.py --bindings 20000 > collide.yaml
"""
import argparse
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bindings", type=int, default=20000)
    n = ap.parse_args().bindings
    w = sys.stdout.write
    w("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n")
    w("- apiVersion: inference.networking.k8s.io/v1\n  kind: InferencePool\n"
      "  metadata: {name: shared, namespace: crowd}\n"
      "  spec:\n    selector:\n      matchLabels: {app: shared}\n")
    w("- apiVersion: inference.networking.x-k8s.io/v1alpha2\n"
      "  kind: InferenceObjective\n"
      "  metadata: {name: chat, namespace: crowd}\n"
      "  spec:\n    poolRef: {name: shared}\n")
    for i in range(n):
        w("- apiVersion: kleym.sonda.red/v1alpha1\n"
          "  kind: InferenceIdentityBinding\n"
          f"  metadata: {{name: b-{i:06d}, namespace: crowd}}\n"
          "  spec:\n    poolRef: {name: shared}\n"
          "    objectiveRef: {name: chat}\n"
          "    serviceAccountName: shared\n    containerName: srv\n")
    w("functionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n"
      "  metadata: {name: kleym}\n  data: {trustDomain: example.org}\n")


if __name__ == "__main__":
    main()
