"""The pure-Python BPE encoder gives exactly what Hugging Face ``tokenizers`` gives (ids, pieces, offsets) for the
translator's tokenizers, on the repository's text, edge cases and random strings."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from tokenizers import Tokenizer

from desktop.runtime.bpe import BpeEncoder
from desktop.runtime.subword import SubwordTokenizer
from desktop.runtime.translation_text import normalize_text

ROOT = Path(__file__).resolve().parents[1]
EDGE_CASES = [
    "Tom lives in Boston. 😀 and 223-1374!", "I was born in 1914, he said: «non»…", "Zyxtar's café — ½ ² ③ 你好 ١٢٣",
    "(hello) [x] {y} $5 +3 = 8 ^ ~ | < >", "'quoted' \"dq\" l'homme c'est", "e\u0301t\u00e9", "😀", "1", "(",
    "\u2581x \u2581", "Ⅻ ⅷ", 'unk: str = "<unk>"', "<s>Hello</s> <pad><unk>x", "a<unk>b <unk> c",
]


def corpus() -> list[str]:
    files = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), *sorted((ROOT / "desktop").rglob("*.py"))]
    texts = [line for path in files for line in path.read_text(encoding="utf-8").splitlines()]
    rng = random.Random(0)
    alphabet = "abcdeéèàç ABC 0123456789 .,;:!?'\"-()«»…€$%&*/+=#@_~`^|<>{}[]\\ 😀你ẞß½²ⅷ\u2581\u00a0"
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40))) for _ in range(2000)]
    texts += ["".join(rng.choice(["<unk>", "<s>", " ", "x", "1", "."]) for _ in range(8)) for _ in range(200)]
    return [t for t in (normalize_text(t) for t in texts + EDGE_CASES) if t]


@pytest.mark.parametrize("package", ["shipped", "fixture"])
def test_pure_python_bpe_matches_tokenizers(package: str, models_dir: Path):
    path = (ROOT / "resources/models/tatoeba-en-fr/tokenizer.json" if package == "shipped"
            else models_dir / "tiny-translator" / "tokenizer.json")
    data = json.loads(path.read_text(encoding="utf-8"))["tokenizer"]
    reference, encoder = Tokenizer.from_str(json.dumps(data)), BpeEncoder.from_json(data)
    texts = corpus()
    assert len(texts) > 5000
    for text in texts:
        expected = reference.encode(text, add_special_tokens=False)
        assert encoder.encode(text) == (list(expected.ids), list(expected.tokens),
                                        [tuple(o) for o in expected.offsets]), text


def test_first_prepend_scheme_and_placeholders_of_a_newly_trained_tokenizer():
    pairs = ["Tom lives in Boston.", "Tom vit à Boston.", "I have 3 cats.", "J'ai 3 chats."] * 20
    trained = SubwordTokenizer.train(pairs, 300, atomic=("<num0>", "<name0>"))
    data = trained.to_json()["tokenizer"]
    reference, encoder = Tokenizer.from_str(json.dumps(data)), BpeEncoder.from_json(data)
    for text in ["<name0> lives in <num0>.", "x<num0>y", "Tom a <num0> chats <name0>", *EDGE_CASES]:
        text = normalize_text(text)
        expected = reference.encode(text, add_special_tokens=False)
        assert encoder.encode(text) == (list(expected.ids), list(expected.tokens),
                                        [tuple(o) for o in expected.offsets]), text


def test_other_pipelines_are_refused():
    data = json.loads((ROOT / "resources/models/tatoeba-en-fr/tokenizer.json").read_text())["tokenizer"]
    for key, value in (("normalizer", {"type": "Lowercase"}), ("pre_tokenizer", {"type": "Whitespace"})):
        with pytest.raises(ValueError, match="does not implement"):
            BpeEncoder.from_json({**data, key: value})
    with pytest.raises(ValueError, match="does not implement"):
        BpeEncoder.from_json({**data, "model": {**data["model"], "byte_fallback": True}})


def test_decoding_without_the_library_matches_tokenizers(models_dir: Path):
    shipped = ROOT / "resources/models/tatoeba-en-fr/tokenizer.json"
    for path in (shipped, models_dir / "tiny-translator" / "tokenizer.json"):
        tokenizer = SubwordTokenizer.load(path)
        assert tokenizer.encoder is not None  # the pure-Python path
        rng = random.Random(1)
        for text in corpus()[:3000]:
            ids = tokenizer.encode(text).ids.tolist()
            kept = [i for i in ids if i >= 4]  # decode drops the four specials
            assert tokenizer.decode(ids) == tokenizer.tokenizer.decode(kept, skip_special_tokens=False), text
        for _ in range(500):
            ids = [rng.randrange(4, len(tokenizer)) for _ in range(rng.randint(1, 12))]
            assert tokenizer.decode(ids) == tokenizer.tokenizer.decode(ids, skip_special_tokens=False), ids


def test_the_app_translates_without_the_tokenizers_library(models_dir: Path):
    """As in the executable, which leaves the library out: loading and translating never import it."""
    import subprocess
    import sys

    script = (
        "import sys; sys.modules['tokenizers'] = None\n"
        "from desktop.runtime.package import ModelPackage\n"
        "from desktop.runtime.translator import Translator\n"
        f"t = Translator(ModelPackage.load({str(models_dir / 'tiny-translator')!r}), provider='cpu')\n"
        "print(t.translate('Tom lives in Boston.')[0].text)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "Tom vit à Boston."
