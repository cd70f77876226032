#!/usr/bin/env bash
# Issue 4's measurements of the translator's choices at equal cost: the same 800 steps of 64 pairs, the same
# tokenizer and schedule, for an LSTM, a GRU, an LSTM whose embedding starts from word2vec vectors of the BPE
# pieces (gensim, trained on the training split), and an LSTM without label smoothing. One after another,
# one thread each. Usage: model/run_translate_ablation.sh TOKENIZER_JSON [extra train_translate flags]
set -euo pipefail
cd "$(dirname "$0")/.."
tokenizer=$1; shift
config=model/configs/tatoeba_translate.toml
common=(--tokenizer="$tokenizer" --epochs=0 --max_iters=800 --warmup_iters=100 --eval_interval=800 --threads=1)
python -m model.word_vectors "$config" --tokenizer="$tokenizer" --out_dir=runs/vectors \
    --vectors_out=runs/vectors/pieces-256.txt --threads=1
python -m model.train_translate "$config" --out_dir=runs/ablation/lstm "${common[@]}" "$@"
python -m model.train_translate "$config" --out_dir=runs/ablation/gru --cell=gru "${common[@]}" "$@"
python -m model.train_translate "$config" --out_dir=runs/ablation/lstm-w2v \
    --pretrained_src=runs/vectors/pieces-256.txt "${common[@]}" "$@"
python -m model.train_translate "$config" --out_dir=runs/ablation/lstm-no-smoothing --label_smoothing=0 \
    "${common[@]}" "$@"
for run in lstm gru lstm-w2v lstm-no-smoothing; do  # the last evaluation of each: validation loss, greedy BLEU
    echo "$run $(grep val_loss "runs/ablation/$run/log.jsonl" | tail -1)"
done
