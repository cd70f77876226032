#!/bin/sh
# Builds presage's n-gram database for the KSR baseline: the 1-, 2- and 3-gram tables that the smoothed trigram
# predictor reads, counted by presage's own text2ngram (one table per call) from one text file, case kept.
#
#   benchmarks/presage/build_db.sh runs/presage/wiki.train.txt runs/presage/wikitext2-train.db
#
# The text is WikiText-2 train detokenized the way benchmarks/keystrokes.py prepares the test text (its
# baseline.py writes it). Needs Debian's presage package: apt-get install presage.
set -eu
[ $# -eq 2 ] || { echo "usage: $0 TRAIN_TEXT OUTPUT_DB" >&2; exit 2; }
command -v text2ngram >/dev/null || { echo "text2ngram not found: apt-get install presage" >&2; exit 1; }
rm -f "$2"
for n in 1 2 3; do
    text2ngram --ngrams "$n" --format sqlite --output "$2" "$1" >/dev/null
done
echo "$2"
