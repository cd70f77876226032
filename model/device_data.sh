#!/usr/bin/env bash
# Builds the corpus folder that model/device_train.sh reads on a GPU machine, which has no ../shared and
# takes at most 64 MiB with the repository: english-mix's Wikipedia part whole, the first 41,000,000 bytes
# of its books part (whole lines: about 7.3 million words, the first books in file order), both dev files,
# WikiText-2 train/valid and Tatoeba's pairs, xz-compressed. Also writes the exact training text of the word
# model (the mixture's sources, WikiText-2 twice as its weight says, detokenized) for presage's n-gram database.
#
#   bash model/device_data.sh [SHARED_DATA=../shared/data] [OUT=.gpu/data]
#
# The set "translate-bt" is what model/device_translate_bt.sh reads instead (about 12 MB, so that it fits beside
# the repository's 46 MiB): Tatoeba's pairs, a cut of french-mix's sentences (every 4th line of 3-30 words, at most
# 300,000, none whose text is in translation-dev) and the piece vectors with their tokenizer (VECTORS, made by
# python -m model.word_vectors; its tokenizer.json is beside it).
#
#   VECTORS=runs/vectors/pieces-256.npz bash model/device_data.sh ../shared/data .gpu/data-bt translate-bt
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=${1:-../shared/data}
OUT=${2:-.gpu/data}
mkdir -p "$OUT"
if [ "${3:-all}" = translate-bt ]; then
    VECTORS=${VECTORS:-runs/vectors/pieces-256.npz}
    cp "$VECTORS" "$OUT"/pieces-256.npz
    cp "$(dirname "$VECTORS")"/tokenizer.json "$OUT"/tokenizer.json
    xz -6 -c "$SRC"/tatoeba-eng-fra/fra.txt >"$OUT"/fra.txt.xz
    python -c "import json, sys; from pathlib import Path; from model.back_translate import write_cut
print(json.dumps(write_cut(sys.argv[1], sys.argv[2], int(sys.argv[3]), 4, sorted(Path(sys.argv[4]).glob('*.tsv')))))" \
        "$SRC"/french-mix/sentences.txt.xz "$OUT"/fr-sentences.txt.xz "${BT_SENTENCES:-300000}" "$SRC"/translation-dev
    du -b "$OUT"/*
    exit 0
fi
cp "$SRC"/english-mix/wiki.train.txt.xz "$SRC"/english-mix/wiki.dev.txt.xz "$SRC"/english-mix/books.dev.txt.xz "$OUT"/
xz -dc "$SRC"/english-mix/books.train.txt.xz | head -c 41000000 | sed '$d' | xz -6 -T2 >"$OUT"/books.train.part.txt.xz
xz -6 -c "$SRC"/wikitext-2/wiki.train.tokens >"$OUT"/wiki.train.tokens.xz
xz -6 -c "$SRC"/wikitext-2/wiki.valid.tokens >"$OUT"/wiki.valid.tokens.xz
xz -6 -c "$SRC"/tatoeba-eng-fra/fra.txt >"$OUT"/fra.txt.xz
mkdir -p runs/english-mix-word
# WikiText-2 written back as plain text the way the keystroke benchmark prepares its test text, for presage.
wt2=$(python -c "from benchmarks.ksr import detokenized_lines; import sys; print(*detokenized_lines(sys.argv[1]), sep=chr(10))" \
    "$SRC"/wikitext-2/wiki.train.tokens)
{ xz -dc "$OUT"/wiki.train.txt.xz "$OUT"/books.train.part.txt.xz
  printf '%s\n%s\n' "$wt2" "$wt2"; } >runs/english-mix-word/train-text.txt
du -b "$OUT"/*
