#!/usr/bin/env bash
# Issue 13's two levers for the English -> French translator on one borrowed GPU, in about 11 minutes of wall time
# (the session's 15 device minutes less the machine's start and the transfers), then the checkpoints packed small
# enough to bring back (model/device_pack.py):
#
#   1. French -> English on the same pairs and split (--direction=fr-en), FR_EN_MINUTES;
#   2. back-translation of the cut of french-mix sentences (python -m model.back_translate), at most BT_SECONDS;
#   3. English -> French on the real pairs plus the synthetic ones (tagged with the BT_TAG piece, at most
#      SYNTHETIC_RATIO synthetic pairs per real one), EN_FR_MINUTES;
#   and, from the start and side by side (CONTROL=1; the GPU has room: the three runs of device_train.sh shared it),
#   4. the control: English -> French on the real pairs alone for the same wall time as 1-3 together.
#   Every translator starts from the piece vectors (model/word_vectors.py, Tatoeba + english-mix + french-mix).
#
#   DATA=.gpu/data-bt OUT=/tmp/out bash model/device_translate_bt.sh
#
# DATA (model/device_data.sh ... translate-bt makes it): fra.txt.xz, fr-sentences.txt.xz (the French cut),
# tokenizer.json and pieces-256.npz (the vectors, for that very tokenizer). OUT gets report.json, timeline.txt,
# the packed checkpoints translate-bt.part* and translate-vec.part*, bt-sample.tsv and logs.txt.xz.
#
# Minute budget, from the H200 speeds measured before (about 30 s an epoch of the 160k Tatoeba pairs at batch 128
# for this model; each process also spends about 30 s reading and masking the pairs before its clock starts):
#   0.2 env | 0.5 load + 2.5 fr->en (about 5 epochs) | 0.3 load + <= 1.25 back-translation (greedy, batches of
#   1,024, bf16: at an estimated 3,000-5,000 sentences a second, the 300,000-sentence cut or what fits) |
#   0.5 load + 5.5 en->fr on real + synthetic (about 5-6 epochs of the mixture at 1:1) | 0.3 pack  = about 11.
#   The control trains for 0.8 + 2.5 + 1.25 + 0.5 + 5.5 = about 10.5 minutes, ending with the bt run.
set -uo pipefail
cd "$(dirname "$0")/.."
DATA=${DATA:-.gpu/data-bt}
OUT=${OUT:-runs/device-bt-out}
RUNS=${RUNS:-runs/device-bt}
PY=${PYTHON:-python3}
DEVICE=${DEVICE:-cuda}
FR_EN_MINUTES=${FR_EN_MINUTES:-2.5}
BT_SECONDS=${BT_SECONDS:-60}
BT_SENTENCES=${BT_SENTENCES:-300000}
BT_BATCH=${BT_BATCH:-1024}
EN_FR_MINUTES=${EN_FR_MINUTES:-5.5}
SYNTHETIC_RATIO=${SYNTHETIC_RATIO:-1.0}
CONTROL=${CONTROL:-1}
CONTROL_MINUTES=${CONTROL_MINUTES:-$(python3 -c "print(round($FR_EN_MINUTES + $BT_SECONDS / 60 + $EN_FR_MINUTES + 0.8, 2))")}
# EXTRA_FR_EN / EXTRA_EN_FR / EXTRA_BT: more settings (a CPU rehearsal shrinks the models and the data with them).
read -r -a EXTRA_FR_EN <<<"${EXTRA_FR_EN:-}"
read -r -a EXTRA_EN_FR <<<"${EXTRA_EN_FR:-}"
read -r -a EXTRA_BT <<<"${EXTRA_BT:-}"
export PYTHONUNBUFFERED=1 TQDM_DISABLE=1 ORT_DISABLE_TELEMETRY=1 PYTHONPATH=$PWD
mkdir -p "$OUT" "$RUNS"
START=$(date +%s)
mark() { echo "$(( $(date +%s) - START ))s $*" | tee -a "$OUT/timeline.txt"; }
mark start

$PY - >"$OUT/env.json" <<'PY'
import json, torch
print(json.dumps({"torch": torch.__version__, "cuda": torch.cuda.is_available(),
                  "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None}))
PY
CONFIG=model/configs/tatoeba_translate_placeholders.toml
COMMON=(--device="$DEVICE" --data="$DATA/fra.txt.xz" --tokenizer="$DATA/tokenizer.json" --bt_tag=true
        --pretrained_src="$DATA/pieces-256.npz" --epochs=0)
if [ "$CONTROL" = 1 ]; then
    mark "control en->fr (real pairs, vectors) for $CONTROL_MINUTES min"
    $PY -m model.train_translate "$CONFIG" "${COMMON[@]}" --max_minutes="$CONTROL_MINUTES" \
        --out_dir="$RUNS/translate-vec" "${EXTRA_EN_FR[@]}" >"$RUNS/translate-vec.log" 2>&1 &
    CONTROL_PID=$!
fi
mark "fr->en for $FR_EN_MINUTES min"
$PY -m model.train_translate "$CONFIG" "${COMMON[@]}" --direction=fr-en --max_minutes="$FR_EN_MINUTES" \
    --out_dir="$RUNS/translate-fr-en" "${EXTRA_FR_EN[@]}" >"$RUNS/translate-fr-en.log" 2>&1
mark "back-translation of at most $BT_SENTENCES sentences, $BT_SECONDS s"
$PY -m model.back_translate "$RUNS/translate-fr-en/best.pt" "$DATA/fr-sentences.txt.xz" --out "$RUNS/bt/pairs.tsv" \
    --max-sentences "$BT_SENTENCES" --batch "$BT_BATCH" --max-seconds "$BT_SECONDS" --device="$DEVICE" \
    "${EXTRA_BT[@]}" >"$RUNS/bt.json" 2>"$RUNS/bt.log"
cat "$RUNS/bt.json"
mark "en->fr on real + synthetic for $EN_FR_MINUTES min"
$PY -m model.train_translate "$CONFIG" "${COMMON[@]}" --synthetic="$RUNS/bt/pairs.tsv" \
    --synthetic_ratio="$SYNTHETIC_RATIO" --max_minutes="$EN_FR_MINUTES" --out_dir="$RUNS/translate-bt" \
    "${EXTRA_EN_FR[@]}" >"$RUNS/translate-bt.log" 2>&1
mark "en->fr done; waiting for the control"
[ "$CONTROL" = 1 ] && wait "$CONTROL_PID"
mark packing

$PY - "$OUT/report.json" "$RUNS" <<'PY'
import json, sys, torch
out, runs = sys.argv[1], sys.argv[2]
report = {"env": json.load(open(out.replace("report.json", "env.json")))}
for name in ("translate-fr-en", "translate-bt", "translate-vec"):
    try:
        ckpt = torch.load(f"{runs}/{name}/best.pt", map_location="cpu", weights_only=False)
        log = [json.loads(line) for line in open(f"{runs}/{name}/log.jsonl")]
        evals = [r for r in log if "val_loss" in r]
        report[name] = {"step": ckpt["step"], "epoch": ckpt["epoch"], "valid_loss": ckpt["best_val"],
                        "train_seconds": ckpt["train_seconds"], "split": ckpt.get("split"),
                        "pretrained": ckpt.get("pretrained"), "evals": evals[-3:]}
    except Exception as exc:  # a failed run is reported, the others still ship
        report[name] = {"error": repr(exc)}
try:
    report["back_translation"] = json.loads(open(f"{runs}/bt.json").read().strip().splitlines()[-1])
except Exception as exc:
    report["back_translation"] = {"error": repr(exc)}
json.dump(report, open(out, "w"), indent=1)
print(json.dumps(report, indent=1))
PY
for run in translate-bt translate-vec; do
    [ -f "$RUNS/$run/best.pt" ] && $PY -m model.device_pack pack "$RUNS/$run/best.pt" "$OUT/$run"
done
head -n 300 "$RUNS/bt/pairs.tsv" >"$OUT/bt-sample.tsv" 2>/dev/null
for f in "$RUNS"/*/log.jsonl "$RUNS"/*.log "$RUNS"/bt.json; do echo "== $f"; tail -c 300000 "$f"; done \
    | xz -9 >"$OUT/logs.txt.xz"
mark done
ls -la "$OUT"
