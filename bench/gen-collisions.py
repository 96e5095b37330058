#!/usr/bin/env python3
"""Write a ResourceList whose bindings all conflict with each other.

--kind per-objective: one namespace, one pool, one objective, and N Kleym
0.7 PerObjective bindings with the same service account and container:
every binding renders the same selectors, so every one fails
Conflict/IdentityCollision and names its peers.

--kind variant: one namespace, N pools, and one Kleym 0.12 binding per pool,
all with the same service account and variant: every binding fails
Conflict/VariantConflict.

Both are the worst case for conflict detection (all-pairs would be N^2/2).

--kind workloads: one namespace, N pools that share a label (tier: serving)
and have one of their own, N Deployments (one per pool, the pool's labels,
two containers), and one Kleym 0.7 PoolOnly binding per pool: N bindings and
N templates in one namespace for the workload check, every binding received
by exactly one Deployment (bindings x templates would be N^2).

--kind workloads-one-pool: one pool, N Deployments that all carry its
labels and run as one service account, one container each with its own
name, and N PerObjective bindings (one objective each) naming those
containers: every template is a candidate of every binding's pool.

Usage: gen-collisions.py --bindings 20000 [--kind KIND] > collide.yaml
"""
import argparse
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bindings", type=int, default=20000)
    ap.add_argument("--kind", choices=["per-objective", "variant", "workloads",
                                       "workloads-one-pool"], default="per-objective")
    a = ap.parse_args()
    n = a.bindings
    w = sys.stdout.write
    w("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n")
    if a.kind == "per-objective":
        w("- apiVersion: inference.networking.k8s.io/v1\n  kind: InferencePool\n"
          "  metadata: {name: shared, namespace: crowd}\n"
          "  spec:\n    selector:\n      matchLabels: {app: shared}\n")
        w("- apiVersion: inference.networking.x-k8s.io/v1alpha2\n"
          "  kind: InferenceObjective\n"
          "  metadata: {name: chat, namespace: crowd}\n"
          "  spec:\n    poolRef: {name: shared}\n")
    if a.kind == "workloads-one-pool":
        w("- apiVersion: inference.networking.k8s.io/v1\n  kind: InferencePool\n"
          "  metadata: {name: shared, namespace: crowd}\n"
          "  spec:\n    selector:\n      matchLabels: {app: shared, tier: serving}\n")
    for i in range(n):
        if a.kind == "workloads":
            w("- apiVersion: inference.networking.k8s.io/v1\n  kind: InferencePool\n"
              f"  metadata: {{name: p-{i:06d}, namespace: crowd}}\n"
              f"  spec:\n    selector:\n      matchLabels: {{app: p-{i:06d}, tier: serving}}\n")
            w("- apiVersion: apps/v1\n  kind: Deployment\n"
              f"  metadata: {{name: d-{i:06d}, namespace: crowd}}\n"
              "  spec:\n    template:\n"
              f"      metadata: {{labels: {{app: p-{i:06d}, tier: serving, version: v1}}}}\n"
              "      spec:\n        serviceAccountName: shared\n"
              "        containers: [{name: vllm}, {name: proxy}]\n")
            w("- apiVersion: kleym.sonda.red/v1alpha1\n"
              "  kind: InferenceIdentityBinding\n"
              f"  metadata: {{name: b-{i:06d}, namespace: crowd}}\n"
              f"  spec:\n    poolRef: {{name: p-{i:06d}}}\n"
              "    serviceAccountName: shared\n    mode: PoolOnly\n")
            continue
        if a.kind == "workloads-one-pool":
            w("- apiVersion: apps/v1\n  kind: Deployment\n"
              f"  metadata: {{name: d-{i:06d}, namespace: crowd}}\n"
              "  spec:\n    template:\n"
              "      metadata: {labels: {app: shared, tier: serving}}\n"
              "      spec:\n        serviceAccountName: shared\n"
              f"        containers: [{{name: c-{i:06d}}}]\n")
            w("- apiVersion: inference.networking.x-k8s.io/v1alpha2\n"
              "  kind: InferenceObjective\n"
              f"  metadata: {{name: o-{i:06d}, namespace: crowd}}\n"
              "  spec:\n    poolRef: {name: shared}\n")
            w("- apiVersion: kleym.sonda.red/v1alpha1\n"
              "  kind: InferenceIdentityBinding\n"
              f"  metadata: {{name: b-{i:06d}, namespace: crowd}}\n"
              "  spec:\n    poolRef: {name: shared}\n"
              f"    objectiveRef: {{name: o-{i:06d}}}\n"
              f"    serviceAccountName: shared\n    containerName: c-{i:06d}\n")
            continue
        if a.kind == "variant":
            w("- apiVersion: inference.networking.k8s.io/v1\n  kind: InferencePool\n"
              f"  metadata: {{name: p-{i:06d}, namespace: crowd}}\n"
              f"  spec:\n    selector:\n      matchLabels: {{app: p-{i:06d}}}\n")
            w("- apiVersion: kleym.sonda.red/v1alpha1\n"
              "  kind: InferenceIdentityBinding\n"
              f"  metadata: {{name: b-{i:06d}, namespace: crowd}}\n"
              f"  spec:\n    poolRef: {{name: p-{i:06d}}}\n"
              "    serviceAccountName: shared\n"
              "    identityBoundary: {variant: decode}\n")
            continue
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
