#!/usr/bin/env bash
# The whole suite: unit (cmocka), golden, schema, end-to-end with the real
# tools, and the container image run for real. Each part reports "part: N
# passed, N failed" (cmocka's own summary for the unit part); this script
# adds them up and closes with one "N passed, N failed" line.
# Usage: tests/run-all.sh BUILD_DIR [parts...]
#        (parts: unit golden golden-static split hazards schema hostile inspect
#        e2e container install docs; default all)
# HOSTILE_ARGS (optional) is passed to tests/hostile.py, e.g. --no-rss;
# SPLIT_ARGS to tests/read_split.py and HAZARDS_ARGS to
# tests/split_hazards.py, e.g. --max-cuts 60 and --window 3 --no-walk.
# RUNNER (optional) prefixes every run of the binaries, e.g. valgrind.
set -u
build=$1
shift
parts=${*:-unit golden golden-static split hazards schema hostile inspect e2e container install docs}
here=$(cd "$(dirname "$0")" && pwd)
runner=${RUNNER:-}
total_pass=0 total_fail=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

add() { # passed failed
    total_pass=$((total_pass + $1))
    total_fail=$((total_fail + $2))
}

# Read "name: N passed, N failed" from the part's log.
tally() {
    local line
    line=$(grep -E "^$1: [0-9]+ passed, [0-9]+ failed" "$log" | tail -1)
    if [ -z "$line" ]; then
        echo "$1: did not report a count"
        add 0 1
        return
    fi
    add "$(sed -E 's/.* ([0-9]+) passed.*/\1/' <<<"$line")" \
        "$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")"
}

for part in $parts; do
    case $part in
    unit)
        $runner "$build/test_units" > "$log" 2>&1
        cat "$log"
        p=$(sed -nE 's/^\[  PASSED  \] ([0-9]+) test.*/\1/p' "$log")
        f=$(sed -nE 's/^\[  FAILED  \] ([0-9]+) test.*/\1/p' "$log")
        [ -n "$p$f" ] || f=1
        add "${p:-0}" "${f:-0}"
        ;;
    golden)
        "$here/golden.sh" "$runner $build/kleym-fn" > "$log" 2>&1
        cat "$log"; tally golden ;;
    golden-static)
        # The golden cases again on the binary that ships (make static: a
        # second, profile-guided compile of the same code).
        if [ -n "${STATIC_BIN:-}" ]; then
            "$here/golden.sh" "$STATIC_BIN" 2>&1 | sed 's/^golden:/golden-static:/' > "$log"
        else
            echo "golden-static: 0 passed, 0 failed (STATIC_BIN not set: make test sets it)" > "$log"
        fi
        cat "$log"; tally golden-static ;;
    split)
        ${PYTHON:-python3} "$here/read_split.py" "$build/kleym-fn" ${SPLIT_ARGS:-} > "$log" 2>&1
        cat "$log"; tally split ;;
    hazards)
        ${PYTHON:-python3} "$here/split_hazards.py" "$build/kleym-fn" ${HAZARDS_ARGS:-} > "$log" 2>&1
        cat "$log"; tally hazards ;;
    schema)
        ${PYTHON:-python3} "$here/validate_output.py" > "$log" 2>&1
        cat "$log"; tally schema ;;
    hostile)
        ${PYTHON:-python3} "$here/hostile.py" "$build/kleym-fn" ${HOSTILE_ARGS:-} > "$log" 2>&1
        cat "$log"; tally hostile ;;
    inspect)
        "$here/inspect.sh" "$runner $build/kleym-fn" > "$log" 2>&1
        cat "$log"; tally inspect ;;
    e2e)
        "$here/e2e.sh" "$build/kleym-fn" > "$log" 2>&1
        cat "$log"; tally e2e ;;
    container)
        "$here/container.sh" "$build/kleym-fn" > "$log" 2>&1
        cat "$log"; tally container ;;
    install)
        "$here/install.sh" "$build/kleym-fn" > "$log" 2>&1
        cat "$log"; tally install ;;
    docs)
        ${PYTHON:-python3} "$here/docs.py" "$build/kleym-fn" > "$log" 2>&1
        cat "$log"; tally docs ;;
    *)
        echo "unknown part $part"; add 0 1 ;;
    esac
done
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
