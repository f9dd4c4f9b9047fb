#!/usr/bin/env bash
# A/B clean-build timing of two kudos binaries on one corpus, on this machine.
#
#   benches/ab.sh BASE_BIN HEAD_BIN CORPUS [REPS]
#
# For "is this change slower?" questions (compare.sh answers "against Hugo"): both
# binaries build the same corpus (from ../shared/bench/gen_corpus.py --format kudos),
# alternating base, head, base, head, ... REPS times each (default 5) after one untimed
# warm-up each. Every run writes into a fresh folder under $AB_OUT (default
# /dev/shm/kudos-ab, tmpfs: the file system's cost of creating files is left out, as in
# issue 14's numbers), removed after the run. Wall time is `date +%s%N` around the
# build; peak RSS comes from /usr/bin/time -v when it is installed. Prints every run and
# the median of each binary, and the ratio head/base.
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: benches/ab.sh BASE_BIN HEAD_BIN CORPUS [REPS]" >&2; exit 2; }
BASE=$1 HEAD=$2 CORPUS=$3 REPS=${4:-5}
OUT_ROOT=${AB_OUT:-/dev/shm/kudos-ab}
mkdir -p "$OUT_ROOT"
TIMER=()
[ -x /usr/bin/time ] && TIMER=(/usr/bin/time -v)

run() { # bin label -> prints "label seconds rss_kib"
    local out="$OUT_ROOT/out-$$"
    rm -rf "$out"
    local log="$OUT_ROOT/time-$$.log"
    local start end
    start=$(date +%s%N)
    "${TIMER[@]}" "$1" --root "$CORPUS" build --quiet --output "$out" 2>"$log" >/dev/null
    end=$(date +%s%N)
    local rss
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
    rm -rf "$out" "$log"
    echo "$2 $(( (end - start) / 1000000 )) ${rss:-?}"
}

run "$BASE" warmup-base >/dev/null
run "$HEAD" warmup-head >/dev/null
results=()
for _ in $(seq "$REPS"); do
    results+=("$(run "$BASE" base)")
    results+=("$(run "$HEAD" head)")
done
printf '%s\n' "${results[@]}"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
b=$(printf '%s\n' "${results[@]}" | awk '$1=="base" {print $2}' | median)
h=$(printf '%s\n' "${results[@]}" | awk '$1=="head" {print $2}' | median)
br=$(printf '%s\n' "${results[@]}" | awk '$1=="base" {print $3}' | median)
hr=$(printf '%s\n' "${results[@]}" | awk '$1=="head" {print $3}' | median)
echo "median wall: base ${b} ms, head ${h} ms, head/base $(awk -v h="$h" -v b="$b" 'BEGIN {printf "%.3f", h/b}')"
echo "median peak RSS: base ${br} KiB, head ${hr} KiB"
