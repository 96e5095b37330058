#!/usr/bin/env bash
# Differential run: two builds of kleym-fn over every file of the given
# directories (a fuzz corpus, golden inputs), comparing stdout, stderr and
# exit status. Prints each input that differs and a closing count.
# Usage: tests/fuzz/differential.sh OLD_BINARY NEW_BINARY DIR...
set -u
old=$1 new=$2
shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
same=0 differ=0
export KLEYM_TRUST_DOMAIN=fuzz.example.org   # as tests/fuzz/fuzz_run.c
unset KLEYM_CLUSTERSPIFFEID_CLASS_NAME
for f in $(find "$@" -type f | sort); do
    timeout 20 "$old" < "$f" > "$tmp/o.out" 2> "$tmp/o.err"; oc=$?
    timeout 20 "$new" < "$f" > "$tmp/n.out" 2> "$tmp/n.err"; nc=$?
    if [ "$oc" = "$nc" ] && cmp -s "$tmp/o.out" "$tmp/n.out" && cmp -s "$tmp/o.err" "$tmp/n.err"; then
        same=$((same + 1))
    else
        differ=$((differ + 1))
        echo "differs: $f (exit $oc / $nc)"
    fi
done
echo "differential: $((same + differ)) inputs, $same identical, $differ different"
[ "$differ" -eq 0 ]
