# tests/lib.sh - what the shell suites share: a scratch directory ($tmp,
# removed on exit), the pass/fail tally and the closing line that counts.
# Source it after setting suite=NAME.
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $suite/$1"; }
# check NAME COMMAND...: passes when the command does; else its output.
check() {
    local name=$1; shift
    if "$@" > "$tmp/check.log" 2>&1; then ok; else bad "$name"; sed 's/^/    /' "$tmp/check.log" | head -20; fi
}
# tally NAME PROBLEM...: a case passes with no problems, else fails naming them.
tally() {
    local name=$1; shift
    if [ $# -eq 0 ]; then ok; else bad "$name: $*"; fi
}
# The closing line, and the exit status: 0 when nothing failed.
finish() {
    echo "$suite: $pass passed, $fail failed"
    [ "$fail" -eq 0 ]
    exit
}
