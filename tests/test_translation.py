"""English -> French translation: data split, tokenizer, text helpers, model, training, export, runtime."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from desktop.runtime import contract
from desktop.runtime.engines import Engines, UnavailableEngine
from desktop.runtime.package import ModelPackage, sha256_file
from desktop.runtime.session import OrtGraph
from desktop.runtime.subword import SubwordTokenizer, word_spans
from desktop.runtime.translation_text import (
    NNBSP,
    french_typography,
    looks_french,
    normalize_text,
    split_clauses,
    split_sentences,
)
from desktop.runtime.translator import FRENCH_NOTE, MAX_PIECES, NOTHING_NOTE, Translator
from export.evaluate_translation import evaluate_translator, has_loop, latency, score
from export.translator import greedy_parity
from model.checkpoint import load_checkpoint
from model.pretrained import init_embedding
from model.seq2seq import Seq2Seq, Seq2SeqConfig
from model.train_translate import TranslateTrainConfig, train_translate
from model.translation_data import batch_order, encode_pairs, english_key, read_pairs, split_pairs
from tests.fixtures.tiny_translator import TINY_PAIRS

ENGLISH = ["Tom lives in Boston.", "Mary was born in 1914.", "I have three cats.", "Where is the station?",
           "The weather is nice today.", "Do you speak French?", "We arrived in Paris in 2003."]
FRENCH = ["Tom vit à Boston.", "Mary est née en 1914.", "J'ai trois chats.", "Où est la gare ?",
          "Il fait beau aujourd'hui.", "Parlez-vous français ?", "Nous sommes arrivés à Paris en 2003."]


def _synthetic_pairs(n: int = 300) -> list[tuple[str, str]]:
    """n English sentences with 1-3 French translations each, plus punctuation variants ("... ." / "... !")."""
    pairs = []
    for i in range(n):
        en = f"Sentence number {i} is here."
        pairs += [(en, f"La phrase {i} est là{'!' * k}.") for k in range(1 + i % 3)]
        if i % 10 == 0:
            pairs.append((f"Sentence number {i} is here!", f"La phrase {i} est là !"))
    return pairs


# --- data --------------------------------------------------------------------------------------------


def test_read_pairs_normalizes_unicode_spaces(tmp_path: Path):
    path = tmp_path / "fra.txt"
    text = "Go.\tVa\u00a0!\nWho?\tQui\u202f?\nWait!\tAttends\u2009!\nHi.\tSa\u200blut\u00a0 !\n"
    path.write_text(text, encoding="utf-8")
    assert read_pairs(path) == [("Go.", "Va !"), ("Who?", "Qui ?"), ("Wait!", "Attends !"), ("Hi.", "Salut !")]


def test_read_pairs_reports_a_malformed_line(tmp_path: Path):
    path = tmp_path / "fra.txt"
    path.write_text("Go.\tVa !\nno tab here\n", encoding="utf-8")
    with pytest.raises(ValueError, match=":2:"):
        read_pairs(path)


def test_split_keeps_each_english_sentence_and_its_variants_in_one_split():
    pairs = _synthetic_pairs()
    splits = split_pairs(pairs, test_sentences=30, valid_sentences=20, seed=7)
    keys = [{english_key(en) for en, _ in part} for part in (splits.train, splits.valid, splits.test)]
    assert not keys[0] & keys[1] and not keys[0] & keys[2] and not keys[1] & keys[2]
    assert len(keys[2]) == 30 and len(keys[1]) == 20
    assert sorted(splits.train + splits.valid + splits.test) == sorted(pairs)
    for en, refs in splits.test_references.items():  # every translation of a test sentence is a reference
        assert refs == [fr for e, fr in pairs if e == en]
    assert any(len(refs) == 3 for refs in splits.test_references.values())


def test_split_is_seeded():
    pairs = _synthetic_pairs()
    a, b = split_pairs(pairs, 30, 20, seed=7), split_pairs(pairs, 30, 20, seed=7)
    c = split_pairs(pairs, 30, 20, seed=8)
    assert a.test == b.test and a.train == b.train
    assert a.test != c.test


def test_length_filter_drops_long_pairs_and_batches_cover_every_pair():
    tok = SubwordTokenizer.train(ENGLISH + FRENCH, vocab_size=200, min_frequency=1)
    pairs = list(zip(ENGLISH, FRENCH)) + [("word " * 80, "mot " * 80)]
    data = encode_pairs(pairs, tok, tok, max_tokens=64)
    assert len(data) == len(ENGLISH)
    assert all(t[0] == tok.bos_id and t[-1] == tok.eos_id for t in data.tgt)
    order = batch_order(data, batch_size=3, epoch=1, seed=5)
    assert sorted(i for b in order for i in b) == list(range(len(data)))
    assert order == batch_order(data, batch_size=3, epoch=1, seed=5)


# --- tokenizer and text ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tokenizer() -> SubwordTokenizer:
    return SubwordTokenizer.train(ENGLISH + FRENCH, vocab_size=250, min_frequency=1)


@pytest.mark.parametrize("text", ENGLISH + FRENCH + [
    "Zyxtar met Kowalczyk in Ouagadougou on 12/03/1987.", "Il a dit : « oui » !", "Call 555-0199, now; please?",
    "Ça coûte 25 € ou 30 $.", "Où êtes-vous ? Ici...",
])
def test_tokenization_round_trip(tokenizer: SubwordTokenizer, text: str):
    encoded = tokenizer.encode(text)
    assert tokenizer.unk_id not in encoded.ids.tolist()
    assert tokenizer.decode(encoded.ids) == normalize_text(text)


def test_numbers_are_digits_and_unseen_names_are_pieces(tokenizer: SubwordTokenizer):
    pieces = tokenizer.encode("Zyxtar was born in 1914.").tokens
    assert ["1", "9", "1", "4"] == pieces[pieces.index("1") : pieces.index("1") + 4]
    assert "<unk>" not in pieces
    assert "<unk>" in tokenizer.encode("I love 🙂.").tokens  # outside every alphabet


def test_tokenizer_json_round_trip(tokenizer: SubwordTokenizer, tmp_path: Path):
    tokenizer.save(tmp_path / "tok.json")
    data = json.loads((tmp_path / "tok.json").read_text(encoding="utf-8"))
    assert data["type"] == "subword" and data["tokens"][:4] == ["<pad>", "<unk>", "<s>", "</s>"]
    again = SubwordTokenizer.load(tmp_path / "tok.json")
    assert again.encode("Tom lives in Boston.").ids.tolist() == tokenizer.encode("Tom lives in Boston.").ids.tolist()
    with pytest.raises(ValueError, match="subword"):
        SubwordTokenizer.from_json({"type": "char", "tokens": ["a"]})


def test_word_spans_group_pieces_into_words():
    pieces = ["\u2581Tom", "'", "s", "\u2581car", "\u2581", "1", "9", "\u2581", "!"]
    assert word_spans(pieces) == [(0, 3), (3, 4), (4, 7), (7, 9)]


@pytest.mark.parametrize(("raw", "expected"), [
    ("Va !", f"Va{NNBSP}!"),
    ("Va!", f"Va{NNBSP}!"),
    ("Quoi ?!", f"Quoi{NNBSP}?!"),
    ("Attention ; il a dit : « oui ».", f"Attention{NNBSP}; il a dit{NNBSP}: «{NNBSP}oui{NNBSP}»."),
    ("«Non»", f"«{NNBSP}Non{NNBSP}»"),
    ("Bonjour , Tom .", "Bonjour, Tom."),
    ("Il est 10:30 , voir http://x.fr .", "Il est 10:30, voir http://x.fr."),
    ("Et alors\u00a0?", f"Et alors{NNBSP}?"),
])
def test_french_punctuation_spacing(raw: str, expected: str):
    assert french_typography(raw) == expected
    assert french_typography(expected) == expected  # idempotent: segments are joined and spaced again


def test_normalize_text_handles_every_kind_of_space():
    assert normalize_text("  Qui\u202f?\u00a0Moi\u2009!\u200b\tIl\u2019s  \n ") == "Qui ? Moi ! Il's"


def test_sentence_splitting():
    assert split_sentences("Mr. Smith arrived. He sat down! Did J. Doe see it? Yes.") == [
        "Mr. Smith arrived.", "He sat down!", "Did J. Doe see it?", "Yes."]
    assert split_sentences("It costs 3.50 dollars. OK") == ["It costs 3.50 dollars.", "OK"]
    assert split_sentences("   ") == []


def test_long_sentences_are_cut_at_clauses_then_by_words():
    words = [f"w{i}" for i in range(200)]
    sentence = " ".join(words[:30]) + ", " + " ".join(words[30:50]) + "; " + " ".join(words[50:])
    pieces = split_clauses(sentence, 40)
    assert all(len(p.split()) <= 40 for p in pieces)
    assert " ".join(pieces).replace(",", "").replace(";", "").split() == words
    assert pieces[0].endswith(",")  # the first cut is at the comma, not at word 40
    assert split_clauses("Short one.", 40) == ["Short one."]


@pytest.mark.parametrize(("text", "french"), [
    ("Je suis fatigué.", True), ("Où est la gare ?", True), ("Nous sommes arrivés hier.", True),
    ("Tom lives in Boston.", False), ("I am at the café.", False), ("Bonjour Tom", False), ("Paris", False),
    # English with contractions and "as" (a French word too): passed through untranslated before
    ("You're almost as tall as Tom.", False), ("Tom can't swim as well as Mary.", False),
])
def test_french_input_is_recognized(text: str, french: bool):
    assert looks_french(text) is french


# --- model -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_padding_does_not_change_a_sentence(cell: str):
    torch.manual_seed(0)
    model = Seq2Seq(Seq2SeqConfig(50, 50, cell, n_layer=2, n_embd=8, n_hidden=16, dropout=0.0)).eval()
    short = torch.tensor([[5, 6, 7]])
    batch = torch.tensor([[5, 6, 7, 0, 0], [8, 9, 10, 11, 12]])
    with torch.no_grad():
        enc_a, state_a = model.encode(short, short != 0)
        enc_b, state_b = model.encode(batch, batch != 0)
        logits_a, _, att_a = model.decode(torch.tensor([[2, 9]]), state_a, enc_a, short != 0)
        logits_b, _, att_b = model.decode(torch.tensor([[2, 9], [2, 9]]), state_b, enc_b, batch != 0)
    assert torch.allclose(enc_a[0], enc_b[0, :3], atol=1e-6)
    assert torch.all(enc_b[0, 3:] == 0)
    assert all(torch.allclose(a[:, 0], b[:, 0], atol=1e-6) for a, b in zip(state_a, state_b))
    assert torch.allclose(logits_a[0], logits_b[0], atol=1e-5)
    assert torch.all(att_b[0, :, 3:] == 0) and torch.allclose(att_b.sum(-1), torch.ones(2, 2))


def test_label_smoothing_changes_the_loss_but_not_the_nll():
    torch.manual_seed(0)
    model = Seq2Seq(Seq2SeqConfig(30, 30, "gru", 1, 8, 16, 0.0)).eval()
    src, tgt = torch.tensor([[4, 5, 6]]), torch.tensor([[2, 7, 8, 3]])
    plain, nll = model(src, src != 0, tgt[:, :-1], tgt[:, 1:])
    smooth, nll2 = model(src, src != 0, tgt[:, :-1], tgt[:, 1:], label_smoothing=0.1)
    assert torch.allclose(plain, nll) and torch.allclose(nll, nll2) and not torch.allclose(smooth, nll)


def test_shared_embeddings_need_a_joint_vocabulary():
    with pytest.raises(ValueError, match="joint"):
        Seq2Seq(Seq2SeqConfig(30, 40, share_embeddings=True))


def test_embeddings_initialize_from_word2vec_text(tmp_path: Path):
    path = tmp_path / "vectors.txt"
    path.write_text("2 4\n\u2581Tom 1 2 3 4\n\u2581Boston -1 0 1 0\n", encoding="utf-8")
    emb = torch.nn.Embedding(5, 4)
    tokens = ["<pad>", "<unk>", "\u2581Tom", "\u2581Boston", "\u2581Paris"]
    before = emb.weight[4].clone()
    coverage = init_embedding(emb, tokens, path)
    assert coverage["covered"] == 2 and coverage["coverage"] == 0.4
    w = emb.weight.detach()
    assert torch.allclose(w[2] / w[2].norm(), torch.tensor([1.0, 2, 3, 4]) / torch.tensor([1.0, 2, 3, 4]).norm())
    assert torch.equal(w[4], before)
    with pytest.raises(ValueError, match="n_embd"):
        init_embedding(torch.nn.Embedding(5, 3), tokens, path)


# --- training ----------------------------------------------------------------------------------------


def _tiny_run(tmp_path: Path, **overrides) -> TranslateTrainConfig:
    data = tmp_path / "fra.txt"
    data.write_text("".join(f"{en}\t{fr}\n" for en, fr in _synthetic_pairs(60) + list(zip(ENGLISH, FRENCH))),
                    encoding="utf-8")
    values = dict(data=str(data), out_dir=str(tmp_path / "run"), test_sentences=5, valid_sentences=5, vocab_size=200,
                  cell="gru", n_layer=1, n_embd=16, n_hidden=32, dropout=0.0, batch_size=8, max_iters=6,
                  eval_interval=3, eval_bleu_sentences=4, warmup_iters=2, threads=1)
    values.update(overrides)
    return TranslateTrainConfig(**values)


def test_training_writes_checkpoint_log_tokenizer_and_resumes(tmp_path: Path):
    cfg = _tiny_run(tmp_path)
    progress = train_translate(cfg)
    out = Path(cfg.out_dir)
    assert progress["step"] == 6
    assert {"ckpt.pt", "best.pt", "log.jsonl", "tokenizer.json"} <= {p.name for p in out.iterdir()}
    records = [json.loads(line) for line in (out / "log.jsonl").read_text().splitlines()]
    evals = [r for r in records if "val_loss" in r]
    assert [r["step"] for r in evals] == [3, 6] and all("val_bleu_greedy" in r for r in evals)
    model, tok, ckpt = load_checkpoint(out / "ckpt.pt")
    assert ckpt["step"] == 6 and len(tok) == model.config.tgt_vocab_size
    assert "split" in ckpt and ckpt["config"]["test_sentences"] == 5
    resumed = train_translate(_tiny_run(tmp_path, init_from="resume", max_iters=8))
    assert resumed["step"] == 8


def test_epochs_set_the_number_of_steps(tmp_path: Path):
    progress = train_translate(_tiny_run(tmp_path, epochs=1.0, eval_interval=1000, eval_bleu_sentences=0))
    _, _, ckpt = load_checkpoint(Path(tmp_path / "run" / "ckpt.pt"))
    assert progress["step"] == ckpt["config"]["max_iters"] > 1


@pytest.mark.slow
def test_training_runs_under_torchrun_ddp(tmp_path: Path, torchrun):
    cfg = _tiny_run(tmp_path)
    torchrun("model.train_translate", cfg, ("data", "out_dir", "test_sentences", "valid_sentences", "vocab_size",
                                            "cell", "n_layer", "n_embd", "n_hidden", "batch_size", "max_iters",
                                            "eval_interval", "eval_bleu_sentences", "warmup_iters", "threads"))
    _, _, ckpt = load_checkpoint(Path(cfg.out_dir) / "ckpt.pt")
    assert ckpt["step"] == cfg.max_iters


def test_dry_run_is_a_short_smoke_run(tmp_path: Path):
    progress = train_translate(_tiny_run(tmp_path, dry_run=True, max_iters=1000))
    assert progress["step"] <= 4


# --- export ------------------------------------------------------------------------------------------


def test_exported_graphs_use_the_contract_names(models_dir: Path):
    package = ModelPackage.load(models_dir / "tiny-translator")
    cell = package.cell
    encoder = OrtGraph(package.file(contract.ROLE_ENCODER), "cpu")
    decoder = OrtGraph(package.file(contract.ROLE_DECODER), "cpu")
    assert encoder.input_names == [contract.SRC_IDS, contract.SRC_MASK]
    assert encoder.output_names == contract.encoder_output_names(cell)
    assert decoder.input_names == contract.decoder_input_names(cell)
    assert decoder.output_names == contract.decoder_output_names(cell)
    assert decoder.metadata[contract.META_GRAPH] == "decoder" and encoder.metadata[contract.META_GRAPH] == "encoder"
    assert decoder.metadata[contract.META_KIND] == contract.KIND_TRANSLATOR


def test_manifest_records_parity_and_scores(models_dir: Path):
    manifest = json.loads((models_dir / "tiny-translator" / contract.MANIFEST_NAME).read_text(encoding="utf-8"))
    m = manifest["metrics"]
    assert manifest["kind"] == "translator" and manifest["contract"] == 1
    assert set(manifest["files"]) == {"encoder", "decoder", "src_vocab", "tgt_vocab"}
    assert m["greedy_parity_token_identical"] == m["greedy_parity_sentences"] == len({en for en, _ in TINY_PAIRS})
    assert m["parity_fp32_max_abs_diff"] < 1e-3 and m["greedy_parity_log_prob_max_abs_diff"] < 1e-3
    assert m["bleu_fp32"] >= 90 and m[f"bleu_{m['shipped_precision']}"] >= 90
    assert "tatoeba.org" in manifest["attribution"]
    assert (models_dir / "tiny-translator" / "README.md").read_text(encoding="utf-8").count("bleu_int8") == 1


def test_greedy_parity_catches_graphs_that_disagree(models_dir: Path):
    work = models_dir.parent / "work"
    model, tok, _ = load_checkpoint(work / "tiny-translator.pt")
    graphs = (work / "tiny-translator" / "encoder.onnx", work / "tiny-translator" / "decoder.onnx")
    sentences = sorted({en for en, _ in TINY_PAIRS})
    same = greedy_parity(model, tok, *graphs, sentences)
    assert same["mismatches"] == 0 and same["token_identical"] == len(sentences)
    with torch.no_grad():
        model.out_bias[tok.eos_id] += 50.0  # PyTorch now ends every translation at once; the graphs do not
    changed = greedy_parity(model, tok, *graphs, sentences)
    assert changed["mismatches"] == len(sentences) and changed["token_identical"] == 0


# --- runtime -----------------------------------------------------------------------------------------


def test_beam_search_returns_n_best_sorted_by_score(translator: Translator):
    results = translator.translate("I love you.", beam=4, n_best=3)
    assert len(results) >= 2
    scores = [r.score for r in results]
    assert scores == sorted(scores, reverse=True)
    assert len({r.text for r in results}) == len(results)
    assert {r.text for r in results[:2]} == {"Je t'aime.", "Je vous aime."}  # both references it learned


@pytest.mark.parametrize(("english", "kept"), [
    ("Tom lives in Boston.", ["Tom", "Boston"]), ("Mary was born in 1914.", ["Mary", "1914"]),
    ("We arrived in Paris in 2003.", ["Paris", "2003"]), ("It costs 25 euros.", ["25"]),
])
def test_names_and_numbers_come_through(translator: Translator, english: str, kept: list[str]):
    text = translator.translate(english)[0].text
    assert all(word in text.split() or word + "." in text.split() for word in kept), text


def test_learned_pairs_translate_with_french_punctuation(translator: Translator):
    assert translator.translate("Where is the station?")[0].text == f"Où est la gare{NNBSP}?"
    assert translator.translate("Be careful; it is hot.")[0].text == f"Fais attention{NNBSP}; c'est chaud."


def test_segments_carry_tokens_and_attention_for_a_heat_map(translator: Translator):
    result = translator.translate("Tom lives in Boston.")[0]
    (segment,) = result.segments
    assert result.attention[0] is segment.attention
    assert segment.attention.shape == (len(segment.tgt_tokens), len(segment.src_tokens))
    assert np.allclose(segment.attention.sum(1), 1.0, atol=1e-4)
    assert segment.src_words == ["Tom", "lives", "in", "Boston."]
    assert segment.word_attention.shape == (len(segment.tgt_words), len(segment.src_words))
    assert np.allclose(segment.word_attention.sum(1), 1.0, atol=1e-4)
    assert segment.tgt_words[0] == "Tom" and segment.word_attention[0].argmax() == 0  # "Tom" looks at "Tom"


def test_multi_sentence_input_is_translated_sentence_by_sentence(translator: Translator):
    result = translator.translate("Tom lives in Boston. I am tired.\nHelp!")[0]
    assert result.text == f"Tom vit à Boston. Je suis fatigué.\nÀ l'aide{NNBSP}!"
    assert len(result.segments) == 3


def test_input_without_final_punctuation_or_capital(translator: Translator):
    assert translator.translate("I am tired")[0].text == "Je suis fatigué"
    assert translator.translate("tom is my friend.")[0].text == "tom est mon ami."
    assert translator.translate("I am tired,")[0].text == "Je suis fatigué,"  # fed "I am tired.", "." -> ","
    assert translator.translate("Tom is my friend")[0].text == "Tom est mon ami"


@pytest.mark.parametrize("text", ["", "   ", "\n\n"])
def test_empty_input_gives_nothing(translator: Translator, text: str):
    assert translator.translate(text) == []


@pytest.mark.parametrize("text", ["1914", "?!", "12:30 - 14:00", "…"])
def test_input_without_words_is_passed_through(translator: Translator, text: str):
    (result,) = translator.translate(text)
    assert result.text == text and result.note == NOTHING_NOTE and result.segments == []


def test_french_input_is_passed_through_with_a_note(translator: Translator):
    (result,) = translator.translate("Je suis fatigué, merci.")
    assert result.text == "Je suis fatigué, merci." and result.note == FRENCH_NOTE


def test_a_200_word_sentence_is_split_not_refused(translator: Translator):
    sentence = ", ".join(["Tom lives in Boston and Mary lives in London"] * 20) + "."
    (result,) = translator.translate(sentence)
    assert len(sentence.split()) >= 180
    assert len(result.segments) >= 5 and all(translator.pieces(s.source) <= MAX_PIECES for s in result.segments)
    assert "parts" in result.note and result.text
    assert all(s.attention.shape[0] <= 2 * len(s.src_tokens) + 10 for s in result.segments)  # the length limit


def test_unseen_words_and_characters_do_not_break_translation(translator: Translator):
    for text in ["Zorblax lives in Quuxville.", "Tom lives in Boston 🙂.", "I have 1234567 cats!", "我很累。",
                 "Ich bin sehr müde.", "Привет, Том!"]:
        results = translator.translate(text, beam=4, n_best=2)
        assert results and all(isinstance(r.text, str) and r.text for r in results)
    emoji = translator.translate("Tom 🙂 lives in Boston.")[0].segments[0]
    assert "<unk>" not in emoji.tgt_tokens and "<unk>" not in " ".join(emoji.tgt_words)


def test_beam_and_n_best_are_clamped(translator: Translator):
    assert translator.translate("Help!", beam=0, n_best=0)[0].text == f"À l'aide{NNBSP}!"
    assert len(translator.translate("I love you.", beam=1, n_best=2)) == 2  # the beam widens to n_best
    assert translator.translate("Help!", beam=1000)[0].text == f"À l'aide{NNBSP}!"


# --- engines and packages ----------------------------------------------------------------------------


def test_engines_build_the_translator(models_dir: Path):
    engine = Engines.from_dir(models_dir, provider="cpu").translator
    assert isinstance(engine, Translator) and engine.available
    assert engine.translate("Tom lives in Boston.")[0].text == "Tom vit à Boston."


def test_a_damaged_translator_package_gives_an_unavailable_engine(models_copy):
    package = models_copy("tiny-translator") / "tiny-translator"
    manifest = json.loads((package / contract.MANIFEST_NAME).read_text(encoding="utf-8"))
    decoder = package / manifest["files"]["decoder"]["path"]
    decoder.write_bytes(decoder.read_bytes()[:-10])
    engine = Engines.from_dir(package.parent, provider="cpu").translator
    assert isinstance(engine, UnavailableEngine) and not engine.available
    assert "damaged" in engine.error and decoder.name in engine.error
    with pytest.raises(RuntimeError, match="translation is unavailable"):
        engine.translate("Hello.")


def test_a_broken_tokenizer_gives_a_clear_error(models_copy):
    package = models_copy("tiny-translator") / "tiny-translator"
    (package / "tokenizer.json").write_text('{"type": "subword", "tokenizer": {"model": 1}}', encoding="utf-8")
    for role in ("src_vocab", "tgt_vocab"):  # re-sign, so only the content is wrong
        manifest = json.loads((package / contract.MANIFEST_NAME).read_text(encoding="utf-8"))
        manifest["files"][role]["sha256"] = sha256_file(package / "tokenizer.json")
        (package / contract.MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")
    engine = Engines.from_dir(package.parent, provider="cpu").translator
    assert not engine.available and "tokenizer.json is not a usable tokenizer" in engine.error


def test_a_missing_translator_package_gives_an_unavailable_engine(tmp_path: Path):
    engine = Engines.from_dir(tmp_path, provider="cpu").translator
    assert not engine.available and "no translator model package" in engine.error


def test_translator_runs_without_torch_or_onnx(models_dir: Path):
    from tests.test_boundaries import _run_blocked

    code = f"""
from desktop.runtime import Engines
t = Engines.from_dir({str(models_dir)!r}, provider="cpu").translator
assert t.available, t.error
print(t.translate("Tom lives in Boston.")[0].text)
assert "torch" not in sys.modules and "onnx" not in sys.modules
"""
    result = _run_blocked({"torch", "onnx", "onnxscript", "model", "export"}, code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Tom vit à Boston."


# --- evaluation --------------------------------------------------------------------------------------


def test_scores_copy_and_loop_rates():
    refs = {"Tom.": ["Tom."], "I am tired.": ["Je suis fatigué."], "Help!": ["À l'aide !", "Au secours !"]}
    perfect = score(list(refs), ["Tom.", "Je suis fatigué.", f"Au secours{NNBSP}!"], refs)
    assert perfect["bleu"] == 100.0 and perfect["chrf"] == 100.0 and perfect["references"] == 4
    assert perfect["copy_rate"] == round(1 / 3, 4) and perfect["copy_rate_unjustified"] == 0.0
    bad = score(list(refs), ["Tom.", "I am tired.", "aide aide aide aide"], refs)
    assert bad["copy_rate_unjustified"] == round(1 / 3, 4) and bad["loop_rate"] == round(1 / 3, 4)
    assert bad["bleu"] < 50


def test_names_and_numbers_kept_counts_copyable_words():
    refs = {"Tom met Mary in Boston in 1914.": ["Tom a rencontré Mary à Boston en 1914."],
            "I saw Paris.": ["J'ai vu la capitale."]}  # "Paris" is in no reference: not counted
    result = score(list(refs), ["Tom a rencontré Marie à Boston en 1914.", "J'ai vu Londres."], refs)
    assert result["names_numbers"] == 4 and result["names_numbers_kept"] == 0.75  # Tom, Mary, Boston, 1914


def test_loop_detection():
    assert has_loop("je je je suis") and has_loop("il a dit il a dit il a dit")
    assert not has_loop("Tom vit à Boston.") and not has_loop("très, très bien")


def test_evaluate_and_time_the_tiny_translator(translator: Translator):
    references: dict[str, list[str]] = {}
    for en, fr in TINY_PAIRS:
        references.setdefault(en, []).append(fr)
    metrics = evaluate_translator(translator, references, beam=4)
    assert metrics["bleu"] >= 90 and metrics["loop_rate"] == 0.0 and metrics["copy_rate"] == 0.0
    assert metrics["sentences"] == len(references)
    timing = latency(translator, list(references), beam=4)
    assert 0 < timing["latency_p50_ms"] <= timing["latency_p95_ms"] <= timing["latency_max_ms"]


def test_the_translator_trains_in_the_shared_loop_with_weight_averaging(tmp_path: Path):
    cfg = _tiny_run(tmp_path, average_from=0.5, eval_bleu_sentences=0)
    train_translate(cfg)
    records = [json.loads(line) for line in (Path(cfg.out_dir) / "log.jsonl").read_text().splitlines()]
    evals = [r for r in records if "val_loss" in r]
    assert "averaged_val_loss" not in evals[0] and "averaged_val_loss" in evals[-1]
    assert all("train_nll" in r and "epoch" in r for r in records)
    _, _, ckpt = load_checkpoint(Path(cfg.out_dir) / "ckpt.pt")
    assert ckpt["n_averaged"] > 0 and ckpt["target_tokens"] > 0 and "split" in ckpt
