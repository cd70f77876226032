"""English -> French translation with a translator package: the encoder graph once per sentence (once per
batch of sentences on a GPU with fp32 graphs), then a batched beam search over the one-step decoder graph.

``Translator.translate(text, beam=4, n_best=1)`` returns up to ``n_best`` :class:`Translation` s sorted by
score, best first. What it does with the text:

1. The text is cleaned first (:func:`~desktop.runtime.text_input.clean_text`: lone surrogates become U+FFFD).
   Empty (or only whitespace) -> ``[]``. No letters at all (only digits or punctuation) -> the text, passed
   through with a note. French input (:func:`looks_french`) or text mostly in another script (Hebrew, Greek,
   Cyrillic, CJK...: :func:`foreign_script`) -> passed through with a note.
2. Each line is split into sentences; a sentence of more than ``MAX_PIECES`` subword pieces (longer than the
   training sentences the model learnt from) is cut at clause boundaries (a note says so). A "word" longer
   than ``MAX_WORD_CHARS`` (base64, a hash, a long URL) is not English: it is copied unchanged, never decoded
   (a note says so). A piece of more than ``MAX_SOURCE_PIECES`` subword pieces is cut in halves at spaces.
   Each piece is a :class:`Segment`, translated on its own and joined back. So every model call is bounded:
   at most ``MAX_SOURCE_PIECES`` source pieces and ``max_output_len`` (at most ``MAX_DECODE_STEPS``) decoder
   steps, and ``should_stop`` is asked before each.
3. For the model a segment starts with a capital and ends with final punctuation (a "." is added if it
   has none, and the output's final punctuation is removed; a trailing , ; or : is put back), as the
   training sentences do. Amounts are rewritten ("$250" -> "250 dollars", :func:`slots.rewrite_currency`).
   The output mirrors the case of the segment's first letter and gets French punctuation spacing
   (translation_text.french_typography).
4. Numbers and names. A package whose tokenizer has the placeholder pieces (a model trained with
   ``--placeholders=true``) translates ``placeholders.protect(text)``: numbers, names (told apart with the
   package's ``names`` file), URLs and e-mail addresses become ``⟦N1⟧``, ``⟦P1⟧``...; the output's
   placeholders are filled from the source (numbers in French form, "7:45" -> "7 h 45"), a dropped one is put
   back where attention points, a repeated one is kept once (:func:`slots.fill_pieces`). An older package's
   dropped numbers are put back where attention points (:func:`slots.reinsert_numbers`), and any package's
   output gets :func:`slots.repair_numbers` (an output number unlike its source number is rewritten from it).
5. Beam search (``beam`` hypotheses decoded as one batch) ranks finished hypotheses as Wu et al. (2016,
   GNMT) do: log-probability / lp + cp with the length penalty lp = ((5 + length) / 6) ** ``LENGTH_ALPHA``
   (length counts </s>) and the coverage penalty cp = ``COVERAGE_BETA`` * sum over source pieces of
   log(min(attention received, 1)), so a hypothesis that leaves source words unattended loses. The search
   stops when the step's best candidate is </s> or no live hypothesis ending now would beat the finished ones
   (and ``n_best`` have ended); at most ``2 * source pieces + 10``
   pieces; a 4-gram of pieces may not repeat (numbers excepted: a digit sequence may). A hypothesis cut by
   the length limit is marked ``truncated`` (a loop, for the evaluation's loop rate).
6. An ``<unk>`` in the output (a character the vocabulary lacks, such as an emoji) is replaced by the source
   text it attended to most.
7. Confidence (:func:`confidence_of`): per segment, from the mean log-probability per piece, how much of the
   source was attended, the share of unusual source words (split into many pieces or unknown) and the
   length; a segment below ``UNSURE_BELOW`` is ``unsure`` with a reason. Thresholds were chosen on the
   held-out dev sets (export/translation_dev.py).

Each segment carries its pieces and attention ([target pieces, source pieces]) and the same aggregated to
words (source pieces of a word summed, target pieces of a word averaged) for the heat map.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import onnxruntime as ort

from desktop.runtime import contract
from desktop.runtime.graph_check import check_graph, check_vocab_size
from desktop.runtime.guard import Cancelled, guarded
from desktop.runtime.letter_formulas import letter_formula
from desktop.runtime.package import ModelPackage, ModelPackageError
from desktop.runtime.placeholders import PLACEHOLDER_RE, PLACEHOLDERS, NameLists, document_surnames, protect
from desktop.runtime.session import OrtGraph, device_type
from desktop.runtime.slots import fill_pieces, reinsert_numbers, repair_numbers, rewrite_currency, slot_value
from desktop.runtime.subword import SPACE_MARK, Encoded, SubwordTokenizer, display_piece, word_spans
from desktop.runtime.text_input import clean_text
from desktop.runtime.translation_text import (
    capitalize_first,
    foreign_script,
    french_typography,
    has_letters,
    looks_french,
    normalize_text,
    split_clauses,
    split_sentences,
    starts_lowercase,
)

MAX_PIECES = 30  # a longer sentence is cut at clause boundaries (chosen on the dev sets: docs/translation-choices.md)
MAX_WORD_CHARS = 40  # a longer run without spaces is not an English word: it is copied, never decoded
MAX_SOURCE_PIECES = 120  # a segment of more subword pieces is cut in halves (decoding time grows with its cube)
MAX_DECODE_STEPS = 2 * MAX_SOURCE_PIECES + 10  # no decoder runs longer than this, whatever the input
MAX_BEAM = 16
MAX_BATCH_SENTENCES = 16  # sentences searched together (batch_sentences); rows = sentences x beam
LENGTH_ALPHA = 1.0  # GNMT length penalty lp = ((5 + length) / 6) ** LENGTH_ALPHA
COVERAGE_BETA = 0.2  # GNMT coverage penalty weight
NO_REPEAT_NGRAM = 4  # a hypothesis never repeats a 4-gram of pieces (digit runs excepted)
# Confidence (see confidence_of): below UNSURE_BELOW a segment is marked unsure.
UNSURE_BELOW = 0.25  # dev sets: marked BLEU 6.1, unmarked 43.6 (shipped package, export.translation_dev)
LONG_PIECES = 25  # longer sources than most training sentences
UNUSUAL_PIECES = 3  # a source word split into this many pieces (or holding <unk>) is unusual
UNSURE_MESSAGE = "may be wrong: unusual or long sentence"
FRENCH_NOTE = "This looks like French already, so it was left unchanged."
NOTHING_NOTE = "Nothing to translate (no words), so the text was left unchanged."
FOREIGN_NOTE = "This looks like {script}, not English, so it was left unchanged."
LONG_WORD_NOTE = ("{count} run(s) of more than {limit} characters without a space (not English words) were "
                  "copied unchanged.")


class TranslationCancelled(Cancelled):
    """``should_stop`` said stop: the translation was abandoned between two model calls."""
_TERMINAL = re.compile(r"[.!?\u2026][\"')\]\u00bb]*$")
_TRAILING = re.compile(r"^(.*?)([\s,;:]*)$", re.S)
_FINAL_PUNCTUATION = re.compile(r"\s*[.!?\u2026]+$")
_MULTI_SPACE = re.compile(r" {2,}")


def max_output_len(src_len: int) -> int:
    """The longest translation decoded for a source of ``src_len`` pieces (never more than MAX_DECODE_STEPS)."""
    return min(2 * src_len + 10, MAX_DECODE_STEPS)


@dataclass
class Segment:
    """One translated sentence (or clause of an over-long sentence) with what a heat map needs."""

    source: str  # the source text of this segment, normalized
    text: str  # its French translation
    score: float  # length-normalized log-probability of the output pieces
    src_tokens: list[str] = field(default_factory=list)  # source pieces as labels ("▁" removed)
    tgt_tokens: list[str] = field(default_factory=list)  # output pieces as labels (</s> not included)
    attention: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.float32))  # [tgt, src] pieces
    src_words: list[str] = field(default_factory=list)
    tgt_words: list[str] = field(default_factory=list)
    word_attention: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.float32))  # [tgt, src] words
    truncated: bool = False  # the search hit the length limit before </s> (counts as a loop)
    confidence: float = 1.0  # 0..1, see confidence_of
    unsure: bool = False  # confidence below UNSURE_BELOW
    reason: str = ""  # why it is unsure, for the writer ("long sentence", "unusual words")


@dataclass
class Translation:
    """A translation of the whole input: ``text``, its ``score`` (the mean of its segments' scores) and the
    per-segment details; ``note`` explains a pass-through, a split or a fallback."""

    text: str
    score: float
    segments: list[Segment] = field(default_factory=list)
    note: str = ""

    @property
    def attention(self) -> list[np.ndarray]:
        """Attention per segment, each [target pieces, source pieces]."""
        return [s.attention for s in self.segments]

    @property
    def truncated(self) -> bool:
        return any(s.truncated for s in self.segments)

    @property
    def confidence(self) -> float:
        """The confidence of its weakest sentence (1.0 for a pass-through)."""
        return min((s.confidence for s in self.segments), default=1.0)

    @property
    def unsure(self) -> bool:
        """Whether some sentence may be wrong (see ``unsure_segments``)."""
        return any(s.unsure for s in self.segments)

    @property
    def unsure_segments(self) -> list[Segment]:
        return [s for s in self.segments if s.unsure]

    @property
    def warning(self) -> str:
        """The writer's warning for an unsure translation, "" otherwise."""
        if not self.unsure:
            return ""
        reasons = sorted({s.reason for s in self.unsure_segments if s.reason})
        count = len(self.unsure_segments)
        which = "this sentence" if len(self.segments) == 1 else f"{count} of {len(self.segments)} sentences"
        return f"{which[0].upper() + which[1:]} {UNSURE_MESSAGE}" + (f" ({', '.join(reasons)})" if reasons else "")


def length_penalty(length: int) -> float:
    """GNMT's lp = ((5 + length) / 6) ** LENGTH_ALPHA."""
    return ((5 + length) / 6) ** LENGTH_ALPHA


def coverage_penalty(received: np.ndarray) -> float:
    """GNMT's cp = COVERAGE_BETA * sum log(min(attention received, 1)) over source pieces (<= 0)."""
    return COVERAGE_BETA * float(np.log(np.clip(received, 1e-3, 1.0)).sum())


@dataclass
class _Hypothesis:
    ids: list[int]
    log_prob: float
    attention: np.ndarray  # [len(ids), src_len]
    finished: bool
    received: np.ndarray | None = None  # attention each source piece received, </s> step included

    @property
    def length(self) -> int:
        return len(self.ids) + (1 if self.finished else 0)  # </s> counts

    @property
    def score(self) -> float:
        received = self.received if self.received is not None else self.attention.sum(0)
        return self.log_prob / length_penalty(self.length) + coverage_penalty(received)


class Translator:
    """Translates English text to French with a translator package."""

    available = True
    error = ""

    def __init__(self, package: ModelPackage, provider: str = "auto", threads: int = 1,
                 encoder_path: Path | None = None, decoder_path: Path | None = None):
        """Opens the package's graphs (or other graph files of the same package, to compare precisions)."""
        if package.kind != contract.KIND_TRANSLATOR:
            raise ModelPackageError(f"model package {package.id}: kind {package.kind!r} is not a translator")
        self.package = package
        self.cell = package.cell
        self.encoder = OrtGraph(encoder_path or package.file(contract.ROLE_ENCODER), provider, threads)
        self.decoder = OrtGraph(decoder_path or package.file(contract.ROLE_DECODER), provider, threads)
        name = package.path.name
        check_graph(self.encoder, name, package.kind, self.cell, contract.encoder_io(self.cell), "encoder")
        check_graph(self.decoder, name, package.kind, self.cell, contract.decoder_io(self.cell), "decoder")
        try:
            self.src_tok = package.load_vocab(contract.ROLE_SRC_VOCAB, SubwordTokenizer.from_json)
            same = package.file(contract.ROLE_SRC_VOCAB) == package.file(contract.ROLE_TGT_VOCAB)
            self.tgt_tok = (self.src_tok if same
                            else package.load_vocab(contract.ROLE_TGT_VOCAB, SubwordTokenizer.from_json))
        except ModelPackageError:
            raise
        except Exception as exc:  # noqa: BLE001 - the tokenizers library's own errors
            raise ModelPackageError(f"model package {name}: {package.file(contract.ROLE_SRC_VOCAB).name} is not a "
                                    f"usable tokenizer ({exc})") from None
        src_file = package.file(contract.ROLE_SRC_VOCAB).name
        tgt_file = package.file(contract.ROLE_TGT_VOCAB).name
        check_vocab_size(self.decoder, name, tgt_file, len(self.tgt_tok))
        for graph in (self.encoder, self.decoder):
            check_vocab_size(graph, name, src_file, len(self.src_tok), contract.META_SRC_VOCAB_SIZE, scored=False)
        check_vocab_size(self.encoder, name, tgt_file, len(self.tgt_tok), scored=False)
        self.state_in = contract.encoder_output_names(self.cell)[1:]  # h0[, c0]
        self.state_out = contract.decoder_output_names(self.cell)[1:-1]  # hn[, cn]
        self._digit_ids = {i for i, t in enumerate(self.tgt_tok.tokens) if t.isdigit()}
        src_vocab, tgt_vocab = set(self.src_tok.tokens), set(self.tgt_tok.tokens)
        self.placeholders = all(p in src_vocab and p in tgt_vocab for p in PLACEHOLDERS)
        self.names = self._name_lists(package) if self.placeholders else None
        on_gpu = self.decoder.provider != "CPUExecutionProvider"
        # On a GPU the encoder outputs stay on the device (I/O binding) and, with fp32 graphs, a paragraph's
        # sentences are searched as one batch (the same translations as one at a time, tested). int8 graphs
        # quantize their activations per batch (DynamicQuantizeLinear): batching other sentences in would move
        # their scores and now and then a translation, so they keep one sentence at a time on any provider and
        # give the same results on a GPU as on CPU. The CPU path is unchanged (no binding, no batching).
        self.use_binding = on_gpu
        self.batch_sentences = on_gpu and not self.quantized_per_batch

    @property
    def quantized_per_batch(self) -> bool:
        """Whether the graphs are int8 with dynamically quantized activations (their metadata says so)."""
        return "int8" in (self.encoder.metadata.get("folio.precision"), self.decoder.metadata.get("folio.precision"))

    @property
    def provider_note(self) -> str:
        """Why the graphs run on another provider than asked ("" when they run where asked)."""
        return self.decoder.provider_note or self.encoder.provider_note

    @staticmethod
    def _name_lists(package: ModelPackage) -> NameLists | None:
        """The package's name lists (``names.json``), or None (then only numbers become placeholders)."""
        if contract.ROLE_NAMES not in package.manifest.get("files", {}):
            return None
        try:
            return NameLists.from_json(json.loads(package.file(contract.ROLE_NAMES).read_text(encoding="utf-8")))
        except (OSError, ValueError, AttributeError) as exc:
            raise ModelPackageError(f"model package {package.id}: name lists unreadable ({exc})") from None

    def pieces(self, text: str) -> int:
        """How many source pieces ``text`` is (what MAX_PIECES counts)."""
        return len(self.src_tok.encode(text).ids)

    @property
    def provider(self) -> str:
        return self.decoder.provider

    @property
    def name(self) -> str:
        return self.package.id

    # -- the public API -------------------------------------------------------------------------------
    @guarded
    def document_surnames(self, text: str) -> frozenset[str]:
        """Words ``text`` uses as surnames (``placeholders.document_surnames``): a name wherever they stand."""
        return document_surnames(normalize_text(text), self.names) if self.names else frozenset()

    def translate(self, text: str, beam: int = 4, n_best: int = 1,
                  should_stop: Callable[[], bool] | None = None,
                  surnames: frozenset[str] = frozenset()) -> list[Translation]:
        """Up to ``n_best`` translations of ``text``, best first (see the module docstring). ``should_stop`` is
        asked before every model call; when it returns True, :class:`TranslationCancelled` is raised.
        ``surnames``: the document's, when ``text`` is one of its lines (otherwise those of ``text`` itself)."""
        text = clean_text(text)
        if not text.strip():
            return []
        if not has_letters(text):
            return [Translation(text, 0.0, note=NOTHING_NOTE)]
        if looks_french(text):
            return [Translation(text, 0.0, note=FRENCH_NOTE)]
        script = foreign_script(text)
        if script:
            return [Translation(text, 0.0, note=FOREIGN_NOTE.format(script=script))]
        n_best = max(1, int(n_best))
        beam = min(MAX_BEAM, max(1, int(beam), n_best))
        layout: list[list[list[tuple[str, bool]]]] = []  # line -> sentence -> (part, translatable)
        formulas: dict[int, Segment] = {}  # line index -> its salutation or closing, in French by convention
        notes = []
        long_words = 0
        for index, line in enumerate(text.splitlines()):
            sentences = []
            formula = letter_formula(normalize_text(line))
            if formula is not None:
                formulas[index] = Segment(normalize_text(line), formula, 0.0)
                layout.append(sentences)
                continue
            for sentence in split_sentences(normalize_text(line)):
                pieces = split_clauses(sentence, MAX_PIECES, self.pieces)
                if len(pieces) > 1:
                    notes.append(f"A sentence of {len(sentence.split())} words was translated in {len(pieces)} "
                                 f"parts, cut at clause boundaries.")
                parts = [part for piece in pieces for part in self._bounded_parts(piece)]
                long_words += sum(not translatable for _, translatable in parts)
                sentences.append(parts)
            layout.append(sentences)
        # Every translatable part at once: on a GPU with fp32 graphs they are searched as one batch.
        todo = [part for line in layout for sentence in line for part, ok in sentence if ok]
        surnames = surnames or self.document_surnames(text)  # a document's surnames hold each line's own
        translated = iter(self.translate_segments(todo, beam, n_best, should_stop, surnames))
        lines = [[[next(translated) if ok else [Segment(part, part, 0.0)] for part, ok in sentence]
                  for sentence in line] for line in layout]
        for index, segment in formulas.items():
            lines[index] = [[[segment]]]
        for sentence in (sentence for line in lines for sentence in line):
            # A part before the sentence's last ends in "." only after an abbreviation ("…at 5 p.m." cut off before
            # "if you…"): that "." ends no sentence, so the French has none there.
            for alternatives in sentence[:-1]:
                for segment in alternatives:
                    if segment.source.endswith(".") and segment.text.endswith("."):
                        segment.text = segment.text[:-1]
        if long_words:
            notes.append(LONG_WORD_NOTE.format(count=long_words, limit=MAX_WORD_CHARS))
        results = []
        for k in range(n_best):
            chosen = [[[alts[min(k, len(alts) - 1)] for alts in sentence] for sentence in line] for line in lines]
            segments = [seg for line in chosen for sentence in line for seg in sentence]
            joined = "\n".join(" ".join(" ".join(seg.text for seg in sentence) for sentence in line) for line in chosen)
            score = float(np.mean([seg.score for seg in segments])) if segments else 0.0
            results.append(Translation(french_typography_lines(joined), score, segments, " ".join(notes)))
        unique = {}
        for result in sorted(results, key=lambda r: -r.score):
            unique.setdefault(result.text, result)
        return list(unique.values())

    def _bounded_parts(self, piece: str) -> list[tuple[str, bool]]:
        """``piece`` cut so every model call stays bounded: ``(text, True)`` parts to translate, each of at most
        MAX_SOURCE_PIECES subword pieces, and ``(word, False)`` for each run longer than MAX_WORD_CHARS."""
        parts: list[tuple[str, bool]] = []
        run: list[str] = []
        for word in piece.split(" "):
            if len(word) > MAX_WORD_CHARS:
                parts += [(p, True) for p in self._fit(run)]
                parts.append((word, False))
                run = []
            elif word:
                run.append(word)
        parts += [(p, True) for p in self._fit(run)]
        return parts

    def _fit(self, words: list[str]) -> list[str]:
        """``words`` joined into texts of at most MAX_SOURCE_PIECES subword pieces each, cut in halves."""
        if not words:
            return []
        text = " ".join(words)
        if len(words) == 1 or len(self.src_tok.encode(text).ids) <= MAX_SOURCE_PIECES:
            return [text]
        middle = len(words) // 2
        return self._fit(words[:middle]) + self._fit(words[middle:])

    @guarded
    def translate_segment(self, source: str, beam: int = 4, n_best: int = 1,
                          should_stop: Callable[[], bool] | None = None) -> list[Segment]:
        """Beam search on one sentence (no splitting); up to ``n_best`` segments, best first. A source of more
        than MAX_SOURCE_PIECES pieces is read only up to that many (``translate`` cuts it before)."""
        return self.translate_segments([source], beam, n_best, should_stop)[0]

    def translate_segments(self, sources: list[str], beam: int = 4, n_best: int = 1,
                           should_stop: Callable[[], bool] | None = None,
                           surnames: frozenset[str] = frozenset()) -> list[list[Segment]]:
        """:meth:`translate_segment` for each of ``sources``. With ``batch_sentences`` their beams are searched
        together, ``MAX_BATCH_SENTENCES`` at a time (one encoder run, one decoder run per step for them all);
        otherwise one sentence at a time. ``surnames``: words the whole text uses as names
        (``placeholders.document_surnames``)."""
        prepared = []
        for source in sources:
            source = normalize_text(clean_text(source))
            core, trailing = _TRAILING.match(source).groups()
            added_period = not _TERMINAL.search(core)
            model_text = rewrite_currency(core + ("." if added_period else ""))
            slots: dict[str, str] = {}
            if self.placeholders:  # masked before capitalising: "(https://…" must not become "(Https://…"
                masked = protect(model_text, self.names, surnames)
                model_text, slots = masked.text, masked.slots
            model_text = capitalize_first(model_text)
            encoded = self.src_tok.encode(model_text)
            if encoded.ids.size > MAX_SOURCE_PIECES:
                n = MAX_SOURCE_PIECES
                encoded = Encoded(encoded.text, encoded.ids[:n], encoded.tokens[:n], encoded.offsets[:n])
            prepared.append((source, trailing, added_period, encoded, slots))
        # A part that is only placeholders ("On Tuesday," cut off a long sentence) has nothing for the model to
        # translate: it is filled by rule (a model asked to gave "Attendez mardi,").
        by_rule = {i: _filled_by_rule(p[0], p[3].text, p[2], p[4]) for i, p in enumerate(prepared) if p[4]}
        by_rule = {i: segment for i, segment in by_rule.items() if segment is not None}
        todo = [i for i, p in enumerate(prepared) if p[3].ids.size and i not in by_rule]
        size = MAX_BATCH_SENTENCES if self.batch_sentences else 1
        found: dict[int, list[_Hypothesis]] = {}
        for start in range(0, len(todo), size):
            chunk = todo[start : start + size]
            ids = [prepared[i][3].ids for i in chunk]
            found.update(zip(chunk, self._beam_search_many(ids, beam, n_best, [max_output_len(len(x)) for x in ids],
                                                           should_stop)))
        results = []
        for i, (source, trailing, added_period, encoded, slots) in enumerate(prepared):
            if i in by_rule:
                results.append([by_rule[i]])
            elif i not in found:
                results.append([Segment(source, source, 0.0)])
            else:
                results.append([self._segment(source, trailing, added_period, encoded, h, slots) for h in found[i]])
        return results

    # -- beam search ----------------------------------------------------------------------------------
    def _beam_search(self, src_ids: np.ndarray, beam: int, n_best: int, max_len: int,
                     should_stop: Callable[[], bool] | None = None) -> list[_Hypothesis]:
        """Beam search on one sentence's source pieces."""
        return self._beam_search_many([src_ids], beam, n_best, [max_len], should_stop)[0]

    def _beam_search_many(self, sources: list[np.ndarray], beam: int, n_best: int, max_lens: list[int],
                          should_stop: Callable[[], bool] | None = None) -> list[list[_Hypothesis]]:
        """Beam search on several sentences at once: their sources padded into one encoder batch, and at each
        step every live hypothesis of every unfinished sentence in one decoder batch. Each sentence's search
        (candidates, stopping rules, length limit) is exactly the one-sentence search. ``should_stop`` is asked
        before every model call."""
        n = len(sources)
        S = max(len(x) for x in sources)
        src = np.full((n, S), self.src_tok.pad_id, np.int64)
        mask = np.zeros((n, S), bool)
        for b, ids in enumerate(sources):
            src[b, : len(ids)], mask[b, : len(ids)] = ids, True
        if should_stop is not None and should_stop():
            raise TranslationCancelled
        enc = self.encoder.run({contract.SRC_IDS: src, contract.SRC_MASK: mask})
        enc_out = enc[contract.ENCODER_OUTPUTS]  # [n, S, H]
        state = [enc[name] for name in self.state_in]  # each [L, n, H]; row r belongs to sentence rows[r]
        lengths = [len(x) for x in sources]
        limits = [min(m, MAX_DECODE_STEPS) for m in max_lens]
        live = [[_Hypothesis([], 0.0, np.zeros((0, lengths[b]), np.float32), False)] for b in range(n)]
        finished: list[list[_Hypothesis]] = [[] for _ in range(n)]
        active = [b for b in range(n) if limits[b] > 0]
        tok = self.tgt_tok
        steps = 0
        cached: dict[tuple[int, ...], dict] = {}  # encoder outputs and masks repeated for a row layout
        while active:
            if should_stop is not None and should_stop():
                raise TranslationCancelled
            rows = tuple(b for b in active for _ in live[b])
            if rows not in cached:
                index = np.array(rows)
                cached[rows] = self._decoder_constants(enc_out[index], mask[index])
            prev = np.array([[h.ids[-1] if h.ids else tok.bos_id] for b in active for h in live[b]], np.int64)
            out = self._decode_step(prev, state, cached[rows])
            log_probs = out[contract.LOG_PROBS].astype(np.float64)  # [rows, V]
            attention = out[contract.ATTENTION]  # [rows, S]
            log_probs[:, [tok.pad_id, tok.bos_id]] = -np.inf
            steps += 1
            parents, still = [], []
            offset = 0
            for b in active:
                k = len(live[b])
                survivors, picked, stop = self._advance(live[b], finished[b], log_probs[offset : offset + k],
                                                        attention[offset : offset + k, : lengths[b]], beam, n_best)
                live[b] = survivors
                if stop or steps >= limits[b]:
                    if len(finished[b]) < n_best:
                        finished[b] += live[b]  # cut by the length limit: kept, marked truncated
                else:
                    still.append(b)
                    parents += [offset + i for i in picked]
                offset += k
            active = still
            if active:
                state = [out[name][:, np.array(parents)] for name in self.state_out]
        return [sorted(f, key=lambda h: -h.score)[:n_best] for f in finished]

    def _advance(self, live: list[_Hypothesis], finished: list[_Hypothesis], log_probs: np.ndarray,
                 attention: np.ndarray, beam: int, n_best: int) -> tuple[list[_Hypothesis], list[int], bool]:
        """One step of one sentence's beam: ``log_probs`` [k, V] of its ``live`` hypotheses. Appends the ended
        ones to ``finished``; returns the survivors, the index of each one's parent, and whether to stop."""
        tok = self.tgt_tok
        for i, h in enumerate(live):
            banned = self._banned(h.ids)
            if banned:
                log_probs[i, list(banned)] = -np.inf
        totals = np.array([h.log_prob for h in live])[:, None] + log_probs  # [k, V]
        n_cand = min(totals.size, 2 * beam)
        flat = np.argpartition(-totals, n_cand - 1, axis=None)[:n_cand]
        flat = flat[np.argsort(-totals.flat[flat], kind="stable")]
        survivors, parents = [], []
        best_ended = int(flat[0]) % totals.shape[1] == tok.eos_id
        for index in flat:  # best first: </s> ends a hypothesis, anything else extends it
            i, token = divmod(int(index), totals.shape[1])
            total = float(totals[i, token])
            if not np.isfinite(total) or len(survivors) >= beam:
                break
            if token == tok.eos_id:
                received = live[i].attention.sum(0) + attention[i]
                finished.append(_Hypothesis(live[i].ids, total, live[i].attention, True, received))
            else:
                att = np.concatenate([live[i].attention, attention[i : i + 1]], axis=0)
                survivors.append(_Hypothesis([*live[i].ids, token], total, att, False))
                parents.append(i)
        if not survivors:
            return survivors, parents, True
        if len(finished) >= n_best:
            # Stop when the step's best candidate ended (OpenNMT's rule), or when no live hypothesis, were it
            # to end now with everything covered, would beat the n_best-th finished one (the early-stopping
            # heuristic of Hugging Face's beam search).
            nth = sorted((h.score for h in finished), reverse=True)[n_best - 1]
            if best_ended or all(h.log_prob / length_penalty(len(h.ids) + 1) <= nth for h in survivors):
                return survivors, parents, True
        return survivors, parents, False

    def _decoder_constants(self, enc_out: np.ndarray, mask: np.ndarray) -> dict:
        """The decoder inputs that stay the same while the row layout does: on the device with I/O binding."""
        if not self.use_binding:
            return {contract.ENCODER_OUTPUTS: enc_out, contract.SRC_MASK: mask}
        device = device_type(self.decoder.provider)
        return {contract.ENCODER_OUTPUTS: ort.OrtValue.ortvalue_from_numpy(np.ascontiguousarray(enc_out), device, 0),
                contract.SRC_MASK: ort.OrtValue.ortvalue_from_numpy(np.ascontiguousarray(mask), device, 0)}

    def _decode_step(self, prev: np.ndarray, state: list[np.ndarray], constants: dict) -> dict[str, np.ndarray]:
        """One decoder step. With ``use_binding`` the encoder outputs and mask are already on the device (bound,
        not copied each step); ids and the state (reordered on the host by the beam) go in, outputs come back."""
        if not self.use_binding:
            feeds = {contract.PREV_IDS: prev, **constants}
            feeds.update(zip(self.state_in, state))
            return self.decoder.run(feeds)
        binding = self.decoder.session.io_binding()
        binding.bind_cpu_input(contract.PREV_IDS, prev)
        for name, value in constants.items():
            binding.bind_ortvalue_input(name, value)
        for name, value in zip(self.state_in, state):
            binding.bind_cpu_input(name, np.ascontiguousarray(value))
        for name in self.decoder.output_names:
            binding.bind_output(name, "cpu")
        self.decoder.session.run_with_iobinding(binding)
        return dict(zip(self.decoder.output_names, (v.numpy() for v in binding.get_outputs())))

    def _banned(self, ids: list[int]) -> set[int]:
        """Tokens that would repeat a NO_REPEAT_NGRAM-gram already in ``ids`` (not within digit runs)."""
        n = NO_REPEAT_NGRAM
        if len(ids) < n:
            return set()
        prefix = ids[-(n - 1) :]
        if all(t in self._digit_ids for t in prefix):
            return set()
        return {ids[i + n - 1] for i in range(len(ids) - n + 1) if ids[i : i + n - 1] == prefix}

    # -- output text ----------------------------------------------------------------------------------
    def _segment(self, source: str, trailing: str, added_period: bool, encoded, hyp: _Hypothesis,
                 slots: dict[str, str] | None = None) -> Segment:
        pieces = [self.tgt_tok.tokens[i] for i in hyp.ids]
        for j, token_id in enumerate(hyp.ids):
            if token_id == self.tgt_tok.unk_id:
                pieces[j] = self._unk_replacement(encoded, int(hyp.attention[j].argmax()))
        specials = {self.tgt_tok.pad_id, self.tgt_tok.bos_id, self.tgt_tok.eos_id}
        kept = [j for j, i in enumerate(hyp.ids) if i not in specials]
        pieces, attention = [pieces[j] for j in kept], hyp.attention[kept].astype(np.float32)
        src_pieces = list(encoded.tokens)
        if self.placeholders:
            positions = {p: j for j, p in reversed(list(enumerate(src_pieces))) if PLACEHOLDER_RE.fullmatch(p)}
            counts = Counter(p for p in src_pieces if PLACEHOLDER_RE.fullmatch(p))
            pieces, attention = fill_pieces(pieces, attention, slots or {}, positions, counts)
            src_pieces = [slots.get(p, p) if slots else p for p in src_pieces]
        else:
            pieces, attention = reinsert_numbers(encoded.text, encoded.offsets, pieces, attention)
        text = self.tgt_tok.decode_pieces(pieces)
        text = _MULTI_SPACE.sub(" ", text).strip()
        if added_period:  # the source had no final punctuation: drop the one the model ended with
            text = _FINAL_PUNCTUATION.sub("", text)
        text += trailing.strip()
        text = _lower_first(text) if starts_lowercase(source) else capitalize_first(text)
        text = repair_numbers(source, text)
        src_spans, tgt_spans = word_spans(src_pieces), word_spans(pieces)
        by_src_word = np.stack([attention[:, a:b].sum(1) for a, b in src_spans], axis=1) if src_spans else attention
        word_attention = (np.stack([by_src_word[a:b].mean(0) for a, b in tgt_spans]) if tgt_spans
                          else np.zeros((0, len(src_spans)), np.float32))
        confidence, reason = confidence_of(hyp, list(encoded.ids), src_spans, self.src_tok.unk_id)
        return Segment(
            source=source, text=french_typography(text), score=hyp.score,
            src_tokens=[display_piece(p) for p in src_pieces], tgt_tokens=[display_piece(p) for p in pieces],
            attention=attention,
            src_words=[self.src_tok.decode_pieces(src_pieces[a:b]) for a, b in src_spans],
            tgt_words=[self.tgt_tok.decode_pieces(pieces[a:b]) for a, b in tgt_spans],
            word_attention=word_attention.astype(np.float32), truncated=not hyp.finished,
            confidence=confidence, unsure=confidence < UNSURE_BELOW, reason=reason,
        )

    @staticmethod
    def _unk_replacement(encoded, position: int) -> str:
        """The source text under source piece ``position`` (its "▁" mark kept when a space precedes it)."""
        start, end = encoded.offsets[position]
        span = encoded.text[start:end]
        if start > 0 and encoded.text[start - 1] == " " and not span.startswith(" "):
            return SPACE_MARK + span
        return span


def _filled_by_rule(source: str, masked: str, added_period: bool, slots: dict[str, str]) -> Segment | None:
    """The segment for a masked text with no words outside its placeholders ("⟦N1⟧,"): each placeholder filled
    as French writes it, the source's punctuation kept; None when there is something to translate."""
    if has_letters(PLACEHOLDER_RE.sub("", masked)):
        return None
    text = PLACEHOLDER_RE.sub(lambda m: slot_value(m.group(), slots[m.group()]) if m.group() in slots else "", masked)
    if added_period:  # the period was the translator's, for the model
        text = _FINAL_PUNCTUATION.sub("", text)
    text = (text + _TRAILING.match(source).group(2)).strip()
    if masked.startswith("\u27e6N") and not starts_lowercase(source):  # "On Tuesday," -> "Mardi," (not a URL)
        text = capitalize_first(text)
    return Segment(source, french_typography(text), 0.0)


def confidence_of(hyp: _Hypothesis, src_ids: list[int], src_spans: list[tuple[int, int]],
                  unk_id: int) -> tuple[float, str]:
    """A segment's confidence in 0..1 and, when low, the likely reason.

    The product of: the geometric-mean probability of the output pieces (</s> included); the share of the
    source attended (each source piece's received attention capped at 1, averaged); one minus the share of
    unusual source words (split into ``UNUSUAL_PIECES`` or more pieces, or holding <unk>); and
    ``LONG_PIECES / source pieces`` for a source longer than ``LONG_PIECES``."""
    n_src = max(1, len(src_ids))
    probability = math.exp(hyp.log_prob / max(1, hyp.length))
    received = hyp.received if hyp.received is not None else hyp.attention.sum(0)
    coverage = float(np.minimum(received, 1.0).mean()) if received.size else 1.0
    unusual = [b - a >= UNUSUAL_PIECES or unk_id in src_ids[a:b] for a, b in src_spans]
    unusual_share = sum(unusual) / max(1, len(unusual))
    length = min(1.0, LONG_PIECES / n_src)
    confidence = probability * coverage * (1 - unusual_share) * length
    if not hyp.finished:
        confidence *= 0.5
    reasons = []
    if n_src > LONG_PIECES or not hyp.finished:
        reasons.append("long sentence")
    if unusual_share >= 0.15:
        reasons.append("unusual words")
    if not reasons:
        reasons.append("unusual sentence")
    return round(float(confidence), 4), ", ".join(reasons)


def _lower_first(text: str) -> str:
    for i, ch in enumerate(text):
        if ch.isalpha():
            return text[:i] + ch.lower() + text[i + 1 :]
    return text


def french_typography_lines(text: str) -> str:
    """French spacing, line by line (keeps the input's line breaks)."""
    return "\n".join(french_typography(line) for line in text.split("\n"))
