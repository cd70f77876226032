#!/usr/bin/env bash
# The GPU check (issue 16): installs onnxruntime-gpu when it was carried, then python -m benchmarks.device_check:
# CPU/CUDA parity of the shipped packages, latency and throughput side by side, 200 training steps per model on
# CUDA. Writes device_report.json (and device_check.log) to --out DIR, $OUT, or runs/device_check.
#
#   bash benchmarks/device_check.sh                  # on the GPU machine (no network needed)
#   bash benchmarks/device_check.sh --dry-run        # CPU smoke run (CI)
#
# onnxruntime-gpu: the machine's onnxruntime is used when it already has the CUDA provider. Otherwise wheels in
# .whl/ are installed without the network into build/device-pydeps, put first on PYTHONPATH (so its onnxruntime
# shadows the machine's CPU one, and torch stays the machine's): onnxruntime_gpu-*.whl (or its pieces
# onnxruntime_gpu-*.whl.part-*, joined first), and any other wheel there (tokenizers, tqdm) with --no-deps.
# Without them the report says the CUDA provider is missing, and the CPU numbers and the torch CUDA training
# still run. Budget: under 8 minutes on a fresh machine (a timeout stops the Python part at 7 minutes).
set -uo pipefail
cd "$(dirname "$0")/.."

OUT_DIR=${OUT:-runs/device_check}
ARGS=()
DRY=0
while [ $# -gt 0 ]; do
    case "$1" in
        --out) OUT_DIR=$2; shift 2 ;;
        --dry-run) DRY=1; ARGS+=("--dry-run"); shift ;;
        *) ARGS+=("$1"); shift ;;
    esac
done
mkdir -p "$OUT_DIR"
LOG="$OUT_DIR/device_check.log"
PY=${PYTHON:-python3}
export PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONUNBUFFERED=1
echo "device_check: $(date -u +%FT%TZ) python=$($PY -c 'import sys; print(sys.executable)')" | tee "$LOG"

has_cuda_ep() {
    "$1" -c 'import onnxruntime as o, sys; sys.exit("CUDAExecutionProvider" not in o.get_available_providers())' 2>/dev/null
}

if [ "$DRY" = 0 ]; then
    for first in .whl/onnxruntime_gpu-*.whl.part-aa; do
        [ -e "$first" ] || continue
        whole=${first%.part-aa}
        [ -e "$whole" ] || cat "$whole".part-* >"$whole"
    done
    wheels=()
    for wheel in .whl/*.whl; do
        [ -e "$wheel" ] || continue
        case "$wheel" in
            .whl/onnxruntime_gpu-*) has_cuda_ep "$PY" && continue ;;  # the machine's onnxruntime has CUDA already
        esac
        wheels+=("$wheel")
    done
    if [ ${#wheels[@]} -gt 0 ]; then
        echo "device_check: installing ${wheels[*]} into build/device-pydeps (no network)" | tee -a "$LOG"
        installed=1
        if ! "$PY" -m pip install -q --no-index --no-deps --upgrade --target build/device-pydeps "${wheels[@]}" \
            >>"$LOG" 2>&1; then
            echo "device_check: pip failed (see $LOG); unpacking the wheels instead" | tee -a "$LOG"
            for wheel in "${wheels[@]}"; do
                "$PY" -m zipfile -e "$wheel" build/device-pydeps >>"$LOG" 2>&1 || installed=0
            done
        fi
        # first on the path: its onnxruntime (-gpu) shadows the machine's CPU one; torch stays the machine's
        [ "$installed" = 1 ] && export PYTHONPATH="$PWD/build/device-pydeps${PYTHONPATH:+:$PYTHONPATH}"
    fi
    has_cuda_ep "$PY" || echo "device_check: no CUDA provider in $PY's onnxruntime: CPU numbers and torch only" \
        | tee -a "$LOG"
fi

# onnxruntime-gpu finds cuDNN/cuBLAS through torch's NVIDIA wheels once torch has loaded them (see the module).
timeout 420 "$PY" -m benchmarks.device_check --out "$OUT_DIR" "${ARGS[@]}" 2>&1 | tee -a "$LOG"
code=${PIPESTATUS[0]}
[ "$code" = 124 ] && echo "device_check: stopped at the 7-minute limit; the report holds what was measured" | tee -a "$LOG"
echo "device_check: exit $code; report $OUT_DIR/device_report.json" | tee -a "$LOG"
exit "$code"
