"""What the About dialog says about the models: each package's card, licence and attribution, and the data
they were trained on. No Qt."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from desktop.runtime.package import ModelPackage, ModelPackageError, find_packages

FEATURES = {
    "char_lm": "Continue in Shakespeare's style",
    "word_lm": "Word completion",
    "translator": "English to French translation",
}


@dataclass(frozen=True)
class DataSource:
    """A data set a shipped model learned from."""

    name: str
    used_for: str
    licence: str
    attribution: str
    url: str


DATA_SOURCES = (
    DataSource(
        "Tatoeba English–French sentence pairs",
        "translation",
        "CC-BY 2.0 FR",
        "www.manythings.org/anki and tatoeba.org",
        "https://www.manythings.org/anki/",
    ),
    DataSource(
        "WikiText-2 (Merity et al. 2016), from Wikipedia's Good and Featured articles",
        "word completion",
        "CC BY-SA",
        "Salesforce Research; text by Wikipedia contributors",
        "https://www.salesforce.com/blog/the-wikitext-long-term-dependency-language-modeling-dataset/",
    ),
    DataSource(
        "pyspellchecker's English and French word lists (word frequencies from OpenSubtitles 2018)",
        "spelling",
        "MIT",
        "Tyler Barrus (pyspellchecker); P. Lison and J. Tiedemann, OpenSubtitles2016/2018",
        "https://github.com/barrust/pyspellchecker",
    ),
    DataSource(
        "Folio's extra English words (resources/spelling/en-extra.txt.gz), counted in English Wikipedia "
        "articles and Project Gutenberg books (English-mix train)",
        "spelling",
        "CC BY-SA (Wikipedia text); public domain (Gutenberg books)",
        "Wikipedia contributors; Project Gutenberg",
        "https://www.gutenberg.org/",
    ),
    DataSource(
        "Tiny Shakespeare (Karpathy's char-rnn), from the works of William Shakespeare",
        "continuation",
        "Public domain",
        "The works of William Shakespeare, collected by Andrej Karpathy",
        "https://github.com/karpathy/char-rnn",
    ),
)


@dataclass
class ModelCard:
    """One installed model package as the About dialog lists it."""

    id: str
    kind: str
    feature: str
    licence: str
    attribution: str
    card_markdown: str  # the package's README.md ("" when it has none)
    metrics: dict = field(default_factory=dict)
    folder: Path | None = None


def model_cards(models_dir: str | Path | None) -> tuple[list[ModelCard], list[str]]:
    """The cards of the packages under ``models_dir`` (kind order: char, word, translator), and problems."""
    if models_dir is None:
        return [], ["no models folder"]
    by_kind, problems = find_packages(Path(models_dir))
    cards: list[ModelCard] = []
    for kind in sorted(by_kind, key=lambda k: list(FEATURES).index(k) if k in FEATURES else 99):
        for folder in by_kind[kind]:
            try:
                package = ModelPackage.load(folder, verify=False)
            except ModelPackageError as exc:  # pragma: no cover - find_packages already read it
                problems.append(str(exc))
                continue
            manifest = package.manifest
            try:
                card = (folder / "README.md").read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                card = ""
            cards.append(
                ModelCard(
                    id=package.id,
                    kind=kind,
                    feature=FEATURES.get(kind, kind),
                    licence=str(manifest.get("license", "") or "not stated"),
                    attribution=str(manifest.get("attribution", "") or "not stated"),
                    card_markdown=card,
                    metrics=dict(manifest.get("metrics") or {}),
                    folder=folder,
                )
            )
    return cards, problems
