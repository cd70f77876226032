#!/usr/bin/env bash
# Trains the shipped models' successors side by side on one borrowed GPU in a fixed wall time, then packs the
# checkpoints into parts small enough to bring back (model/device_pack.py):
#   - the general-English word model (model/configs/english_mix_word.toml) on two mixtures at once; the one
#     with the lower english-mix dev loss is kept, and both are scored on WikiText-2 valid too;
#   - the placeholder translator (model/configs/tatoeba_translate_placeholders.toml).
#
#   DATA=.gpu/data OUT=/tmp/out MINUTES=6 bash model/device_train.sh
#
# DATA holds the corpora (a GPU machine has no ../shared; model/device_data.sh makes it): english-mix's wiki.train.txt.xz, a cut of
# books.train.txt.xz named books.train.part.txt.xz, wiki.dev.txt.xz and books.dev.txt.xz, WikiText-2's
# wiki.train.tokens.xz and wiki.valid.tokens.xz, and Tatoeba's fra.txt.xz. Logs and report.json go to OUT.
set -uo pipefail
cd "$(dirname "$0")/.."
DATA=${DATA:-.gpu/data}
OUT=${OUT:-runs/device-out}
MINUTES=${MINUTES:-6}
PY=${PYTHON:-python3}
DEVICE=${DEVICE:-cuda}
# EXTRA_WORD / EXTRA_TRANSLATE: more --key=value settings (a CPU rehearsal shrinks the models with them).
read -r -a EXTRA_WORD <<<"${EXTRA_WORD:-}"
read -r -a EXTRA_TRANSLATE <<<"${EXTRA_TRANSLATE:-}"
export PYTHONUNBUFFERED=1 TQDM_DISABLE=1 ORT_DISABLE_TELEMETRY=1 PYTHONPATH=$PWD
mkdir -p "$OUT" runs/device
LOGS=runs/device

$PY - >"$OUT/env.json" <<'EOF'
import json, torch, onnxruntime as ort
print(json.dumps({"torch": torch.__version__, "cuda": torch.cuda.is_available(),
                  "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
                  "onnxruntime": ort.__version__, "ort_providers": ort.get_available_providers()}))
EOF

SOURCES="wiki=$DATA/wiki.train.txt.xz,books=$DATA/books.train.part.txt.xz,wikitext=$DATA/wiki.train.tokens.xz"
DEV="$DATA/wiki.dev.txt.xz,$DATA/books.dev.txt.xz"
word() {  # word NAME WEIGHTS
    $PY -m model.train_word model/configs/english_mix_word.toml --device="$DEVICE" --mix_sources="$SOURCES" \
        --mix_dev="$DEV" --mix_weights="$2" --max_minutes="$MINUTES" --out_dir="runs/word-$1" \
        "${EXTRA_WORD[@]}" >"$LOGS/word-$1.log" 2>&1
}
if [ "${STAGE:-all}" != pack ]; then  # STAGE=pack only scores and packs runs already trained
word a "wiki=1,books=1,wikitext=2" &
word b "wiki=1,books=0.4,wikitext=4" &
$PY -m model.train_translate model/configs/tatoeba_translate_placeholders.toml --device="$DEVICE" \
    --data="$DATA/fra.txt.xz" --max_minutes="$MINUTES" --out_dir=runs/translate-ph "${EXTRA_TRANSLATE[@]}" >"$LOGS/translate.log" 2>&1 &
wait
fi

for run in a b; do
    $PY -m model.device_pack score-word "runs/word-$run/best.pt" "$DATA/wiki.valid.tokens.xz" \
        >"$LOGS/wt2-$run.json" 2>>"$LOGS/word-$run.log"
done
$PY - "$OUT/report.json" <<'EOF'
import json, sys, torch
report = {"env": json.load(open(sys.argv[1].replace("report.json", "env.json")))}
for run in ("a", "b"):
    try:
        ckpt = torch.load(f"runs/word-{run}/best.pt", map_location="cpu", weights_only=False)
        wt2 = json.load(open(f"runs/device/wt2-{run}.json"))["loss"]
        report[f"word-{run}"] = {"mix_weights": ckpt["config"]["mix_weights"], "step": ckpt["step"],
                                 "dev_loss": ckpt["best_val"], "wikitext2_valid_loss": wt2,
                                 "train_seconds": ckpt["train_seconds"], "averaged": ckpt.get("averaged_weights")}
    except Exception as exc:  # a failed run is reported, the other still ships
        report[f"word-{run}"] = {"error": repr(exc)}
ok = [r for r in ("a", "b") if "dev_loss" in report[f"word-{r}"]]
report["word_kept"] = min(ok, key=lambda r: report[f"word-{r}"]["dev_loss"]) if ok else None
try:
    ckpt = torch.load("runs/translate-ph/best.pt", map_location="cpu", weights_only=False)
    report["translate"] = {"step": ckpt["step"], "epoch": ckpt["epoch"], "valid_loss": ckpt["best_val"],
                           "train_seconds": ckpt["train_seconds"]}
except Exception as exc:
    report["translate"] = {"error": repr(exc)}
json.dump(report, open(sys.argv[1], "w"), indent=1)
print(json.dumps(report, indent=1))
EOF
KEPT=$($PY -c "import json; print(json.load(open('$OUT/report.json'))['word_kept'] or '')")
if [ -n "$KEPT" ]; then
    $PY -m model.device_pack pack "runs/word-$KEPT/best.pt" "$OUT/word" --int8=embed.weight
fi
$PY -m model.device_pack pack runs/translate-ph/best.pt "$OUT/translate"
for f in runs/word-*/log.jsonl runs/translate-ph/log.jsonl "$LOGS"/*; do echo "== $f"; tail -c 300000 "$f"; done \
    | xz -9 >"$OUT/logs.txt.xz"
ls -la "$OUT"
