#!/usr/bin/env bash
# "Why LSTMs": trains rnn, gru and lstm at ~1.3M parameters for the same 400 steps each, one after
# another (they would slow each other on a small machine), then tables and plots the curves.
set -euo pipefail
cd "$(dirname "$0")/.."
for cell in rnn gru lstm; do
    python -m model.train_char "model/configs/cells_${cell}.toml" "$@"
done
python -m model.compare_runs runs/cells/rnn runs/cells/gru runs/cells/lstm --plot docs/cells.png
