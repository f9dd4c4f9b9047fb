# Timed-run machinery shared by benches/compare.sh and benches/search.sh (sourced, not run).
#
# The caller sets, before using these functions:
#   WORK            the bench-work folder (the trash and .last-bulk-delete live there)
#   RES             the results folder (results.tsv, discarded.tsv, raw /usr/bin/time files)
#   QUIET_WAIT      seconds to wait for other processes to go quiet before a run (0: don't)
#   NOISY_RETRIES   how often a run disturbed by other processes is repeated
# and, for every TOOL it runs:
#   CMD_TOOL        an array: the command to time
#   clean_TOOL      a function: moves away what the previous run left
#   check_TOOL      optional function, called with the run's label after each run, to
#                   check its output before the next run replaces it
# Functions: die, log, trash_init, settle_fs, discard, clean_site, wait_quiet,
# results_init, run TOOL LABEL (label "warmup": not recorded), run_once.

die() { echo "${0##*/}: $*" >&2; exit 1; }
log() { echo "== $*" >&2; }

# Clean builds: the previous output is moved into bench-work/trash/ (a rename) and only deleted
# when the script ends. Deleting it right away would make the next build slower than a build
# on a fresh disk: for some minutes after a deletion ext4 avoids reusing the freed inodes, and
# every file the next build creates pays a scan past them (seen in `perf` as
# recently_deleted/find_inode_bit under ext4_create and ext4_mkdir, growing run after run).
# The trash is deleted on exit; the time of that deletion is written down so that the next
# invocation can wait until ext4 has stopped treating those inodes as recently deleted (60 s
# once the inode tables are synced) before it starts timing.
empty_trash() {
    if [ -d "$TRASH" ]; then rm -rf "$TRASH"; sync; date +%s > "$LAST_DELETE"; fi
}
trash_init() {
    TRASH="$WORK/trash"
    LAST_DELETE="$WORK/.last-bulk-delete"
    empty_trash
    mkdir -p "$TRASH"
    trap empty_trash EXIT
}
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
# clean_site DIR "KEEP...": everything a build leaves in the site folder besides the
# generated input (output, staging folders, an on-disk cache, Hugo's resources/ and lock
# file) goes before the next run.
clean_site() {
    local dir=$1 keep=" $2 " e extra=()
    for e in "$dir"/* "$dir"/.[!.]*; do
        [ -e "$e" ] || continue
        case "$keep" in *" ${e##*/} "*) ;; *) extra+=("$e") ;; esac
    done
    if [ ${#extra[@]} -gt 0 ]; then discard "${extra[@]}"; fi
}

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

results_init() {
    printf 'tool\trep\twall_s\tuser_s\tsys_s\tmaxrss_kb\tother_cpu_s\n' | tee "$RES/discarded.tsv" > "$RES/results.tsv"
}

# run TOOL LABEL: one clean, timed build; appends a row to results.tsv
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
    if declare -F "check_$tool" >/dev/null; then "check_$tool" "$label"; fi
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
        echo "---- $tool failed (exit $rc); its stderr:" >&2
        cat "$efile" >&2
        die "$tool failed: ${cmd[*]}"
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
