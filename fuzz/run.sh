#!/usr/bin/env bash
# Runs the fuzz target for SECONDS (default 60) on the stable toolchain.
#
# cargo-fuzz needs nightly only for its sanitizers; coverage instrumentation (sancov) works
# on stable, so this builds with the same flags cargo-fuzz passes, minus AddressSanitizer
# (the code under test is safe Rust: what we look for is panics, stack overflows, hangs and
# memory blow-ups, which libFuzzer catches without it).
#
# Usage: fuzz/run.sh [SECONDS] [extra libFuzzer flags...]
# Crashes land in fuzz/artifacts/, the growing corpus in fuzz/corpus/ (both git-ignored).
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
shift || true

export RUSTFLAGS="-Cpasses=sancov-module \
 -Cllvm-args=-sanitizer-coverage-level=4 \
 -Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
 -Cllvm-args=-sanitizer-coverage-pc-table \
 -Cllvm-args=-sanitizer-coverage-trace-compares \
 --cfg fuzzing -Cdebug-assertions -Coverflow-checks"
# --target keeps RUSTFLAGS off build scripts and proc macros (they must link without libFuzzer).
target="$(rustc -vV | sed -n "s/^host: //p")"
cargo build --release --locked --bin inputs --target "$target"
mkdir -p corpus/inputs artifacts/inputs
# Seed the corpus with the demo site's content and the test fixtures (real-looking files).
find ../content ../tests/fixtures -name '*.md' -size -64k -exec cp -n {} corpus/inputs/ \; 2>/dev/null || true
# ...and with recipes for big inputs (see fuzz_targets/inputs.rs): deep nesting, long lines.
cp -n seeds/* corpus/inputs/
# Every input the fuzzer once failed on runs first: a regression stops the run at once.
cp -n regressions/* corpus/inputs/

# 2 MiB of stack, like the rayon worker threads that render pages in a real build: a
# recursion that fits in 8 MiB but not there is a crash here too.
ulimit -s 2048
# -timeout: one input taking over 10 s is a hang (a blow-up); -rss_limit_mb: memory.
exec "target/$target/release/inputs" corpus/inputs \
  -artifact_prefix=artifacts/inputs/ \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
  -print_final_stats=1 "$@"
