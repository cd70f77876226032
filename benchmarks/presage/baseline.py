"""presage (Debian's ``presage`` 0.9.1) as the baseline of the keystroke-savings benchmark: its n-gram database
rebuilt from WikiText-2 train, a static configuration, runs of ``presage_simulator``, and presage's C library
driven through ctypes as one more backend of the harness in benchmarks/ksr.py (same rules, same text as Folio).

    apt-get install presage                          # presage_simulator, text2ngram, libpresage.so.1
    python -m benchmarks.presage.baseline            # writes runs/presage/wiki.train.txt and builds the database
    python -m benchmarks.presage.baseline --train runs/english-mix.train.txt   # n-grams of any plain text file

Generated files go to ``runs/presage/`` (git-ignored): the detokenized training text, the database
(``wikitext2-train.db``, about 100 MB; ``<training file name>.db`` for ``--train``), the filled-in configurations
and the typed test texts. A database built from ``--train`` is rebuilt when the file is newer than it.

This module is a library (``run_presage``: presage as one more system of the harness in benchmarks/ksr.py, which
benchmarks/keystrokes.py runs with ``--presage``, ``--presage-train``) and a small command line that only builds the
database. It imports the harness, never the keystrokes command line.

The configuration (config.xml.in): the smoothed n-gram predictor alone with presage's default deltas
``0.01 0.1 0.89`` (a trigram model), ``LEARN`` false and ``ONLINE_LEARNING`` no (the database never changes), no
recency, dictionary, abbreviation or user predictors, ``LOWERCASE_MODE`` no (the database keeps case, since the
simulator matches case; on a 2,000-word sample lowercase context tracking was 0.6 points worse), every other
setting presage's default. The number of suggestions is ``SUGGESTIONS`` in the file (presage_simulator has no flag
for it), so there is one configuration per k.
"""

from __future__ import annotations

import argparse
import ctypes
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.ksr import BLANKS, DATA, KS, RUNS, SEPARATORS, Result, Tally, detokenized_lines, simulate, words

PRESAGE_DIR = Path(__file__).resolve().parent
TEMPLATE = PRESAGE_DIR / "config.xml.in"
BUILD_DB = PRESAGE_DIR / "build_db.sh"
LIBRARY = "libpresage.so.1"
DATABASE = "wikitext2-train.db"


def training_text(data: Path = DATA, runs: Path = RUNS) -> Path:
    """WikiText-2 train prepared exactly like the test text (benchmarks.ksr.detokenized_lines)."""
    out = runs / "wiki.train.txt"
    if not out.is_file():
        runs.mkdir(parents=True, exist_ok=True)
        out.write_text("\n".join(detokenized_lines(data / "wiki.train.tokens")) + "\n", encoding="utf-8")
    return out


def database(data: Path = DATA, runs: Path = RUNS, rebuild: bool = False, train: Path | None = None) -> Path:
    """presage's 1-, 2- and 3-gram tables of the training text, built by text2ngram (about a minute for WikiText-2
    train): ``train`` (any plain text file) when given, else WikiText-2 train prepared like the test text."""
    if train is not None:
        db = runs / f"{Path(train).name}.db"
        rebuild = rebuild or (db.is_file() and db.stat().st_mtime < Path(train).stat().st_mtime)
    else:
        db = runs / DATABASE
    if rebuild or not db.is_file():
        runs.mkdir(parents=True, exist_ok=True)
        train = Path(train) if train is not None else training_text(data, runs)
        print(f"building {db} from {train} with text2ngram ...", file=sys.stderr)
        subprocess.run(["sh", str(BUILD_DB), str(train), str(db)], check=True, stdout=subprocess.DEVNULL)
    return db


def write_config(db: Path, suggestions: int, repeat: bool, runs: Path = RUNS) -> Path:
    """config.xml.in filled in; returns its path under ``runs``."""
    text = TEMPLATE.read_text(encoding="utf-8")
    fields = {"DBFILENAME": str(db.resolve()), "SUGGESTIONS": str(suggestions),
              "REPEAT": "yes" if repeat else "no", "LOWERCASE": "no"}
    for key, value in fields.items():
        text = text.replace(f"@{key}@", value)
    out = runs / f"presage-k{suggestions}{'-repeat' if repeat else ''}.xml"
    out.write_text(text, encoding="utf-8")
    return out


# -- presage_simulator ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SimulatorRun:
    """presage_simulator's counts: ki keystrokes typed, ks selections (it starts counting at 1), kn without."""

    ki: int
    ks: int
    kn: int
    printed_ksr: float
    seconds: float

    @property
    def ksr(self) -> float:
        """KSR without the phantom first selection, as benchmarks/ksr.py counts."""
        return 100.0 * (1 - (self.ki + self.ks - 1) / self.kn)


def parse_simulator_output(output: str) -> tuple[int, int, int, float]:
    """(ki, ks, kn, KSR) from presage_simulator's report."""
    values = dict(re.findall(r"^(ki|ks|kn|KSR)\s*:\s*(\S+)\s*$", output, re.MULTILINE))
    missing = {"ki", "ks", "kn", "KSR"} - values.keys()
    if missing:
        raise RuntimeError(f"presage_simulator printed no {', '.join(sorted(missing))}:\n{output[-2000:]}")
    return int(values["ki"]), int(values["ks"]), int(values["kn"]), float(values["KSR"])


def write_simulator_text(text: str, out: Path) -> Path:
    """``text`` for presage_simulator, without the separators and blanks after its last word: its tokenizer reads
    a phantom empty word there (kn + 1, ki + 1). The words are the same."""
    out.write_text(text.rstrip(BLANKS + SEPARATORS), encoding="utf-8")
    return out


def run_simulator(config: Path, text_file: Path) -> SimulatorRun:
    """``presage_simulator -q -c CONFIG FILE``."""
    if shutil.which("presage_simulator") is None:
        raise RuntimeError("presage_simulator not found: apt-get install presage")
    started = time.perf_counter()
    done = subprocess.run(["presage_simulator", "-q", "-c", str(config), str(text_file)],
                          capture_output=True, text=True, check=True)
    ki, ks, kn, ksr = parse_simulator_output(done.stdout)
    return SimulatorRun(ki, ks, kn, ksr, time.perf_counter() - started)


# -- presage's library as a backend of this harness -------------------------------------------------------------

_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p)  # const char* (*)(void*)


class PresageLibrary:
    """presage through its C API (``presage_new_with_config``, ``presage_predict``) as a keystrokes Backend.

    The configuration should allow repeats: the harness applies the no-repeat rule itself, to every system alike.
    """

    def __init__(self, config: Path, name: str = "presage (library, same harness)", library: str = LIBRARY):
        self.name = name
        lib = ctypes.CDLL(library)
        lib.presage_new_with_config.argtypes = [_CALLBACK, ctypes.c_void_p, _CALLBACK, ctypes.c_void_p,
                                                ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
        lib.presage_predict.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.POINTER(ctypes.c_char_p))]
        lib.presage_config_set.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
        lib.presage_free_string_array.argtypes = [ctypes.POINTER(ctypes.c_char_p)]
        lib.presage_free.argtypes = [ctypes.c_void_p]
        self._lib = lib
        self._past = ctypes.create_string_buffer(b"")
        self._future = ctypes.create_string_buffer(b"")
        # Keep the callbacks referenced for the life of the handle.
        self._past_cb = _CALLBACK(lambda _arg: ctypes.addressof(self._past))
        self._future_cb = _CALLBACK(lambda _arg: ctypes.addressof(self._future))
        self._handle = ctypes.c_void_p()
        code = lib.presage_new_with_config(self._past_cb, None, self._future_cb, None, str(config).encode(),
                                           ctypes.byref(self._handle))
        if code != 0:
            raise RuntimeError(f"presage_new_with_config({config}) failed with code {code}")
        self._suggestions = 0

    def candidates(self, context: str, typed: str, n: int) -> list[str]:
        self._past = ctypes.create_string_buffer(context.encode("utf-8"))
        if n != self._suggestions:
            self._check(self._lib.presage_config_set(self._handle, b"Presage.Selector.SUGGESTIONS", str(n).encode()))
            self._suggestions = n
        result = ctypes.POINTER(ctypes.c_char_p)()
        self._check(self._lib.presage_predict(self._handle, ctypes.byref(result)))
        out = []
        i = 0
        while result[i] is not None:
            out.append(result[i].decode("utf-8", "replace"))
            i += 1
        self._lib.presage_free_string_array(result)
        return out

    def _check(self, code: int) -> None:
        if code != 0:
            raise RuntimeError(f"presage call failed with code {code}")

    def close(self) -> None:
        if self._handle:
            self._lib.presage_free(self._handle)
            self._handle = ctypes.c_void_p()


# -- the side-by-side run ---------------------------------------------------------------------------------------


def run_presage(text: str, ks: Sequence[int] = KS, repeat: bool = False, context: str = "text", data: Path = DATA,
                runs: Path = RUNS, train: Path | None = None, library: bool = True, simulator: bool = True,
                progress: Callable[[Result], None] | None = None) -> list[Result]:
    """presage typing ``text``: through its library (same harness as Folio) and with presage_simulator at each k
    in ``ks`` (each when asked for); its n-grams from ``train`` (a plain text file) when given, else from WikiText-2
    train under ``data``. ``repeat`` and ``context`` as in benchmarks.ksr.simulate."""
    db = database(data, runs, train=train)
    source = f"n-grams of {train.name}" if train is not None else "n-grams of WikiText-2 train"
    results = []
    if library:
        backend = PresageLibrary(write_config(db, max(ks), repeat=True, runs=runs),
                                 name=f"presage (library, same harness; {source})")
        try:
            result = simulate(backend, text, ks, repeat, context, progress)
        finally:
            backend.close()
        if progress is not None:
            print(file=sys.stderr)
        result.notes.append(f"{result.name}: {result.queries:,} predict calls, "
                            f"{1000 * result.seconds / max(result.queries, 1):.2f} ms per call")
        results.append(result)

    if not simulator:
        return results
    text_file = write_simulator_text(text, runs / f"test-{len(words(text))}-words.txt")
    counted = Result("presage_simulator", {})
    for k in ks:
        config = write_config(db, k, repeat=repeat, runs=runs)
        print(f"  presage_simulator -q -c {config} {text_file} ...", file=sys.stderr, flush=True)
        run = run_simulator(config, text_file)
        counted.tallies[k] = Tally(chars=run.kn, typed=run.ki, selections=run.ks - 1)
        counted.seconds += run.seconds / len(ks)
        counted.notes.append(f"presage_simulator k={k}: ki {run.ki:,}, ks {run.ks:,}, kn {run.kn:,} (UTF-8 bytes),"
                             f" KSR as printed {run.printed_ksr:.4f}, {run.seconds:.0f} s")
    results.append(counted)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.presage.baseline",
                                     description="Build presage's n-gram database for the KSR baseline.")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--train", type=Path, default=None, help="plain text file (default: WikiText-2 train)")
    parser.add_argument("--runs", type=Path, default=RUNS)
    parser.add_argument("--rebuild", action="store_true", help="rebuild the database even when it exists")
    args = parser.parse_args(argv)
    print(database(args.data, args.runs, args.rebuild, args.train))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
