#!/bin/sh
# Keystroke savings on everyday English (issue 12, item 3): Folio and presage side by side, same harness and rules
# (benchmarks/ksr.py), presage's trigram counted from the training text of the model being measured. Prints each
# run's table, then one markdown table of them all.
#
#   benchmarks/everyday_ksr.sh                                   # the shipped model; presage from WikiText-2 train
#   benchmarks/everyday_ksr.sh --package resources/models/NEW --presage-train runs/NEW/train.txt
#   WORDS=20000 benchmarks/everyday_ksr.sh ...                   # bigger samples (default 6000 words a text)
#
# The texts (DATA=../shared/data): the English sides of translation-dev tico19-eng-fra.tsv (health, conversation)
# and ntrex128-eng-fra.tsv (news), english-mix wiki.dev and books.dev, each a seeded sample (seed SEED, default 0)
# of about WORDS words in whole pieces of at most 2,000 words; and the first WORDS words of WikiText-2 test.
# Any other option goes to every python -m benchmarks.keystrokes run. Needs presage: apt-get install -y presage.
set -eu
cd "$(dirname "$0")/.."
WORDS=${WORDS:-6000}
SEED=${SEED:-0}
DATA=${DATA:-../shared/data}
PYTHON=${PYTHON:-python}
rows=$(mktemp)
trap 'rm -f "$rows"' EXIT
run() {  # label, then keystrokes options
    label=$1
    shift
    echo "== $label" >&2
    $PYTHON -m benchmarks.keystrokes --presage --no-simulator --label "$label" "$@" | tee -a /dev/stderr \
        | grep '^| ' >>"$rows"
}
run "tico19 (English side)" --text "$DATA/translation-dev/tico19-eng-fra.tsv" --sample-words "$WORDS" --seed "$SEED" "$@"
run "ntrex128 (English side)" --text "$DATA/translation-dev/ntrex128-eng-fra.tsv" --sample-words "$WORDS" \
    --seed "$SEED" "$@"
run "english-mix wiki.dev" --text "$DATA/english-mix/wiki.dev.txt.xz" --sample-words "$WORDS" --seed "$SEED" "$@"
run "english-mix books.dev" --text "$DATA/english-mix/books.dev.txt.xz" --sample-words "$WORDS" --seed "$SEED" "$@"
run "WikiText-2 test (first $WORDS words)" --data "$DATA/wikitext-2" --limit-words "$WORDS" "$@"
echo
echo "| text | words | system | KSR@1 | KSR@3 | KSR@6 | top-1 | top-3 |"
echo "|---|---:|---|---:|---:|---:|---:|---:|"
cat "$rows"
