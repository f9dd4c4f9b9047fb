#!/usr/bin/env bash
# The physical floor beside a build (issue 14): how long this machine takes to read a
# site's content (`cat` of every file, page cache warm, as a build finds it) and to write
# the same output tree again (a copy of public/ into a fresh folder on the same disk, on
# both cores: one `cp` per half of the files, folders made first).
#
#   benches/floor.sh SITE
#
#   SITE    a generated site that has been built (gen_corpus.py --format kudos, then
#           `kudos build`), so SITE/public holds the output
#
# The copy goes to bench-work/floor-copy-* and is moved into bench-work/trash/ afterwards
# (not deleted: see "How it is measured" in docs/performance.md); empty it yourself.
set -euo pipefail
site=$1
mkdir -p bench-work/trash
ms() { echo $((($2 - $1) / 1000000)); }

files=$(find "$site/content" -type f | wc -l)
find "$site/content" -type f -print0 | xargs -0 cat > /dev/null # warm the page cache
start=$(date +%s%N)
find "$site/content" -type f -print0 | xargs -0 cat > /dev/null
end=$(date +%s%N)
echo "read content: $files files in $(ms "$start" "$end") ms"

copy=$(realpath "$(mktemp -d bench-work/floor-copy-XXXXXX)")
outputs=$(find "$site/public" -type f | wc -l)
sync
start=$(date +%s%N)
(cd "$site/public" && find . -type d -print0 | (cd "$copy" && xargs -0 mkdir -p))
(cd "$site/public" && find . -type f -print0 | xargs -0 -n 2000 -P 2 cp --parents -t "$copy")
end=$(date +%s%N)
# No sync before the clock stops: a build does not wait for the disk either.
echo "write output: $outputs files in $(ms "$start" "$end") ms (load $(cut -d' ' -f1 /proc/loadavg))"
mv "$copy" bench-work/trash/
