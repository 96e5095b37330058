#!/usr/bin/env python3
"""SPIRE's side added to a generated ResourceList (bench.py's SPIRE row).

Reads a list written by gen-resourcelist.py and writes it with, first among
its items: the SPIRE Helm chart's controller-manager ConfigMap (its
ControllerManagerConfig as text; classless ClusterSPIFFEIDs watched, so
every binding's identity is issued and checked further), the chart's
default ClusterSPIFFEID (every pod outside the SPIRE namespaces, a
fallback), and N foreign ClusterSPIFFEIDs that select by matchExpressions
(In on two model labels, Exists, and a namespaceSelector NotIn).

Usage: gen-spire.py --foreign 2000 < rl.yaml > rl-spire.yaml
"""
import argparse
import sys

CONFIGMAP = """- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: spire-controller-manager
    namespace: spire-server
  data:
    controller-manager-config.yaml: |
      apiVersion: spire.spiffe.io/v1alpha1
      kind: ControllerManagerConfig
      clusterName: example-cluster
      trustDomain: example.org
      ignoreNamespaces:
        - kube-system
        - kube-public
        - local-path-storage
        - openshift-.*
        - ibm-.*
      className: "spire-server-spire"
      watchClassless: true
- apiVersion: spire.spiffe.io/v1alpha1
  kind: ClusterSPIFFEID
  metadata:
    name: spire-server-spire-default
  spec:
    className: "spire-server-spire"
    hint: default
    spiffeIDTemplate: "spiffe://{{ .TrustDomain }}/ns/{{ .PodMeta.Namespace }}/sa/{{ .PodSpec.ServiceAccountName }}"
    namespaceSelector:
      matchExpressions:
      - key: kubernetes.io/metadata.name
        operator: NotIn
        values:
        - spire-server
        - spire-system
    fallback: true
"""

FOREIGN = """- apiVersion: spire.spiffe.io/v1alpha1
  kind: ClusterSPIFFEID
  metadata:
    name: team-identity-{i:06d}
  spec:
    spiffeIDTemplate: "spiffe://{{{{ .TrustDomain }}}}/team/{i:06d}/{{{{ .PodMeta.Name }}}}"
    podSelector:
      matchExpressions:
      - key: app
        operator: In
        values: [model-{a:06d}, model-{b:06d}]
      - key: tier
        operator: Exists
    namespaceSelector:
      matchExpressions:
      - key: kubernetes.io/metadata.name
        operator: NotIn
        values: [kube-system]
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--foreign", type=int, default=2000)
    a = ap.parse_args()
    out = sys.stdout
    done = False
    for line in sys.stdin:
        out.write(line)
        if not done and line == "items:\n":
            out.write(CONFIGMAP)
            for i in range(a.foreign):
                out.write(FOREIGN.format(i=i, a=i * 7, b=i * 7 + 3))
            done = True


if __name__ == "__main__":
    main()
