#!/usr/bin/env bash
# Issue 13's measurement of piece vectors at equal cost (docs/translation-choices.md): the placeholder translator
# (model/configs/tatoeba_translate_placeholders.toml) trained the same STEPS steps of BATCH pairs, with the same
# tokenizer, seed and schedule, on one CPU thread, (a) from random embeddings, (b) from piece vectors of the
# Tatoeba training split, (c) from piece vectors of the split plus monolingual English and French; each is
# exported (python -m export.translator) and scored with beam 4 on the first LIMIT sentences of
# tatoeba-v2021-unseen (python -m export.translation_dev).
#   bash model/run_vectors_ablation.sh TOKENIZER VECTORS_TATOEBA VECTORS_MONO   [STEPS=800 BATCH=64 LIMIT=300]
set -euo pipefail
cd "$(dirname "$0")/.."
tokenizer=$1 tatoeba=$2 mono=$3
STEPS=${STEPS:-800} BATCH=${BATCH:-64} LIMIT=${LIMIT:-300} OUT=${OUT:-runs/abl}
SHARED=${SHARED:-../shared/data}
config=model/configs/tatoeba_translate_placeholders.toml
mkdir -p "$OUT/dev" && ln -sf "$(realpath "$SHARED/translation-dev/tatoeba-v2021-unseen.tsv")" "$OUT/dev/"
common=(--data="$SHARED/tatoeba-eng-fra/fra.txt" --tokenizer="$tokenizer" --bt_tag=true --epochs=0
        --max_iters="$STEPS" --batch_size="$BATCH" --warmup_iters=100 --eval_interval="$STEPS" --max_minutes=0
        --eval_bleu_sentences=0 --threads=1 --device=cpu)
for variant in ${VARIANTS:-none tatoeba mono}; do
    case $variant in none) vectors=() ;; tatoeba) vectors=(--pretrained_src="$tatoeba") ;;
                     mono) vectors=(--pretrained_src="$mono") ;; esac
    run=$OUT/$variant
    nice -n 10 python -m model.train_translate "$config" --out_dir="$run" "${common[@]}" "${vectors[@]}" >"$run.log" 2>&1
    nice -n 10 python -m export.translator "$run/best.pt" --out "$run/package" --work-dir "$run/graphs" \
        --data="$SHARED/tatoeba-eng-fra/fra.txt" --eval-sentences 50 --no-speed >"$run.export.log" 2>&1
    nice -n 10 python -m export.translation_dev "$run/package" --dev-dir "$OUT/dev" --data '' --limit "$LIMIT" \
        --json "$run/dev.json" >"$run.dev.log" 2>&1
    python - "$run" <<'PY'
import json, sys
run = sys.argv[1]
log = [json.loads(line) for line in open(f"{run}/log.jsonl")]
last = [r for r in log if "val_loss" in r][-1]
dev = json.load(open(f"{run}/dev.json"))["sets"]["tatoeba-v2021-unseen"]
print(json.dumps({"run": run, "step": last["step"], "val_loss": last["val_loss"], "seconds": last["seconds"],
                  "unseen_bleu": dev["bleu"], "unseen_chrf": dev["chrf"], "sentences": dev.get("sentences")}))
PY
done
