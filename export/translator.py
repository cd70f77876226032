"""Checkpoint -> translator package: ``encoder.onnx`` + one-step ``decoder.onnx`` (fp32 and int8), the
tokenizer, parity with PyTorch, quality and speed of both precisions, manifest and model card.

    python -m export.translator runs/translate-lstm/best.pt --data ../shared/data/tatoeba-eng-fra/fra.txt \\
        --out resources/models/tatoeba-en-fr [--dev-dir ../shared/data/translation-dev]

Checks:

1. ONNX Runtime against PyTorch on random inputs at shapes other than the tracing input (padded batches
   included): max abs difference of every output.
2. Greedy decodes of the first ``parity_sentences`` test sentences: PyTorch decodes them as one padded
   batch, ONNX Runtime one at a time through the two graphs; the outputs must be token-identical (a
   divergence at a near-tie, two tokens within 1e-3 in log-probability, is counted apart and allowed). The
   max abs difference of the decoder's log-probabilities along the PyTorch path is recorded.
3. Both graphs quantized to int8 (ONNX Runtime dynamic quantization: LSTM, MatMul and Gather weights; a GRU
   stays fp32); BLEU/chrF of both precisions on the first ``eval_sentences`` test sentences at beam 4. int8
   ships when its BLEU is within ``int8_tolerance`` of fp32's.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch

from desktop.runtime import contract
from desktop.runtime.package import ModelPackage
from desktop.runtime.placeholders import PLACEHOLDERS, NameLists
from desktop.runtime.session import OrtGraph
from desktop.runtime.subword import SubwordTokenizer
from desktop.runtime.translator import (
    COVERAGE_BETA,
    LENGTH_ALPHA,
    MAX_PIECES,
    NO_REPEAT_NGRAM,
    Translator,
    max_output_len,
)
from export.evaluate_translation import LATENCY_MAX_WORDS, evaluate_translator, latency, test_references
from export.lm_package import add_benchmark_option
from export.package_writer import (
    Graphs,
    PackageWriter,
    graph_metadata,
    quantize_graphs,
    read_benchmark,
    training_record,
    write_manifest,
)
from model.checkpoint import load_checkpoint
from model.seq2seq import DecoderStepForExport, EncoderForExport, Seq2Seq
from model.translation_data import pad_batch

LICENSE = "CC BY 2.0 FR (model trained on Tatoeba sentences, https://creativecommons.org/licenses/by/2.0/fr/)"
ATTRIBUTION = ("English-French sentence pairs from www.manythings.org/anki and tatoeba.org (Tatoeba Project, "
               "CC BY 2.0 FR), fra-eng file of 2019-04-07.")
DEFAULT_COMMAND = "python -m model.train_translate model/configs/tatoeba_translate.toml"
NAMES_FILE = "names.json"  # placeholders.NameLists of a model trained with --placeholders=true
BEAM = 4  # the beam the scores and the latency are measured at (the app's default)
DUMMY = (2, 7)  # (batch, src_len) of the tracing input; parity runs at other shapes
PARITY_SHAPES = ((1, 1), (3, 9), (5, 23))
NOTES = (
    "Scores are multi-reference (every French translation Tatoeba has for a test sentence), computed with "
    "sacreBLEU (13a) and chrF by `python -m export.evaluate_translation` through the app's own `Translator` "
    f"(beam {BEAM}, length-normalized, {NO_REPEAT_NGRAM}-gram repeat blocking, maximum length 2 x source pieces + "
    "10). Hypotheses and references are compared after Unicode-space normalization. Folio writes a narrow no-break "
    "space (U+202F) before ; : ! ? and inside « ». Latency: one ONNX Runtime thread, test sentences of at most "
    f"{LATENCY_MAX_WORDS} words."
)

PLACEHOLDER_NOTES = (
    "Numbers and names: the model was trained with `--placeholders=true`. Numbers, names the model does not "
    "translate (told apart with `names.json`, learnt from the training split), URLs and e-mail addresses are "
    "replaced by placeholder pieces before translation and filled back from the source afterwards, numbers in "
    "French form (7:45 -> 7 h 45, 1,250 -> 1 250, 3.5 -> 3,5); a placeholder the model drops is put back where "
    "attention points (desktop/runtime/placeholders.py, slots.py)."
)


def _masks(batch: int, src_len: int, gen: torch.Generator) -> torch.Tensor:
    """[batch, src_len] bool: row 0 full, the others random lengths >= 1 (padding on the right)."""
    lengths = torch.randint(1, src_len + 1, (batch,), generator=gen)
    lengths[0] = src_len
    return torch.arange(src_len)[None, :] < lengths[:, None]


def export_graphs(model: Seq2Seq, encoder_path: Path, decoder_path: Path) -> None:
    """Writes the encoder and one-step decoder graphs (TorchScript exporter, dynamic batch and length)."""
    model.eval()
    cell, cfg = model.config.cell, model.config
    gen = torch.Generator().manual_seed(0)
    batch, src_len = DUMMY
    src = torch.randint(4, cfg.src_vocab_size, (batch, src_len), generator=gen)
    mask = _masks(batch, src_len, gen)
    encoder_path.parent.mkdir(parents=True, exist_ok=True)
    seq = {0: "batch", 1: "src_len"}
    state_axes = {name: {1: "batch"} for name in (contract.H0, contract.C0, contract.HN, contract.CN)}
    enc_out = contract.encoder_output_names(cell)
    torch.onnx.export(
        EncoderForExport(model), (src, mask), str(encoder_path), input_names=contract.encoder_input_names(),
        output_names=enc_out, opset_version=17, dynamo=False,
        dynamic_axes={contract.SRC_IDS: seq, contract.SRC_MASK: seq, contract.ENCODER_OUTPUTS: seq,
                      **{n: state_axes[n] for n in enc_out[1:]}},
    )
    with torch.no_grad():
        enc, state = model.encode(src, mask)
    prev = torch.randint(4, cfg.tgt_vocab_size, (batch, 1), generator=gen)
    dec_in, dec_out = contract.decoder_input_names(cell), contract.decoder_output_names(cell)
    torch.onnx.export(
        DecoderStepForExport(model), (prev, *state, enc, mask), str(decoder_path), input_names=dec_in,
        output_names=dec_out, opset_version=17, dynamo=False,
        dynamic_axes={contract.PREV_IDS: {0: "batch"}, contract.ENCODER_OUTPUTS: seq, contract.SRC_MASK: seq,
                      contract.LOG_PROBS: {0: "batch"}, contract.ATTENTION: seq,
                      **{n: state_axes[n] for n in dec_in[1:-2] + dec_out[1:-1]}},
    )


@torch.no_grad()
def random_parity(model: Seq2Seq, encoder_path: Path, decoder_path: Path, shapes=PARITY_SHAPES) -> dict:
    """Max abs difference of every output of both graphs against PyTorch, on random padded inputs."""
    model.eval()
    cell, cfg = model.config.cell, model.config
    encoder, decoder = OrtGraph(encoder_path, "cpu"), OrtGraph(decoder_path, "cpu")
    gen = torch.Generator().manual_seed(1)
    per_shape = {}
    for batch, src_len in shapes:
        src = torch.randint(4, cfg.src_vocab_size, (batch, src_len), generator=gen)
        mask = _masks(batch, src_len, gen)
        enc, state = model.encode(src, mask)
        got = encoder.run({contract.SRC_IDS: src.numpy(), contract.SRC_MASK: mask.numpy()})
        diffs = [float(np.abs(got[n] - t.numpy()).max()) for n, t in zip(contract.encoder_output_names(cell),
                                                                          (enc, *state))]
        state = tuple(0.5 * torch.randn(s.shape, generator=gen) for s in state)
        prev = torch.randint(4, cfg.tgt_vocab_size, (batch, 1), generator=gen)
        expected = DecoderStepForExport(model)(prev, *state, enc, mask)
        feeds = dict(zip(contract.decoder_input_names(cell), (t.numpy() for t in (prev, *state, enc, mask))))
        got = decoder.run(feeds)
        diffs += [float(np.abs(got[n] - t.numpy()).max()) for n, t in zip(contract.decoder_output_names(cell),
                                                                          expected)]
        per_shape[f"{batch}x{src_len}"] = max(diffs)
    return {"max_abs_diff": max(per_shape.values()), "per_shape": per_shape}


class _OrtSteps:
    """Runs the two graphs on one sentence: ``step(prev_id)`` -> log-probs [V], state carried."""

    def __init__(self, encoder: OrtGraph, decoder: OrtGraph, cell: str, src: np.ndarray):
        self.decoder, self.mask = decoder, np.ones_like(src, dtype=bool)
        out = encoder.run({contract.SRC_IDS: src, contract.SRC_MASK: self.mask})
        self.enc = out[contract.ENCODER_OUTPUTS]
        self.state_in = contract.encoder_output_names(cell)[1:]
        self.state_out = contract.decoder_output_names(cell)[1:-1]
        self.state = [out[n] for n in self.state_in]

    def step(self, prev: int) -> np.ndarray:
        feeds = {contract.PREV_IDS: np.array([[prev]], np.int64), contract.ENCODER_OUTPUTS: self.enc,
                 contract.SRC_MASK: self.mask, **dict(zip(self.state_in, self.state))}
        out = self.decoder.run(feeds)
        self.state = [out[n] for n in self.state_out]
        return out[contract.LOG_PROBS][0]


@torch.no_grad()
def greedy_parity(model: Seq2Seq, tokenizer: SubwordTokenizer, encoder_path: Path, decoder_path: Path,
                  sentences: list[str], tie: float = 1e-3) -> dict:
    """PyTorch greedy decodes (one padded batch) against ONNX Runtime (one sentence at a time) on real
    sentences. ONNX Runtime follows PyTorch's path step by step; its own greedy decode is identical iff its
    argmax equals PyTorch's token at every step (</s> included). A step where they differ but PyTorch's
    log-probabilities of the two tokens are within ``tie`` is a near-tie, counted apart from mismatches."""
    model.eval()
    cell = model.config.cell
    encoder, decoder = OrtGraph(encoder_path, "cpu"), OrtGraph(decoder_path, "cpu")
    ids = [x for x in tokenizer.encode_ids(sentences) if x]
    src = pad_batch(ids, tokenizer.pad_id)
    max_len = max_output_len(src.size(1))
    torch_out = model.greedy(src, src != tokenizer.pad_id, tokenizer.bos_id, tokenizer.eos_id, max_len)
    identical, ties, max_diff = 0, 0, 0.0
    for sentence_ids, expected in zip(ids, torch_out):
        s = torch.tensor([sentence_ids])
        m = torch.ones_like(s, dtype=torch.bool)
        enc, state = model.encode(s, m)
        ort = _OrtSteps(encoder, decoder, cell, s.numpy())
        path = [*expected, tokenizer.eos_id][:max_len]
        outcome, prev = "identical", tokenizer.bos_id
        for target in path:
            logits, state, _ = model.decode(torch.tensor([[prev]]), state, enc, m)
            expected_lp = torch.log_softmax(logits[0, -1], -1).numpy()
            got_lp = ort.step(prev)
            max_diff = max(max_diff, float(np.abs(got_lp - expected_lp).max()))
            chosen = int(got_lp.argmax())
            if chosen != target:
                outcome = "tie" if expected_lp[target] - expected_lp[chosen] < tie else "mismatch"
                break
            prev = target
        identical += outcome == "identical"
        ties += outcome == "tie"
    return {"sentences": len(ids), "token_identical": identical, "near_ties": ties,
            "mismatches": len(ids) - identical - ties, "log_prob_max_abs_diff": max_diff}


def check_graphs(model: Seq2Seq, tokenizer: SubwordTokenizer, graphs: Graphs, sentences: list[str]) -> dict:
    """Exports the fp32 graphs and checks them against PyTorch (random inputs, then greedy decodes of
    ``sentences``); returns the metrics of both checks. A disagreement is a RuntimeError."""
    export_graphs(model, graphs[contract.ROLE_ENCODER], graphs[contract.ROLE_DECODER])
    check = random_parity(model, graphs[contract.ROLE_ENCODER], graphs[contract.ROLE_DECODER])
    if check["max_abs_diff"] > 1e-3:
        raise RuntimeError(f"ONNX Runtime disagrees with PyTorch: {check}")
    greedy = greedy_parity(model, tokenizer, graphs[contract.ROLE_ENCODER], graphs[contract.ROLE_DECODER], sentences)
    if greedy["mismatches"]:
        raise RuntimeError(f"greedy decodes differ between PyTorch and ONNX Runtime: {greedy}")
    return {"parity_fp32_max_abs_diff": check["max_abs_diff"], "parity_shapes": " ".join(check["per_shape"]),
            "greedy_parity_sentences": greedy["sentences"], "greedy_parity_token_identical": greedy["token_identical"],
            "greedy_parity_near_ties": greedy["near_ties"],
            "greedy_parity_log_prob_max_abs_diff": greedy["log_prob_max_abs_diff"]}


def write_vocabularies(writer: PackageWriter, tokenizer: SubwordTokenizer, names: dict | None) -> bool:
    """Writes the tokenizer (both sides: the vocabulary is joint) and, for a model trained with placeholders,
    the name lists its training learnt; returns whether the model uses placeholders."""
    tokenizer.save(writer.out / "tokenizer.json")
    writer.add_file(contract.ROLE_SRC_VOCAB, "tokenizer.json")
    writer.add_file(contract.ROLE_TGT_VOCAB, "tokenizer.json")
    placeholders = all(p in tokenizer.tokens for p in PLACEHOLDERS)
    if placeholders and names is not None:  # the app tells names from words with the lists training learnt
        (writer.out / NAMES_FILE).write_text(json.dumps(NameLists.from_json(names).to_json(), ensure_ascii=False),
                                             encoding="utf-8")
        writer.add_file(contract.ROLE_NAMES, NAMES_FILE)
    return placeholders


def describe(writer: PackageWriter, model: Seq2Seq, tokenizer: SubwordTokenizer, ckpt: dict, placeholders: bool
             ) -> None:
    """The manifest's entries of a translator: placeholders, vocabularies, architecture, decoding, training."""
    names = NAMES_FILE if contract.ROLE_NAMES in writer.manifest["files"] else ""
    writer.describe(
        placeholders={"numbers_and_names": placeholders,
                      "tokens": f"{PLACEHOLDERS[0]}..{PLACEHOLDERS[-1]}" if placeholders else "", "name_lists": names},
        vocab={"src": "tokenizer.json", "tgt": "tokenizer.json", "type": "subword (joint BPE, tokenizers)",
               "size": len(tokenizer)},
        architecture={**dataclasses.asdict(model.config), "attention": "Luong general, bidirectional encoder"},
        decoding={"beam": BEAM, "length_alpha": LENGTH_ALPHA, "no_repeat_ngram": NO_REPEAT_NGRAM,
                  "max_len": "2 * source pieces + 10", "max_pieces_per_segment": MAX_PIECES,
                  "coverage_beta": COVERAGE_BETA, "length_penalty": "GNMT ((5 + length) / 6) ** length_alpha"},
        training=training_record(ckpt, ckpt.get("split", ""), DEFAULT_COMMAND, epochs=ckpt.get("epoch", 0),
                                 pretrained_embeddings=ckpt.get("pretrained", [])),
        license=LICENSE, attribution=ATTRIBUTION,
    )


def build_package(checkpoint: Path, out: Path, work_dir: Path, package_id: str, data: Path | None = None,
                  references: dict[str, list[str]] | None = None, eval_sentences: int = 1000,
                  int8_tolerance: float = 0.5, measure_speed: bool = True, parity_sentences: int = 100,
                  dev_dir: Path | None = None, benchmarks: Sequence[dict] = ()) -> dict:
    """Writes the package folder ``out`` and returns its manifest. Quality is measured on the test split of
    ``data`` (or on ``references``: English -> French references, e.g. a fixture's pairs)."""
    model, tokenizer, ckpt = load_checkpoint(checkpoint, kind="subword")
    cfg = model.config
    if references is None and data is not None:
        references = test_references(data, ckpt["config"])
    sentences = list(references)[:parity_sentences] if references else ["Tom lives in Boston.", "I was born in 1914."]
    work_dir.mkdir(parents=True, exist_ok=True)
    fp32 = {role: work_dir / f"{role}.onnx" for role in (contract.ROLE_ENCODER, contract.ROLE_DECODER)}
    checks = check_graphs(model, tokenizer, fp32, sentences)
    meta = graph_metadata(package_id, contract.KIND_TRANSLATOR, cfg.cell, cfg.n_layer, cfg.n_hidden,
                          cfg.tgt_vocab_size, **{contract.META_SRC_VOCAB_SIZE: cfg.src_vocab_size})
    variants = quantize_graphs(fp32, {role: {**meta, contract.META_GRAPH: role} for role in fp32})

    writer = PackageWriter(out, package_id, contract.KIND_TRANSLATOR, cfg.cell, extras=(NAMES_FILE,))
    placeholders = write_vocabularies(writer, tokenizer, ckpt.get("names"))
    writer.metrics.update(parameters=model.num_params(), **checks)
    describe(writer, model, tokenizer, ckpt, placeholders)

    def quality(package: ModelPackage, graphs: Graphs) -> dict:
        scores = evaluate_translator(_translator(package, graphs), references, beam=BEAM, limit=eval_sentences)
        return {k: v for k, v in scores.items() if k not in ("beam", "seconds")}

    def speed(package: ModelPackage, graphs: Graphs) -> dict:
        return latency(_translator(package, graphs), list(references))

    scores = writer.measure(variants, quality if references else None, speed if measure_speed and references else None)
    writer.ship(variants, scores, lambda fp32, int8: int8["bleu"] >= fp32["bleu"] - int8_tolerance)
    notes = [NOTES] + ([PLACEHOLDER_NOTES] if placeholders else [])
    if dev_dir is not None:
        notes.append(dev_evaluation(out, writer.manifest, dev_dir, data))
    return writer.finish(notes, benchmarks)


def _translator(package: ModelPackage, graphs: Graphs) -> Translator:
    return Translator(package, "cpu", 1, encoder_path=graphs[contract.ROLE_ENCODER],
                      decoder_path=graphs[contract.ROLE_DECODER])


def dev_evaluation(out: Path, manifest: dict, dev_dir: Path, data: Path | None) -> str:
    """Scores the written package on the held-out sets of ``dev_dir`` (and the test split of ``data``) with
    export.translation_dev, records the numbers in the manifest and returns the model card's section."""
    from export import translation_dev

    write_manifest(out, manifest)
    package = ModelPackage.load(out)
    sets = {path.stem: translation_dev.read_dev_set(path) for path in sorted(Path(dev_dir).glob("*.tsv"))}
    if data is not None and Path(data).is_file():
        sets["tatoeba-test-split"] = test_references(data, manifest["training"]["config"])
    results = translation_dev.evaluate_sets(Translator(package, "cpu", 1), sets, beam=4)
    results["all"].pop("records")
    manifest["evaluation"] = {"command": "python -m export.translation_dev <package> --dev-dir "
                              f"{dev_dir}" + (f" --data {data}" if data else ""), "sets": results}
    write_manifest(out, manifest)
    return "## Held-out evaluation sets\n\n" + translation_dev.markdown(results, manifest["id"], 4)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m export.translator", description=__doc__.split("\n")[0])
    parser.add_argument("checkpoint", type=Path)
    parser.add_argument("--out", type=Path, default=Path("resources/models/tatoeba-en-fr"))
    parser.add_argument("--data", type=Path, default=Path("../shared/data/tatoeba-eng-fra/fra.txt"))
    parser.add_argument("--work-dir", type=Path, default=None,
                        help="where the unshipped graphs go (default runs/export/<id>)")
    parser.add_argument("--id", default=None, help="package id (default: the output folder name)")
    parser.add_argument("--eval-sentences", type=int, default=0,
                        help="test sentences scored for the fp32/int8 decision (0 = the whole test split)")
    parser.add_argument("--int8-tolerance", type=float, default=0.5, help="BLEU int8 may lose and still ship")
    parser.add_argument("--no-speed", action="store_true", help="skip the latency measurement")
    parser.add_argument("--dev-dir", type=Path, default=None,
                        help="held-out sets (../shared/data/translation-dev) scored into the model card")
    add_benchmark_option(parser)
    args = parser.parse_args(argv)
    package_id = args.id or args.out.name
    torch.set_num_threads(1)
    manifest = build_package(args.checkpoint, args.out, args.work_dir or Path("runs/export") / package_id,
                             package_id, data=args.data, eval_sentences=args.eval_sentences,
                             int8_tolerance=args.int8_tolerance, measure_speed=not args.no_speed,
                             dev_dir=args.dev_dir, benchmarks=[read_benchmark(path) for path in args.benchmark])
    print(json.dumps(manifest["metrics"], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
