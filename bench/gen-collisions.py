#!/usr/bin/env python3
"""Write a ResourceList that is a worst case for one part of kleym-fn.

Each --kind is one function below; its docstring says what it writes. The
first four are the conflict and workload checks at their largest (all-pairs
would be N^2/2); the next five are the inputs that once made a step
quadratic (or could: shared-selectors), kept so that `make bench` can show
each scales linearly (it runs them at N and 4N and prints the ratio); the
rest are the smallest inputs that each cost a result or a record, memory
per byte of input at its worst (make bench prints the worst of them on its
scaling line; docs/design.md, Memory, has the table of all).

Usage: gen-collisions.py --bindings N [--kind KIND] > collide.yaml
"""
import argparse
import sys

POOL = ("- apiVersion: inference.networking.k8s.io/v1\n  kind: InferencePool\n"
        "  metadata: {{name: {name}, namespace: crowd}}\n"
        "  spec:\n    selector:\n      matchLabels: {labels}\n")
OBJECTIVE = ("- apiVersion: inference.networking.x-k8s.io/v1alpha2\n"
             "  kind: InferenceObjective\n"
             "  metadata: {{name: {name}, namespace: crowd}}\n"
             "  spec:\n    poolRef: {{name: {pool}}}\n")
BINDING = ("- apiVersion: kleym.sonda.red/v1alpha1\n"
           "  kind: InferenceIdentityBinding\n"
           "  metadata: {{name: {name}, namespace: crowd}}\n"
           "  spec:\n    poolRef: {{name: {pool}}}\n"
           "    serviceAccountName: shared\n{rest}")
DEPLOYMENT = ("- apiVersion: apps/v1\n  kind: Deployment\n"
              "  metadata: {{name: {name}, namespace: crowd}}\n"
              "  spec:\n    template:\n"
              "      metadata: {{labels: {labels}}}\n"
              "      spec:\n        serviceAccountName: shared\n"
              "        containers: {containers}\n")
PER_OBJECTIVE = "    objectiveRef: {{name: {objective}}}\n    containerName: {container}\n"
POOL_ONLY = "    mode: PoolOnly\n"
VARIANT = "    identityBoundary: {variant: decode}\n"


def per_objective(n, w):
    """One pool, one objective, and N Kleym 0.7 PerObjective bindings with
    the same service account and container: every binding fails
    Conflict/IdentityCollision and names its peers."""
    w(POOL.format(name="shared", labels="{app: shared}"))
    w(OBJECTIVE.format(name="chat", pool="shared"))
    for i in range(n):
        w(BINDING.format(name=f"b-{i:06d}", pool="shared",
                         rest=PER_OBJECTIVE.format(objective="chat", container="srv")))


def variant(n, w):
    """N pools and one Kleym 0.12 binding per pool, all with the same
    service account and variant: every binding fails Conflict/VariantConflict."""
    for i in range(n):
        w(POOL.format(name=f"p-{i:06d}", labels=f"{{app: p-{i:06d}}}"))
        w(BINDING.format(name=f"b-{i:06d}", pool=f"p-{i:06d}", rest=VARIANT))


def workloads(n, w):
    """N pools that share a label (tier: serving) and have one of their own,
    N Deployments (one per pool, two containers) and one PoolOnly binding
    per pool: N bindings and N templates in one namespace, every binding
    received by exactly one Deployment (bindings x templates would be N^2)."""
    for i in range(n):
        w(POOL.format(name=f"p-{i:06d}", labels=f"{{app: p-{i:06d}, tier: serving}}"))
        w(DEPLOYMENT.format(name=f"d-{i:06d}",
                            labels=f"{{app: p-{i:06d}, tier: serving, version: v1}}",
                            containers="[{name: vllm}, {name: proxy}]"))
        w(BINDING.format(name=f"b-{i:06d}", pool=f"p-{i:06d}", rest=POOL_ONLY))


def workloads_one_pool(n, w):
    """One pool, N Deployments that all carry its labels, one container each
    with its own name, and N PerObjective bindings naming those containers:
    every template is a candidate of every binding's pool."""
    w(POOL.format(name="shared", labels="{app: shared, tier: serving}"))
    for i in range(n):
        w(DEPLOYMENT.format(name=f"d-{i:06d}", labels="{app: shared, tier: serving}",
                            containers=f"[{{name: c-{i:06d}}}]"))
        w(OBJECTIVE.format(name=f"o-{i:06d}", pool="shared"))
        w(BINDING.format(name=f"b-{i:06d}", pool="shared",
                         rest=PER_OBJECTIVE.format(objective=f"o-{i:06d}",
                                                   container=f"c-{i:06d}")))


def variant_runs(n, w):
    """One Kleym 0.12 binding on pool p, and N on pool q with the same
    service account and variant: every binding conflicts, and the N share
    one run of equal identities (naming peers must not walk it per binding)."""
    w(POOL.format(name="p", labels="{app: p}"))
    w(POOL.format(name="q", labels="{app: q}"))
    w(BINDING.format(name="on-p", pool="p", rest=VARIANT))
    for i in range(n):
        w(BINDING.format(name=f"b-{i:06d}", pool="q", rest=VARIANT))


def duplicate_pools(n, w):
    """N copies of one pool (one run of equal label sets: giving the run one
    selector class must not walk it per pool), a pool of another name last
    in the run, and one binding."""
    for _ in range(n):
        w(POOL.format(name="shared", labels="{app: shared}"))
    w(POOL.format(name="z-other", labels="{app: shared}"))
    w(BINDING.format(name="b", pool="shared", rest=POOL_ONLY))


def shared_selectors(n, w):
    """N pools with the same three labels and a PoolOnly binding on each,
    all under one service account: every binding renders and shares its
    selectors with every other (SharedSelectors), one run of N equal sets
    whose peers must not be named by walking it per binding."""
    for i in range(n):
        w(POOL.format(name=f"p-{i:06d}", labels="{app: shared, tier: gpu, zone: a}"))
        w(BINDING.format(name=f"b-{i:06d}", pool=f"p-{i:06d}", rest=POOL_ONLY))


def wide_template(n, w):
    """One Deployment with N labels and N containers, and N pools that each
    select one of those labels, a PoolOnly binding each: every binding is
    received by the one template (naming its receivers must not list N
    containers N times)."""
    labels = "{" + ", ".join(f"l-{i:06d}: v" for i in range(n)) + "}"
    containers = "[" + ", ".join(f"{{name: c-{i:06d}}}" for i in range(n)) + "]"
    w(DEPLOYMENT.format(name="wide", labels=labels, containers=containers))
    for i in range(n):
        w(POOL.format(name=f"p-{i:06d}", labels=f"{{l-{i:06d}: v}}"))
        w(BINDING.format(name=f"b-{i:06d}", pool=f"p-{i:06d}", rest=POOL_ONLY))


def config_keys(n, w):
    """One binding, and a functionConfig ConfigMap with N unknown keys (each
    a warning; repeated keys are found by sorting, not pairwise)."""
    w(POOL.format(name="shared", labels="{app: shared}"))
    w(BINDING.format(name="b", pool="shared", rest=POOL_ONLY))
    return "".join(f"    k-{i:06d}: v\n" for i in range(n))


# The smallest inputs that each cost a result or a record: memory per
# byte of input at its worst (SPEC section 10: on any input, peak RSS at
# most 3x its size). One line an item, in flow style.

def typed_keys(n, w):
    """config-keys in the typed form: a ClusterSPIFFEIDGenerator whose spec
    has N unknown keys."""
    rendering_binding(w)
    return None, ("functionConfig:\n  apiVersion: fn.kleym.sonda.red/v1alpha1\n"
                  "  kind: ClusterSPIFFEIDGenerator\n  metadata: {name: kleym}\n"
                  "  spec:\n    trustDomain: example.org\n"
                  + "".join(f"    k-{i:06d}: v\n" for i in range(n)))


def repeated_keys(n, w):
    """A functionConfig ConfigMap with one unknown key given N times: a
    DuplicateKey error and an UnknownKey warning each."""
    rendering_binding(w)
    return "    k: v\n" * n


def duplicate_objects(n, w):
    """N copies of one small item: DuplicateObject on each."""
    for _ in range(n):
        w("- {apiVersion: v1, kind: Secret, metadata: {name: s, namespace: crowd}}\n")


# One item a line, in flow style: {meta} and {spec} / {labels} are flow
# mappings.
FLOW_BINDING = ("- {{apiVersion: kleym.sonda.red/v1alpha1, kind: InferenceIdentityBinding,"
                " metadata: {meta}, spec: {spec}}}\n")
FLOW_DEPLOYMENT = ("- {{apiVersion: apps/v1, kind: Deployment, metadata: {meta},"
                   " spec: {{template: {{metadata: {{labels: {labels}}}}}}}}}\n")


def rendering_binding(w):
    """One pool and a PoolOnly binding on it that renders."""
    w(POOL.format(name="shared", labels="{app: shared}"))
    w(BINDING.format(name="b", pool="shared", rest=POOL_ONLY))


def missing_namespace(n, w):
    """N namespace-less bindings with nothing else: MissingNamespace each."""
    for i in range(n):
        w(FLOW_BINDING.format(meta=f"{{name: b-{i:06d}}}", spec="{}"))


def invalid_pool_ref(n, w):
    """N bindings whose poolRef name is not a Kubernetes name:
    InvalidPoolRef each."""
    for i in range(n):
        w(FLOW_BINDING.format(meta=f"{{name: b-{i:06d}, namespace: crowd}}",
                              spec="{poolRef: {name: X}, serviceAccountName: s, mode: PoolOnly}"))


def pool_not_found(n, w):
    """N PoolOnly bindings on pools the input lacks: TargetPoolNotFound each."""
    for i in range(n):
        w(FLOW_BINDING.format(meta=f"{{name: b-{i:06d}, namespace: crowd}}",
                              spec=f"{{poolRef: {{name: p-{i:06d}}}, serviceAccountName: s,"
                                   f" mode: PoolOnly}}"))


def unreadable_templates(n, w):
    """One rendering binding and N Deployments whose template label is a
    number: UnreadableTemplate on each."""
    rendering_binding(w)
    for i in range(n):
        w(FLOW_DEPLOYMENT.format(meta=f"{{name: d-{i:06d}, namespace: crowd}}",
                                 labels="{a: 1}"))


def nsless_workloads(n, w):
    """One rendering binding and N namespace-less Deployments."""
    rendering_binding(w)
    for i in range(n):
        w(FLOW_DEPLOYMENT.format(meta=f"{{name: d-{i:06d}}}", labels="{app: shared}"))


def foreign_ids(n, w):
    """One rendering binding and a Deployment it lands on, and N foreign
    ClusterSPIFFEIDs selecting that Deployment: ExtraIdentity."""
    rendering_binding(w)
    w(DEPLOYMENT.format(name="d", labels="{app: shared}", containers="[{name: c}]"))
    for i in range(n):
        w(f"- {{apiVersion: spire.spiffe.io/v1alpha1, kind: ClusterSPIFFEID,"
          f" metadata: {{name: f-{i:06d}}}, spec: {{spiffeIDTemplate: x,"
          f" podSelector: {{matchLabels: {{app: shared}}}}}}}}\n")


def list_entries(n, w):
    """One v1 List whose N entries are namespace-less bindings
    (MissingNamespace each, located in the List)."""
    w("- apiVersion: v1\n  kind: List\n  items:\n")
    for i in range(n):
        w("  " + FLOW_BINDING.format(meta=f"{{name: b-{i:06d}}}", spec="{}"))


KINDS = {f.__name__.replace("_", "-"): f for f in (
    per_objective, variant, workloads, workloads_one_pool,
    variant_runs, duplicate_pools, shared_selectors, wide_template, config_keys,
    typed_keys, repeated_keys, duplicate_objects, missing_namespace, invalid_pool_ref,
    pool_not_found, unreadable_templates, nsless_workloads, foreign_ids, list_entries)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bindings", type=int, default=20000)
    ap.add_argument("--kind", choices=sorted(KINDS), default="per-objective")
    a = ap.parse_args()
    w = sys.stdout.write
    w("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n")
    extra = KINDS[a.kind](a.bindings, w) or ""
    if isinstance(extra, tuple):  # a functionConfig of its own
        w(extra[1])
        return
    w("functionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n"
      "  metadata: {name: kleym}\n  data:\n    trustDomain: example.org\n" + extra)


if __name__ == "__main__":
    main()
