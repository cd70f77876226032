"""Completing words the word model's vocabulary lacks (desktop/runtime/lexicon.py)."""

from __future__ import annotations

import gzip
import json

import pytest

from desktop.runtime.lexicon import OutOfVocabularyLexicon


def test_only_words_outside_the_vocabulary_are_offered_most_frequent_first():
    lexicon = OutOfVocabularyLexicon({"kinshasa": 50, "kinship": 10, "kind": 900, "ki": 5}, known=["kind", "the"])
    assert [w for w, _ in lexicon.with_prefix("Kin")] == ["kinshasa", "kinship"]
    shares = dict(lexicon.with_prefix("kin"))
    assert abs(sum(shares.values()) - 60 / 65) < 1e-9  # shares of the whole out-of-vocabulary mass
    assert lexicon.with_prefix("k") == []  # one letter fits too many rare words
    assert lexicon.with_prefix("kinshasa") == []  # nothing left to complete


def test_the_completer_completes_a_rare_name_with_the_models_unk_probability(completer):
    vocab = {t.lower() for t in completer.vocab.tokens}
    completer._lexicon = OutOfVocabularyLexicon({"zyxtarville": 40, "zyxtarian": 10}, vocab)
    words = [s.word for s in completer.suggest("They drove to Zyxt", 3)]
    assert words[:2] == ["Zyxtarville", "Zyxtarian"]
    completer.rare_words = False
    assert completer.suggest("They drove to Zyxt", 3) == []


def test_a_name_keeps_its_commonest_spelling_and_case_variants_count_together():
    lexicon = OutOfVocabularyLexicon({"McPartlin": 30, "mcpartlin": 2, "Mcguire": 5}, known=[])
    assert lexicon.with_prefix("mcp") == [("McPartlin", 32 / 37)]


def test_merged_lists_weigh_the_same_whatever_their_totals():
    lexicon = OutOfVocabularyLexicon.merged([{"zorblax": 1_000_000}, {"zorbina": 10}], known=[])
    assert dict(lexicon.with_prefix("zorb")) == {"zorblax": 0.5, "zorbina": 0.5}


def test_export_adds_the_training_texts_rare_words_to_the_package(models_copy, tmp_path):
    from desktop.runtime.completer import Completer
    from desktop.runtime.package import ModelPackage
    from export.lexicon import LEXICON_FILE, add_lexicon, main

    package = models_copy("tiny-word") / "tiny-word"
    text = tmp_path / "train.txt"
    text.write_text(" = Zyxtar Story = \nThe fox met Zyxtarville and Zyxtarville met Qwimby. Qwimby left.\n"
                    "Zyxtarians cheered once.\n", encoding="utf-8")
    entry = add_lexicon(package, text, min_count=2)
    words = dict(line.split("\t") for line in gzip.decompress((package / LEXICON_FILE).read_bytes()).decode()
                 .splitlines())
    assert words["Zyxtarville"] == "2" and words["Qwimby"] == "2" and entry["words"] == len(words)
    assert "Zyxtar" not in words and "Zyxtarians" not in words  # a title line; seen once
    assert "fox" not in words  # in the vocabulary
    manifest = ModelPackage.load(package).manifest  # checksums verified, the lexicon's included
    assert manifest["files"]["lexicon"]["path"] == LEXICON_FILE
    add_lexicon(package, text, min_count=2)  # again: one line for it in the card, with the new checksum
    card = (package / "README.md").read_text(encoding="utf-8")
    assert card.count(f"- `{LEXICON_FILE}`") == 1 and entry["sha256"] in card
    completer = Completer(ModelPackage.load(package), provider="cpu")
    assert [s.word for s in completer.suggest("They drove to Zyxt", 3)][:1] == ["Zyxtarville"]
    assert "Qwimby" in [s.word for s in completer.suggest("She saw Qwi", 3)]
    assert main([str(models_copy("tiny-char") / "tiny-char"), "--text", str(text)]) == 2  # not a word model


def test_a_damaged_lexicon_is_a_package_error_and_an_unreadable_one_costs_only_its_words(models_copy, tmp_path):
    from desktop.runtime.completer import Completer
    from desktop.runtime.package import ModelPackage, ModelPackageError, sha256_file
    from export.lexicon import LEXICON_FILE, add_lexicon
    from export.package_writer import write_manifest

    package = models_copy("tiny-word") / "tiny-word"
    text = tmp_path / "train.txt"
    text.write_text("Zyxtarville and Zyxtarville.\n", encoding="utf-8")
    add_lexicon(package, text)
    with open(package / LEXICON_FILE, "ab") as f:
        f.write(b"junk")
    with pytest.raises(ModelPackageError):
        ModelPackage.load(package)
    (package / LEXICON_FILE).write_bytes(gzip.compress(b"Zyxtarville\tmany\n"))  # checksums fine, content not
    manifest = json.loads((package / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"]["lexicon"]["sha256"] = sha256_file(package / LEXICON_FILE)
    write_manifest(package, manifest)
    completer = Completer(ModelPackage.load(package), provider="cpu")
    assert "Zyxtarville" not in [s.word for s in completer.suggest("They drove to Zyxt", 3)]
    assert completer.suggest("The quick brown ", 3)  # completion goes on


def test_the_completion_worker_builds_the_lexicon_when_the_model_loads(completer):
    from desktop.ui.completion import CompletionWorker
    from tests.fakes import CompleterEngines

    assert completer._lexicon is None  # built lazily by the engine alone
    loaded = []
    worker = CompletionWorker()
    worker.engineLoaded.connect(loaded.append)
    worker.load(CompleterEngines(completer))
    assert loaded and completer._lexicon is not None and len(completer._lexicon) > 0  # not on the first word typed
