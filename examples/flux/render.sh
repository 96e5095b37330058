#!/bin/sh
# Pre-render for Flux. Run in CI on every change of SOURCE_DIR, then commit
# (or `flux push artifact`) OUTPUT_DIR, the directory the Flux Kustomization
# in flux-kustomization.yaml reconciles. Flux's kustomize-controller does not
# run exec functions, so the ClusterSPIFFEIDs are generated here, before
# anything reaches the cluster.
#
# Usage: render.sh [SOURCE_DIR] [OUTPUT_DIR]
# Needs kleym-fn and kustomize (4.5.4 is tested) on PATH. A failed render
# (any error result) fails the script and leaves OUTPUT_DIR as it was.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=${1:-$here/source}
out=${2:-$here/rendered}
fn=$(command -v kleym-fn) || { echo "render.sh: kleym-fn is not on PATH" >&2; exit 2; }
command -v kustomize > /dev/null || { echo "render.sh: kustomize is not on PATH" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -R "$src/." "$work/"
ln -sf "$fn" "$work/kleym-fn"
kustomize build --enable-alpha-plugins --enable-exec "$work" > "$work/manifests.yaml"
mkdir -p "$out"
mv "$work/manifests.yaml" "$out/manifests.yaml"
echo "render.sh: wrote $out/manifests.yaml"
