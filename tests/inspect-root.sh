#!/usr/bin/env bash
# The scratch root the inspect cases run in (tests/inspect.sh, and
# tests/read_split.py, which runs them again with the two-thread read):
# examples/ and tests/cases/ are the repository's, tests/inspect/fixtures/
# a copy with the Kptfiles named (committed as Kptfile.fixture, so they are
# not subpackages of the repository's kpt package), and the fixtures git
# cannot hold or that are clearer made here (links, a pipe, odd names).
# Usage: tests/inspect-root.sh REPOSITORY_ROOT WORK_DIR   (WORK_DIR: new)
set -u
root=$1
work=$2
mkdir -p "$work/tests/inspect"
ln -s "$root/examples" "$work/examples"
ln -s "$root/tests/cases" "$work/tests/cases"
cp -R "$root/tests/inspect/fixtures" "$work/tests/inspect/fixtures"
for k in "$work"/tests/inspect/fixtures/*/Kptfile.fixture; do mv "$k" "${k%.fixture}"; done
# A package with a broken symlink where a manifest should be (git would
# store it, but as a fixture it is clearer made here): inspect refuses it.
mkdir "$work/tests/inspect/fixtures/broken-link"
ln -s missing.yaml "$work/tests/inspect/fixtures/broken-link/pool.yaml"
ln -s missing "$work/tests/inspect/fixtures/broken-link/NOTES"
# A package whose configPath names a pipe: refused, never waited on.
mkdir "$work/tests/inspect/fixtures/configpath-fifo"
printf 'apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata: {name: fifo}\npipeline:\n  mutators:\n  - exec: kleym-fn\n    configPath: kleym.yaml\n' \
    > "$work/tests/inspect/fixtures/configpath-fifo/Kptfile"
mkfifo "$work/tests/inspect/fixtures/configpath-fifo/kleym.yaml"
# Packages whose configPath leads out through a link: the file itself a
# link to a file outside, and a directory link followed by "..". Refused.
kpt_config_path() {
    printf 'apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata: {name: %s}\npipeline:\n  mutators:\n  - exec: kleym-fn\n    configPath: %s\n' "$1" "$2"
}
fx=$work/tests/inspect/fixtures
mkdir -p "$fx/outside/deep/er" "$fx/configpath-link-file" "$fx/configpath-link-dir" "$fx/configpath-link-inside/conf"
kleym_config() {
    printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {trustDomain: %s}\n' "$1"
}
kleym_config outside.example | tee "$fx/outside/secret.cfg" > "$fx/outside/deep/secret.cfg"
kleym_config inside.example > "$fx/configpath-link-inside/conf/kleym.cfg"
ln -s ../outside/secret.cfg "$fx/configpath-link-file/kleym.cfg"
kpt_config_path link-file kleym.cfg > "$fx/configpath-link-file/Kptfile"
ln -s ../outside/deep/er "$fx/configpath-link-dir/link"
kpt_config_path link-dir link/../secret.cfg > "$fx/configpath-link-dir/Kptfile"
# A link that stays in the package is fine.
ln -s conf/kleym.cfg "$fx/configpath-link-inside/kleym.cfg"
kpt_config_path link-inside kleym.cfg > "$fx/configpath-link-inside/Kptfile"
# No file of a directory named is read through a link out of it: a
# manifest, a subdirectory, the Kptfile. A link inside is followed.
mkdir -p "$fx/walk-link-file" "$fx/walk-link-dir" "$fx/walk-kptfile-link" "$fx/walk-link-inside/.shared"
printf 'apiVersion: fn.kleym.sonda.red/v1alpha1\nkind: ClusterSPIFFEIDGenerator\nmetadata: {name: g}\nspec: {trustDomain: outside.example}\n' \
    > "$fx/outside/gen.yaml"
ln -s ../outside/gen.yaml "$fx/walk-link-file/gen.yaml"
ln -s ../outside/deep "$fx/walk-link-dir/sub"
kpt_config_path kptfile-link kleym.cfg > "$fx/outside/Kptfile"
ln -s ../outside/Kptfile "$fx/walk-kptfile-link/Kptfile"
cp "$root/tests/inspect/fixtures/merged/pool.yaml" "$fx/walk-link-inside/.shared/pool.yaml"
ln -s .shared/pool.yaml "$fx/walk-link-inside/pool.yaml"
# A file name with a line break in a fatal error: still one stderr line.
mkdir -p "$fx/fatal-newline-name"
printf 'a: [\n' > "$fx/fatal-newline-name/k
kleym-fn: error: forged.yaml"
