#!/usr/bin/env bash
# Differential run: two builds of kleym-fn must behave byte for byte the
# same. For a change meant to keep behaviour (a redesign), run the build
# before it and the build after it over every input there is.
#
# Every input FILE is run through both binaries, each way:
#   the function, bare and with --trust-domain/--class-name;
#   inspect -o text, json and markdown, bare and with --trust-domain;
# a golden case's own args and env are used too (tests/cases/<name>/).
# Every DIR (a package: examples/*, inspect fixtures) is run through
# inspect in the three formats. stdout, stderr and the exit status must
# be identical. Files are compared in parallel (JOBS, default 2).
#
# Usage: tests/differential.sh OLD NEW [FILE|DIR ...]
#   with no FILE or DIR: every golden input, examples/*, the inspect
#   fixtures, and build-fuzz/corpus and build-fuzz/seed when present.
# Closes with "differential: N passed, N failed" (a pass is one input
# whose every run agrees); DIFF_KEEP=dir keeps the differing outputs.
set -u
old=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
new=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
shift 2
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
suite=differential
. "$here/lib.sh"
export old new tmp root
export DIFF_KEEP=${DIFF_KEEP:-}

# The fixtures with their Kptfiles named (as tests/inspect.sh does).
fixtures=$tmp/fixtures
cp -R "$root/tests/inspect/fixtures" "$fixtures"
for k in "$fixtures"/*/Kptfile.fixture; do mv "$k" "${k%.fixture}"; done

inputs=("$@")
if [ ${#inputs[@]} -eq 0 ]; then
    for f in "$root"/tests/cases/*/input.*; do inputs+=("$f"); done
    for d in "$root"/examples/*/ "$fixtures"/*/; do inputs+=("${d%/}"); done
    for c in "$root/build-fuzz/corpus" "$root/build-fuzz/seed"; do
        [ -d "$c" ] && while IFS= read -r f; do inputs+=("$f"); done \
            < <(find "$c" -type f | sort)
    done
fi

# one INPUT: prints "ok INPUT" or "differ INPUT: what"
one() {
    local in=$1 w
    w=$(mktemp -d "$tmp/one.XXXXXX")
    local runs=() args=() envs=()
    if [ -d "$in" ]; then
        runs=("inspect -o text" "inspect -o json" "inspect -o markdown")
    else
        local dir
        dir=$(dirname "$in")
        [ -f "$dir/args" ] && read -r -a args < "$dir/args"
        [ -f "$dir/env" ] && mapfile -t envs < "$dir/env"
        runs=("fn" "fn-td" "inspect -o text" "inspect -o json" "inspect -o markdown"
              "inspect-td -o text" "inspect-td -o json" "inspect-td -o markdown")
    fi
    local problems=() r
    for r in "${runs[@]}"; do
        local which argv=()
        read -r -a argv <<< "$r"
        which=${argv[0]}
        argv=("${argv[@]:1}")
        local b
        for b in old new; do
            local bin=${!b} cmd=()
            case $which in
            fn) cmd=("$bin" ${args[@]+"${args[@]}"}) ;;
            fn-td) cmd=("$bin" --trust-domain diff.example.org --class-name kleym) ;;
            inspect) cmd=("$bin" inspect "${argv[@]}") ;;
            inspect-td) cmd=("$bin" inspect "${argv[@]}" --trust-domain diff.example.org) ;;
            esac
            if [ -d "$in" ]; then
                (cd "$(dirname "$in")" && timeout 120 env -u KLEYM_TRUST_DOMAIN \
                    -u KLEYM_CLUSTERSPIFFEID_CLASS_NAME "${cmd[@]}" "$(basename "$in")" \
                    < /dev/null > "$w/$b.out" 2> "$w/$b.err"; echo $? > "$w/$b.rc")
            else
                timeout 120 env -u KLEYM_TRUST_DOMAIN -u KLEYM_CLUSTERSPIFFEID_CLASS_NAME \
                    ${envs[@]+"${envs[@]}"} "${cmd[@]}" < "$in" > "$w/$b.out" 2> "$w/$b.err"
                echo $? > "$w/$b.rc"
            fi
        done
        local part
        for part in out err rc; do
            if ! cmp -s "$w/old.$part" "$w/new.$part"; then
                problems+=("$r: $part")
                if [ -n "$DIFF_KEEP" ]; then
                    local k
                    k=$DIFF_KEEP/$(echo "$in $r" | tr -c 'A-Za-z0-9.-' '_')
                    mkdir -p "$k" && cp "$w"/old.* "$w"/new.* "$k"/
                fi
            fi
        done
    done
    rm -rf "$w"
    if [ ${#problems[@]} -eq 0 ]; then echo "ok $in"; else echo "differ $in: ${problems[*]}"; fi
}
export -f one

printf '%s\0' "${inputs[@]}" | xargs -0 -n 1 -P "${JOBS:-2}" bash -c 'one "$1"' _ \
    > "$tmp/verdicts"
while IFS= read -r line; do
    case $line in
    ok\ *) ok ;;
    *) bad "${line#differ }" ;;
    esac
done < "$tmp/verdicts"
echo "differential: ${#inputs[@]} inputs, $(grep -c '' "$tmp/verdicts") compared"
finish
