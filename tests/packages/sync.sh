#!/usr/bin/env bash
# The realistic packages (tests/packages/<name>/, each with a SOURCE.md that
# names the public manifests it models) as the suites run them:
#   tests/cases/pkg-<name>/input.yaml   `kpt fn source` of the package with
#                                       its kleym-fn.yaml as functionConfig
#                                       (a golden case of the function)
#   tests/inspect/cases/pkg-<name>/args `kleym-fn inspect` of the directory
# Usage: tests/packages/sync.sh          write them (then make golden and
#                                        tests/inspect.sh BINARY --update)
#        tests/packages/sync.sh --check  fail when a committed input is not
#                                        what kpt makes of its package now
set -u
cd "$(dirname "$0")/../.."
check=${1:-}
status=0
for dir in tests/packages/*/; do
    name=$(basename "$dir")
    case=tests/cases/pkg-$name
    out=$(kpt fn source "$dir" --fn-config "$dir/kleym-fn.yaml") || { echo "kpt failed on $dir"; status=1; continue; }
    if [ "$check" = --check ]; then
        if ! printf '%s\n' "$out" | cmp -s - "$case/input.yaml"; then
            echo "FAIL packages/$name: $case/input.yaml is not kpt fn source of $dir"
            status=1
        fi
        continue
    fi
    mkdir -p "$case" "tests/inspect/cases/pkg-$name"
    printf '%s\n' "$out" > "$case/input.yaml"
    [ -f "$case/expected.out" ] || : > "$case/expected.out"
    echo "tests/packages/$name" > "tests/inspect/cases/pkg-$name/args"
    [ -f "tests/inspect/cases/pkg-$name/expected.out" ] || : > "tests/inspect/cases/pkg-$name/expected.out"
done
exit $status
