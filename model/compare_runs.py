"""Training curves and a results table from JSONL logs (for the "why LSTMs" comparison).

    python -m model.compare_runs runs/cells/rnn runs/cells/gru runs/cells/lstm --plot docs/cells.png

Prints a Markdown table (cell, size, parameters, steps, minutes, best validation loss) and writes a PNG
with validation loss against wall time and against step.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display needed
import matplotlib.pyplot as plt  # noqa: E402

from model.checkpoint import load_checkpoint  # noqa: E402


def read_log(run: Path) -> list[dict]:
    """The evaluation records (those with a val_loss) of a run's log.jsonl."""
    lines = (run / "log.jsonl").read_text().splitlines()
    return [r for r in map(json.loads, lines) if "val_loss" in r]


def summarize(run: Path) -> dict:
    """One row of the comparison table for a run folder."""
    model, _, _ = load_checkpoint(run / "best.pt")
    records = read_log(run)
    c = model.config
    return {
        "cell": c.cell, "size": f"{c.n_layer}x{c.n_hidden}", "parameters": model.num_params(),
        "steps": records[-1]["step"], "minutes": round(records[-1]["seconds"] / 60, 1),
        "best_val_loss": round(min(r["val_loss"] for r in records), 4),
    }


def markdown_table(rows: list[dict]) -> str:
    """Rows as a Markdown table."""
    keys = list(rows[0])
    lines = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    lines += ["| " + " | ".join(f"{r[k]:,}" if isinstance(r[k], int) else str(r[k]) for k in keys) + " |" for r in rows]
    return "\n".join(lines)


def plot(runs: list[Path], labels: list[str], out: Path) -> None:
    """Validation loss against minutes and against steps, one line per run."""
    fig, (by_time, by_step) = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True)
    for run, label in zip(runs, labels):
        records = read_log(run)
        minutes = [r["seconds"] / 60 for r in records]
        steps = [r["step"] for r in records]
        losses = [r["val_loss"] for r in records]
        by_time.plot(minutes, losses, label=label)
        by_step.plot(steps, losses, label=label)
    by_time.set_xlabel("training time (minutes, 2-core CPU)")
    by_step.set_xlabel("step (64 x 128 characters)")
    by_time.set_ylabel("validation loss (nats/char)")
    for ax in (by_time, by_step):
        ax.grid(alpha=0.3)
        ax.set_ylim(top=2.2)
    by_time.legend()
    fig.suptitle("char-rnn on tinyshakespeare: validation loss")
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m model.compare_runs", description=__doc__.split("\n")[0])
    parser.add_argument("runs", nargs="+", type=Path)
    parser.add_argument("--plot", type=Path, default=None)
    args = parser.parse_args(argv)
    rows = [summarize(run) for run in args.runs]
    print(markdown_table(rows))
    if args.plot:
        plot(args.runs, [f"{r['cell']} {r['size']} ({r['parameters'] / 1e6:.2f}M)" for r in rows], args.plot)
        print(f"wrote {args.plot}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
