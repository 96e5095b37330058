#!/usr/bin/env bash
# The release a user installs: make install into a scratch prefix (the
# binary runs, both man pages render, the completion completes), the
# version written once and agreeing everywhere, the LICENSE, and make
# demo refusing to pass without kpt. Closes with "install: N passed, N failed".
# Usage: tests/install.sh path/to/kleym-fn   (built by make in its BUILD dir)
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
suite=install
. "$root/tests/lib.sh"
build=$(dirname "$bin")
version=$("$bin" --version | sed 's/^kleym-fn //')

# --- make install PREFIX=... DESTDIR=... ---------------------------------------
dest=$tmp/dest prefix=/opt/kleym
check make-install make -s -C "$root" install BUILD="$build" PREFIX="$prefix" DESTDIR="$dest"
p=$dest$prefix
modes() {
    (cd "$p" && stat -c '%a %n' bin/kleym-fn share/man/man1/kleym-fn.1 \
        share/man/man1/kleym-fn-inspect.1 share/bash-completion/completions/kleym-fn \
        share/doc/kleym-fn/LICENSE share/doc/kleym-fn/CHANGELOG.md) > "$tmp/modes" &&
        printf '%s\n' '755 bin/kleym-fn' '644 share/man/man1/kleym-fn.1' \
            '644 share/man/man1/kleym-fn-inspect.1' '644 share/bash-completion/completions/kleym-fn' \
            '644 share/doc/kleym-fn/LICENSE' '644 share/doc/kleym-fn/CHANGELOG.md' | diff - "$tmp/modes"
}
check install-files modes
check installed-binary-version bash -c "'$p/bin/kleym-fn' --version | grep -qx 'kleym-fn $version'"
renders() {
    kpt fn source "$root/examples/basic" | "$p/bin/kleym-fn" --trust-domain example.org > "$tmp/out.yaml" 2> /dev/null &&
        grep -q 'kind: ClusterSPIFFEID' "$tmp/out.yaml"
}
check installed-binary-renders renders
# man -l renders each page, with no warning from groff.
for page in kleym-fn kleym-fn-inspect; do
    f=$p/share/man/man1/$page.1
    check "man-$page-renders" bash -c "MANWIDTH=80 man -l '$f' 2> '$tmp/man.err' | grep -q '^NAME' && ! [ -s '$tmp/man.err' ] || cat '$tmp/man.err'"
    check "man-$page-no-groff-warnings" bash -c "groff -mdoc -Tutf8 -ww -z '$f' 2>&1 | { ! grep .; }"
done
# man finds the pages by name under the prefix.
check man-by-name bash -c "MANPATH='$p/share/man' MANWIDTH=80 man kleym-fn-inspect 2>/dev/null | grep -q 'kleym-fn inspect'"
# Every functionConfig key --help lists is described in kleym-fn(1).
keys_in_man() {
    local k missing=
    for k in $("$bin" --help | sed -n '/^  KEY /,/^$/p' | awk 'NR > 1 && NF {print $1}'); do
        grep -qw "Li $k" "$root/man/kleym-fn.1" || missing="$missing $k"
    done
    [ -z "$missing" ] || { echo "not in man/kleym-fn.1:$missing"; false; }
}
check man-lists-every-key keys_in_man
# The completion: subcommand, options, inspect's formats.
complete_words() { # words... (the last is completed)
    bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _kleym_fn; echo "${COMPREPLY[*]}"' \
        _ "$p/share/bash-completion/completions/kleym-fn" "$@"
}
check completion-subcommand bash -c "[ \"\$($(declare -f complete_words); p='$p' complete_words kleym-fn ins)\" = inspect ]"
check completion-inspect-options bash -c "$(declare -f complete_words); p='$p' complete_words kleym-fn inspect --bi | grep -qx -- --binding"
check completion-inspect-formats bash -c "$(declare -f complete_words); p='$p' complete_words kleym-fn inspect -o '' | grep -qx 'text json markdown'"
check make-uninstall bash -c "make -s -C '$root' uninstall PREFIX='$prefix' DESTDIR='$dest' && ! find '$p' -type f | grep ."

# --- the version, written once (include/kleym.h) ---------------------------------
check changelog-newest-is-version bash -c "grep -m1 -E '^## \[[0-9]' '$root/CHANGELOG.md' | grep -q '^## \[$version\]'"
check changelog-link bash -c "grep -q '^\[$version\]: .*/v$version\$' '$root/CHANGELOG.md'"
check image-tags bash -c "make -s -n -C '$root' image CONTAINER=podman | grep -q 'tag kleym-fn:v$version kleym-fn:latest'"
check argocd-plugin-version grep -q "version: v$version" "$root/examples/argocd-cmp/plugin.yaml"
# --- LICENSE: the Apache License 2.0, as the metadata and labels say ---------------
if [ -f /usr/share/common-licenses/Apache-2.0 ]; then
    check license-apache-2 cmp /usr/share/common-licenses/Apache-2.0 "$root/LICENSE"
else
    check license-apache-2 grep -q 'Apache License' "$root/LICENSE"
fi
check license-in-metadata grep -q '^license: Apache-2.0' "$root/fn/metadata.yaml"

# --- make demo without kpt fails, saying why ----------------------------------------
check demo-without-kpt-fails bash -c "! make -s -C '$root' demo BUILD='$build' KPT=kpt-is-not-installed > '$tmp/demo.log' 2>&1 && grep -q 'not installed' '$tmp/demo.log'"

finish
