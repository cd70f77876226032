"""The GPU check: CPU/CUDA parity of the shipped packages, latency and throughput side by side, and 200 training
steps of each model on CUDA. Writes ``device_report.json``; run by benchmarks/device_check.sh (which installs
onnxruntime-gpu first when it was carried). Not a test.

    python -m benchmarks.device_check --out DIR [--dry-run] [--train-steps 200]

Every part is guarded: what cannot run (no CUDA provider in this onnxruntime, no GPU for torch, a missing
package) is reported with the reason, and the rest still runs. ``--dry-run`` is the CI smoke run on CPU: the
parity part compares the plain CPU path with the GPU code path (I/O binding, batched sentences) run over CPU,
few timing repeats, 4 training steps per model on CPU. Training data is made from the repository's own text
(../shared data does not travel to a device machine).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CUDA = "CUDAExecutionProvider"
CPU = "CPUExecutionProvider"
SENTENCES = [
    "Tom lives in Boston.", "I was born in 1914.", "Where is the station?", "Do you speak French?",
    "We should leave before it starts to rain.", "My brother bought a new car last week.",
    "Can you tell me how to get to the museum?", "She has been working here for three years.",
    "I don't think Tom knows what Mary wants.", "The children are playing in the garden.",
]
COMPLETION_TEXT = ("The history of the city begins in the early nineteenth century , when a small group of "
                   "settlers arrived from the east and built a church near the river . ")
CONTINUATION_PROMPT = "ROMEO:\nWhat light through yonder window breaks?\n"


def guarded(report: dict, key: str, work: Callable[[], object]) -> None:
    """``report[key] = work()``, or the error and its traceback's last lines when it raises."""
    started = time.perf_counter()
    try:
        report[key] = work()
    except Exception as exc:  # noqa: BLE001 - the report must say what failed and go on
        report[key] = {"error": f"{type(exc).__name__}: {exc}",
                       "traceback": traceback.format_exc().strip().splitlines()[-6:]}
    if isinstance(report[key], dict):
        report[key]["section_seconds"] = round(time.perf_counter() - started, 2)
    print(f"device_check: {key} done in {time.perf_counter() - started:.1f}s", file=sys.stderr, flush=True)


# -- the environment --------------------------------------------------------------------------------------------


def environment() -> dict:
    """Python, torch, onnxruntime and the GPU as this process sees them."""
    env: dict = {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()}
    try:
        import torch

        env["torch"] = torch.__version__
        env["torch_cuda"] = torch.version.cuda
        env["torch_sees_gpu"] = torch.cuda.is_available()
        if torch.cuda.is_available():
            env["gpu"] = torch.cuda.get_device_name(0)
            env["cudnn"] = torch.backends.cudnn.version()
            env["bf16"] = torch.cuda.is_bf16_supported()
    except ImportError as exc:
        env["torch"] = f"not importable: {exc}"
    import onnxruntime as ort

    from desktop.runtime.session import onnxruntime_package

    env["onnxruntime"] = f"{onnxruntime_package()} {ort.__version__} ({ort.__file__})"
    env["available_providers"] = list(ort.get_available_providers())
    if CUDA in env["available_providers"]:
        from desktop.runtime.session import preload_cuda_libraries

        env["preload_dlls"] = preload_cuda_libraries()
    for name in ("tokenizers", "tqdm", "PySide6"):
        try:
            module = __import__(name)
            env[name] = getattr(module, "__version__", "present")
        except ImportError:
            env[name] = None
    return env


# -- parity -----------------------------------------------------------------------------------------------------


def open_engines(provider: str, gpu_paths_over_cpu: bool = False):
    """The shipped packages' engines on ``provider``; with ``gpu_paths_over_cpu`` CPU engines that take the GPU
    code paths (I/O binding to host memory, batched sentences), the dry run's stand-in for CUDA."""
    from desktop.runtime import Engines

    engines = Engines.from_dir(None, provider=provider)
    if gpu_paths_over_cpu:
        for engine in (engines.completer, engines.continuer):
            if getattr(engine, "available", False):
                engine.lm.use_binding = True
        translator = engines.translator
        if getattr(translator, "available", False):  # as Translator decides on a GPU
            translator.use_binding, translator.batch_sentences = True, not translator.quantized_per_batch
    return engines


def all_nodes_on(path: Path, provider: str) -> str:
    """"yes" when ONNX Runtime can place every node of the graph on ``provider`` (CPU fallback disabled),
    else its error (which names the first node it could not place)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.add_session_config_entry("session.disable_cpu_ep_fallback", "1")
    options.log_severity_level = 3
    try:
        ort.InferenceSession(str(path), sess_options=options, providers=[provider], enable_fallback=0)
    except Exception as exc:  # noqa: BLE001
        return str(exc).splitlines()[0][:300]
    return "yes"


def lm_parity(ref, test) -> dict:
    """Log-prob differences of two engines over the same tokens: one whole-sequence run, then step by step
    (the test engine's step-wise path: I/O binding on a GPU)."""
    if hasattr(ref, "vocab") and hasattr(ref.vocab, "tokens") and hasattr(ref, "context_tokens"):
        ids = ref.vocab.encode(ref.context_tokens(COMPLETION_TEXT))
    else:
        ids = ref.vocab.encode(CONTINUATION_PROMPT)
    ids = np.asarray(ids, np.int64)
    a, _ = ref.lm.run(ids[None, :], ref.lm.zero_state())
    b, _ = test.lm.run(ids[None, :], test.lm.zero_state())
    state_a, state_b = ref.lm.zero_state(), test.lm.zero_state()
    step_diff, argmax_same = 0.0, 0
    for token in ids:
        la, state_a = ref.lm.step(np.array([[token]], np.int64), state_a)
        lb, state_b = test.lm.step(np.array([[token]], np.int64), state_b)
        step_diff = max(step_diff, float(np.abs(la - lb).max()))
        argmax_same += int(la[0, -1].argmax() == lb[0, -1].argmax())
    return {"tokens": int(ids.size), "max_abs_diff_sequence": float(np.abs(a - b).max()),
            "max_abs_diff_stepwise": step_diff, "argmax_agree": f"{argmax_same}/{ids.size}"}


def first_difference(a: str, b: str) -> int | None:
    """Index of the first character where ``a`` and ``b`` differ (None when equal)."""
    if a == b:
        return None
    return next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))


def parity(test_provider: str, dry_run: bool) -> dict:
    """CPU engines against ``test_provider`` engines (or, dry, against the GPU paths run over CPU)."""
    from desktop.runtime.session import PROVIDER_ALIASES

    full_name = PROVIDER_ALIASES.get(test_provider.lower(), test_provider)
    missing = provider_missing(full_name)
    over_cpu = dry_run or bool(missing)
    ref = open_engines("cpu")
    test = open_engines("cpu", gpu_paths_over_cpu=True) if over_cpu else open_engines(test_provider)
    out: dict = {"reference": "CPUExecutionProvider, plain path",
                 "test": "CPU with the GPU code paths" if over_cpu else full_name}
    if missing:
        out["note"] = f"{missing}: the GPU code paths were compared over CPU instead"
    completer, continuer, translator = test.completer, test.continuer, test.translator
    for name, engine in (("completion", completer), ("continuation", continuer), ("translation", translator)):
        entry = out.setdefault(name, {})
        entry["provider"] = getattr(engine, "provider", "")
        entry["provider_note"] = getattr(engine, "provider_note", "") or getattr(engine, "error", "")
    if getattr(completer, "available", False):
        entry = out["completion"]
        entry.update(lm_parity(ref.completer, completer))
        suggest = lambda engine: engine.suggest(COMPLETION_TEXT, k=3)  # noqa: E731
        entry["suggestions_same"] = suggest(ref.completer) == suggest(completer)
        if not over_cpu:
            entry["all_nodes_on_cuda"] = all_nodes_on(completer.lm.graph.path, full_name)
    if getattr(continuer, "available", False):
        entry = out["continuation"]
        entry.update(lm_parity(ref.continuer, continuer))
        a = "".join(ref.continuer.generate(CONTINUATION_PROMPT, 300, temperature=0.0))
        b = "".join(continuer.generate(CONTINUATION_PROMPT, 300, temperature=0.0))
        entry["greedy_300_chars_same"] = a == b
        entry["first_difference"] = first_difference(a, b)
        if not over_cpu:
            entry["all_nodes_on_cuda"] = all_nodes_on(continuer.lm.graph.path, full_name)
    if getattr(translator, "available", False):
        entry = out["translation"]
        paragraph = " ".join(SENTENCES)
        a, b = ref.translator.translate(paragraph, beam=4)[0], translator.translate(paragraph, beam=4)[0]
        entry["texts_same"] = a.text == b.text
        entry["segments_same"] = sum(x.text == y.text for x, y in zip(a.segments, b.segments))
        entry["segments"] = len(a.segments)
        entry["max_abs_score_diff"] = max(abs(x.score - y.score) for x, y in zip(a.segments, b.segments))
        entry["batch_sentences"] = bool(getattr(translator, "batch_sentences", False))
        # the sentences batched on both sides (what a GPU does with fp32 graphs; int8 ones quantize per batch)
        ref.translator.batch_sentences, default = True, translator.batch_sentences
        translator.batch_sentences = True
        a2, b2 = ref.translator.translate(paragraph, beam=4)[0], translator.translate(paragraph, beam=4)[0]
        ref.translator.batch_sentences, translator.batch_sentences = False, default
        entry["batched_texts_same"] = a2.text == b2.text
        entry["batched_max_abs_score_diff"] = max(abs(x.score - y.score) for x, y in zip(a2.segments, b2.segments))
        entry["batched_vs_one_at_a_time_segments_same"] = sum(x.text == y.text for x, y in zip(a.segments, a2.segments))
        if not over_cpu:
            entry["all_nodes_on_cuda"] = {role: all_nodes_on(graph.path, full_name)
                                          for role, graph in (("encoder", translator.encoder),
                                                              ("decoder", translator.decoder))}
    return out


# -- speed ------------------------------------------------------------------------------------------------------


def median_ms(work: Callable[[], object], repeats: int) -> float:
    """Median wall time of ``work()`` in milliseconds (after one warm-up call)."""
    work()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        work()
        times.append((time.perf_counter() - t0) * 1000)
    return round(statistics.median(times), 3)


def speed_of(engines, repeats: int) -> dict:
    """Per-step and per-sentence latency and batch throughput of one set of engines."""
    result: dict = {}
    completer, continuer, translator = engines.completer, engines.continuer, engines.translator
    if getattr(completer, "available", False):
        lm = completer.lm
        one = np.array([[5]], np.int64)
        holder = {"state": lm.zero_state()}

        def word_step():
            _, holder["state"] = lm.step(one, holder["state"])

        result["word_step_ms"] = median_ms(word_step, repeats * 10)
        batch = np.random.default_rng(0).integers(4, 1000, size=(32, 64)).astype(np.int64)
        ms = median_ms(lambda: lm.run(batch, lm.zero_state(32)), max(2, repeats // 8))
        result["word_batch32x64_tokens_per_s"] = round(batch.size / ms * 1000)
        result["suggest_ms"] = median_ms(lambda: completer.suggest(COMPLETION_TEXT + "the", k=3), repeats)
    if getattr(continuer, "available", False):
        t0 = time.perf_counter()
        chars = len("".join(continuer.generate(CONTINUATION_PROMPT, 20 * repeats, temperature=0.0)))
        result["continuation_chars_per_s"] = round(chars / (time.perf_counter() - t0))
        lm = continuer.lm
        batch = np.random.default_rng(0).integers(1, 60, size=(32, 256)).astype(np.int64)
        ms = median_ms(lambda: lm.run(batch, lm.zero_state(32)), max(2, repeats // 8))
        result["char_batch32x256_tokens_per_s"] = round(batch.size / ms * 1000)
    if getattr(translator, "available", False):
        per_sentence = [median_ms(lambda s=s: translator.translate(s, beam=4), max(1, repeats // 4))
                        for s in SENTENCES]
        result["translation_sentence_ms_median"] = round(statistics.median(per_sentence), 2)
        result["translation_sentence_ms_max"] = round(max(per_sentence), 2)
        paragraph = " ".join(SENTENCES * 3)  # 30 sentences
        ms = median_ms(lambda: translator.translate(paragraph, beam=4), max(1, repeats // 8))
        result["translation_paragraph30_sentences_per_s"] = round(30 / ms * 1000, 1)
        result["translation_batched"] = bool(getattr(translator, "batch_sentences", False))
        default, translator.batch_sentences = translator.batch_sentences, True
        ms = median_ms(lambda: translator.translate(paragraph, beam=4), max(1, repeats // 8))
        translator.batch_sentences = default
        result["translation_paragraph30_batched_sentences_per_s"] = round(30 / ms * 1000, 1)
    return result


def provider_missing(name: str) -> str:
    """Why ``name`` cannot be used by this onnxruntime ("" when it is listed)."""
    import onnxruntime as ort

    from desktop.runtime.session import missing_provider_reason

    available = list(ort.get_available_providers())
    return "" if name in available else missing_provider_reason(name, available)


def speed(test_provider: str, dry_run: bool) -> dict:
    """:func:`speed_of` for CPU and for ``test_provider``, side by side (one ONNX Runtime thread, as the app)."""
    from desktop.runtime.session import PROVIDER_ALIASES

    full_name = PROVIDER_ALIASES.get(test_provider.lower(), test_provider)
    repeats = 4 if dry_run else 40
    out: dict = {"cpu": speed_of(open_engines("cpu"), repeats)}
    missing = provider_missing(full_name)
    if dry_run or missing:
        out["gpu_paths_over_cpu"] = speed_of(open_engines("cpu", gpu_paths_over_cpu=True), repeats)
        if missing:
            out[test_provider] = {"skipped": missing}
    else:
        engines = open_engines(test_provider)
        out[test_provider] = speed_of(engines, repeats)
        out[test_provider]["providers"] = {name: getattr(getattr(engines, name), "provider", "")
                                           for name in ("completer", "continuer", "translator")}
    return out


# -- training ---------------------------------------------------------------------------------------------------


def repo_text() -> str:
    """Plain English from the repository: the README, the docs, the model cards, the app's docstrings."""
    files = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")),
             *sorted((ROOT / "resources" / "models").glob("*/README.md")), *sorted((ROOT / "desktop").rglob("*.py"))]
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in files if p.is_file())


def translation_pairs() -> list[tuple[str, str]]:
    """A few thousand English-French pairs from templates (names, places, numbers) and the test fixture's."""
    names = ["Tom", "Mary", "John", "Alice", "Paul", "Emma", "Luc", "Sophie"]
    cities = [("Boston", "Boston"), ("London", "Londres"), ("Paris", "Paris"), ("Rome", "Rome"),
              ("Berlin", "Berlin"), ("Tokyo", "Tokyo"), ("Lisbon", "Lisbonne"), ("Vienna", "Vienne")]
    pairs = []
    for name in names:
        for en_city, fr_city in cities:
            pairs.append((f"{name} lives in {en_city}.", f"{name} vit à {fr_city}."))
            pairs.append((f"{name} works in {en_city}.", f"{name} travaille à {fr_city}."))
            for year in range(1950, 2020, 5):
                pairs.append((f"{name} was born in {en_city} in {year}.", f"{name} est né à {fr_city} en {year}."))
        for count, fr in (("two", "deux"), ("three", "trois"), ("four", "quatre"), ("five", "cinq")):
            pairs.append((f"{name} has {count} cats.", f"{name} a {fr} chats."))
            pairs.append((f"{name} has {count} dogs.", f"{name} a {fr} chiens."))
    return pairs


def write_training_data(work: Path, tiny_models: bool) -> dict[str, Path]:
    """The three models' training data in ``work``, from the repository's text and :func:`translation_pairs`
    (less of it for tiny models): the character file, the word-level WikiText folder, the pairs file."""
    text = repo_text()
    if tiny_models:
        text = text[:60_000]
    (work / "chars.txt").write_text(text * (1 if tiny_models else 3), encoding="utf-8")
    words = work / "words"
    words.mkdir(parents=True, exist_ok=True)
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    cut = int(len(lines) * 0.9)
    (words / "wiki.train.tokens").write_text("\n".join(lines[:cut] * 2) + "\n", encoding="utf-8")
    (words / "wiki.valid.tokens").write_text("\n".join(lines[cut:]) + "\n", encoding="utf-8")
    pairs = work / "pairs.tsv"
    pairs.write_text("".join(f"{en}\t{fr}\n" for en, fr in translation_pairs()), encoding="utf-8")
    return {"chars": work / "chars.txt", "words": words, "pairs": pairs}


def training_runs(data: dict[str, Path]) -> dict:
    """Each model's name: (its train function, default config, shipped config file, overrides for ``data``)."""
    from model.train_char import CharTrainConfig, train_char
    from model.train_translate import TranslateTrainConfig, train_translate
    from model.train_word import WordTrainConfig, train_word

    configs = ROOT / "model" / "configs"
    return {
        "char (shakespeare_char.toml)": (train_char, CharTrainConfig(), configs / "shakespeare_char.toml",
                                         {"data": str(data["chars"]), "eval_streams": 4, "eval_seq_len": 64}),
        "word (wikitext2_word_2x650.toml)": (train_word, WordTrainConfig(), configs / "wikitext2_word_2x650.toml",
                                             {"data": str(data["words"]), "eval_streams": 4, "eval_seq_len": 32,
                                              "cutoffs": "200,1000", "average_from": 0.0}),
        "translator (tatoeba_translate.toml)": (train_translate, TranslateTrainConfig(),
                                                configs / "tatoeba_translate.toml",
                                                {"data": str(data["pairs"]), "epochs": 0.0, "test_sentences": 100,
                                                 "valid_sentences": 100, "vocab_size": 800,
                                                 "eval_bleu_sentences": 0}),
    }


def timed_training(train: Callable, cfg, device: str) -> dict:
    """Runs ``train(cfg)`` on ``device``: its steps, speed, losses and the hardware its checkpoint names (or the
    error it raised)."""
    import torch

    if device.startswith("cuda"):
        torch.cuda.synchronize()
    t0 = time.perf_counter()
    try:
        progress = train(cfg)
    except Exception as exc:  # noqa: BLE001
        return {"error": f"{type(exc).__name__}: {exc}",
                "traceback": traceback.format_exc().strip().splitlines()[-6:]}
    if device.startswith("cuda"):
        torch.cuda.synchronize()
    seconds = time.perf_counter() - t0
    log = [json.loads(line) for line in (Path(cfg.out_dir) / "log.jsonl").read_text().splitlines()]
    ckpt = torch.load(Path(cfg.out_dir) / "ckpt.pt", map_location="cpu", weights_only=False)
    losses = [r["train_loss"] for r in log if "train_loss" in r]
    return {
        "steps": progress["step"], "seconds": round(seconds, 1),
        "steps_per_s": round(progress["step"] / seconds, 1),
        "first_logged_loss": losses[0] if losses else None, "last_loss": losses[-1] if losses else None,
        "val_loss": next((r["val_loss"] for r in reversed(log) if "val_loss" in r), None),
        "device": ckpt["config"]["device"], "precision": ckpt["config"].get("precision"),
        "hardware": ckpt["hardware"],
    }


def train_models(work: Path, device: str, steps: int, tiny_models: bool = False) -> dict:
    """Trains the three models (their shipped configs' architectures, or tiny ones) for ``steps`` steps on
    ``device``."""
    from model import config as configlib

    runs = training_runs(write_training_data(work, tiny_models))
    common = {"device": device, "max_iters": steps, "max_minutes": 0.0, "warmup_iters": min(20, steps // 2),
              "eval_interval": steps, "init_from": "scratch"}
    # The dry run (CPU, CI) trains the same code path on tiny models and batches.
    tiny = {"n_layer": 1, "n_embd": 16, "n_hidden": 32, "batch_size": 4, "seq_len": 16} if tiny_models else {}
    results = {}
    for name, (train, default, toml, overrides) in runs.items():
        cfg = configlib.parse_args(default, [str(toml)])
        values = {**common, **overrides, **tiny, "out_dir": str(work / name.split()[0])}
        cfg = configlib.apply(cfg, {k: v for k, v in values.items() if hasattr(cfg, k)})
        results[name] = timed_training(train, cfg, device)
    return results


def training(dry_run: bool, steps: int) -> dict:
    """200 steps per model on CUDA (the dry run: 4 steps on CPU); no GPU for torch is reported, not faked."""
    import torch

    if dry_run:
        device, steps = "cpu", 4
    elif not torch.cuda.is_available():
        return {"error": f"torch {torch.__version__} sees no CUDA GPU (torch.version.cuda={torch.version.cuda})"}
    else:
        device = "cuda"
    with tempfile.TemporaryDirectory(prefix="folio-device-train-") as tmp:
        return {"device": device, "steps": steps, "models": train_models(Path(tmp), device, steps, dry_run)}


# -- the report -------------------------------------------------------------------------------------------------


def summary(report: dict) -> dict:
    """The figures a closing note needs, in one flat place."""
    out: dict = {"cuda_provider": CUDA in report["environment"].get("available_providers", [])}
    par = report.get("parity", {})
    for name in ("completion", "continuation", "translation"):
        entry = par.get(name, {}) if isinstance(par, dict) else {}
        out[f"{name}_provider"] = entry.get("provider")
        for key in ("max_abs_diff_stepwise", "greedy_300_chars_same", "suggestions_same", "texts_same",
                    "max_abs_score_diff", "batched_texts_same", "batched_max_abs_score_diff", "all_nodes_on_cuda"):
            if key in entry:
                out[f"{name}_{key}"] = entry[key]
    models = report.get("training", {}).get("models", {}) if isinstance(report.get("training"), dict) else {}
    for name, entry in models.items():
        out[f"train_{name.split()[0]}"] = {k: entry.get(k) for k in ("steps", "steps_per_s", "last_loss", "error")
                                           if entry.get(k) is not None}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.device_check", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(os.environ.get("OUT") or "runs/device_check"))
    parser.add_argument("--dry-run", action="store_true", help="CPU only, few repeats, 4 training steps (CI)")
    parser.add_argument("--train-steps", type=int, default=200)
    parser.add_argument("--provider", default="cuda", help="the provider compared with CPU (default cuda)")
    parser.add_argument("--skip", default="", help="comma-separated parts to leave out: parity,speed,training")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    report: dict = {"dry_run": args.dry_run, "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    path = args.out / "device_report.json"

    def save() -> None:
        report["seconds"] = round(time.perf_counter() - started, 1)
        path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    guarded(report, "environment", environment)
    save()
    for key, work in (("parity", lambda: parity(args.provider, args.dry_run)),
                      ("speed", lambda: speed(args.provider, args.dry_run)),
                      ("training", lambda: training(args.dry_run, args.train_steps))):
        if key not in skip:
            guarded(report, key, work)
            save()  # a run cut short still leaves what it measured
    if "error" not in report["environment"]:
        report["summary"] = summary(report)
    save()
    print(json.dumps(report.get("summary", {}), indent=2, ensure_ascii=False))
    print(f"device_check: report written to {path} ({report['seconds']}s)", file=sys.stderr)
    failed = [k for k in ("environment", "parity", "speed", "training") if isinstance(report.get(k), dict)
              and "error" in report[k]]
    return 1 if args.dry_run and failed else 0


if __name__ == "__main__":
    sys.exit(main())
