#!/bin/sh
# Keystroke savings of Folio's next-word completion and of presage, side by side: the same WikiText-2 test text,
# the same presage_simulator rules (see benchmarks/ksr.py). The first run writes the detokenized training
# text and builds presage's n-gram database under runs/presage/ (about a minute; needs apt-get install presage).
#
#   benchmarks/run_ksr.sh --limit-words 20000          # a subset (minutes)
#   benchmarks/run_ksr.sh                              # the whole test text (hours on one core: presage is slow)
#   benchmarks/run_ksr.sh --package /tmp/wpkg/wikitext2-word --repeat ...   (any option of benchmarks.keystrokes)
set -eu
cd "$(dirname "$0")/.."
exec python -m benchmarks.keystrokes --presage "$@"
