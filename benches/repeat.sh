#!/usr/bin/env bash
# Repeat-build benchmark (issue 14): one untimed build into an empty public/, then three
# timed builds of the unchanged site (or after editing one post), each under
# /usr/bin/time -v. kudos's cache folder (.kudos-cache/) is left as the builds leave it:
# these are warm builds.
#
#   benches/repeat.sh KUDOS SITE LABEL [v1|edit]
#
#   KUDOS   the kudos binary (copy it out of target/ first, so a rebuild cannot swap it)
#   SITE    a generated site (gen_corpus.py --format kudos)
#   LABEL   names the raw `time -v` files in bench-work/results/
#   v1      before each timed build, rewrite the manifest as version 1 (paths only), so
#           every file is compared byte for byte instead of by its stamp
#   edit    before each timed build, add a line to the body of the first post (by name)
#
# The previous public/ is moved into bench-work/trash/ (not deleted: see "How it is
# measured" in docs/performance.md); empty it yourself afterwards.
set -euo pipefail
bin=$1 site=$2 label=$3 mode=${4:-}
mkdir -p bench-work/trash bench-work/results
if [ -e "$site/public" ]; then
  mv "$site/public" "$(mktemp -d bench-work/trash/public-XXXXXX)/"
fi
"$bin" --root "$site" build --quiet
for i in 1 2 3; do
  if [ "$mode" = v1 ]; then
    python3 - "$site/public/.kudos-manifest" <<'PY'
import sys
path = sys.argv[1]
lines = open(path).read().splitlines()
lines[0] = "kudos-manifest 1"
open(path, "w").write("".join(line.split("\t")[0] + "\n" for line in lines))
PY
  fi
  if [ "$mode" = edit ]; then
    post=$(find "$site/content/posts" -name '*.md' | sort | awk 'NR == 1')
    echo "An added line, $i." >> "$post"
  fi
  sync
  sleep 2
  start=$(date +%s%N)
  /usr/bin/time -v "$bin" --root "$site" build --quiet 2> "bench-work/results/$label-$i.time"
  end=$(date +%s%N)
  printf '%s run %d: wall %d ms, ' "$label" "$i" $(((end - start) / 1000000))
  grep -E 'User time|System time|Maximum resident' "bench-work/results/$label-$i.time" |
    awk -F': ' '{printf "%s %s, ", $1, $2}'
  echo "load $(cut -d' ' -f1 /proc/loadavg)"
done
