#!/bin/sh
# Builds presage's n-gram database for the KSR baseline: the 1-, 2- and 3-gram tables that the smoothed trigram
# predictor reads, counted by presage's own text2ngram (one table per call) from one plain text file, case kept.
#
#   benchmarks/presage/build_db.sh TRAIN_TEXT [OUTPUT_DB]
#   benchmarks/presage/build_db.sh runs/presage/wiki.train.txt runs/presage/wikitext2-train.db
#   benchmarks/presage/build_db.sh runs/english-mix-word/train.txt        # -> runs/presage/train.txt.db
#
# TRAIN_TEXT is any plain UTF-8 text file: pass exactly the text the word model was trained on (WikiText-2 train is
# written detokenized by benchmarks/presage/baseline.py, the way benchmarks/ksr.py prepares the test text).
# OUTPUT_DB defaults to runs/presage/<file name>.db, which is where benchmarks/keystrokes.py --presage-train FILE
# looks. The configuration that reads it is static (config.xml.in: the smoothed n-gram predictor alone, no learning).
# Needs Debian's presage package: apt-get install -y presage libpresage-data.
set -eu
[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: $0 TRAIN_TEXT [OUTPUT_DB]" >&2; exit 2; }
[ -f "$1" ] || { echo "$1: no such file" >&2; exit 2; }
command -v text2ngram >/dev/null || { echo "text2ngram not found: apt-get install -y presage" >&2; exit 1; }
out=${2:-runs/presage/$(basename "$1").db}
mkdir -p "$(dirname "$out")"
rm -f "$out"
for n in 1 2 3; do
    text2ngram --ngrams "$n" --format sqlite --output "$out" "$1" >/dev/null
done
echo "$out"
