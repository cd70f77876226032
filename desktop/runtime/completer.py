"""Next-word completion from a word-level language model (word_lm), with the document as memory.

``suggest(text_before_cursor, k)`` returns what to insert at the cursor: the rest of the word being typed
(only words with that prefix, case-aware), or the next word after whitespace or punctuation. The model
reads WikiText-style tokens of the text before the cursor; its state is cached so typing forward costs at
most one model step per completed word. Its distribution is mixed with two memories of the document: the
continuous cache (the words read so far, keyed by the model's hidden states, so a name comes back where the
model expects a name) and a unigram cache of the words the writer has used (even ones the model has never
seen), to which what Folio learned about the writer across documents is added (``learned``). Each memory weighs
only as much as it has evidence (see CONTINUOUS_SKIP_RECENT below), so a short text is not echoed back. A
confident top suggestion extends over several words (Smart Compose style).
"""

from __future__ import annotations

import bisect
import logging
import math
import re
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from desktop.runtime import contract
from desktop.runtime.continuous_cache import ContinuousCache
from desktop.runtime.guard import guarded
from desktop.runtime.lexicon import OutOfVocabularyLexicon, english_frequencies, read_counts
from desktop.runtime.package import ModelPackage
from desktop.runtime.recurrent_lm import LMEngine, State
from desktop.runtime.text_input import clean_text
from desktop.runtime.vocab import WordVocab
from desktop.runtime.wikitext import detokenize, normalize, tokenize
from desktop.runtime.writer_memory import WriterMemory

logger = logging.getLogger(__name__)

CONTEXT_CHARS = 1500  # the model reads at most this much text before the cursor
CONTEXT_TOKENS = 120  # ... and at most this many tokens of it when it must start over
CACHE_CHARS = 50_000  # the document memory counts words in this much text before the cursor
_SUGGESTIBLE = re.compile(r"^\w[\w'.]*$")  # whole words only: no punctuation, markers or specials
_PARTIAL = re.compile(r"\w+$")
_SENTENCE_END = re.compile(r"(^|[.!?]\s*|\n\s*)$")
_OPENERS = set("([{\"'\u201c\u2018/-")
_CONTRACTION_START = re.compile(r"\w['\u2019]$")  # "don'" : the cursor is inside a contraction
_CONTRACTIONS = ("'s", "'t", "'re", "'m", "'ve", "'ll", "'d")
_OPEN_HYPHEN = re.compile(r"\w-$")
MAX_WORD_CHARS = 64  # longer runs of letters are not words to complete or remember
# For the next word, the memory's probability of a word is count / (words + CACHE_PRIOR_WORDS): in a document
# of a few words it stays modest instead of echoing every word back; in a long one the prior hardly matters.
# Once the writer has typed a prefix, a remembered word that fits is strong evidence: no prior then.
CACHE_PRIOR_WORDS = 50
PREFIX_CANDIDATES = 100  # model words considered for a typed prefix (the likeliest that fit it)
MAX_NEW_TOKENS = 3  # more new tokens than this since the last call (a paste, a jump) reads the window again
# The continuous cache's settings for the shipped model, chosen on WikiText-2 validation: theta by perplexity
# (benchmarks/cache_gain.py) and keystroke savings (benchmarks/keystrokes.py --split valid), the weight by
# keystroke savings, which peak lower than perplexity does (0.2 against 0.5).
CONTINUOUS_WEIGHT = 0.2
# For the english-mix model, theta and the unigram weight were chosen again by keystroke savings on everyday text
# (seeded samples 1 and 2 of ntrex128 and english-mix books.dev, checked on tico19, wiki.dev and WikiText-2 valid):
# a flatter cache (theta 0.5 against 1.0) and a lighter unigram cache (0.05 against 0.1) save 0.4 points more.
CONTINUOUS_THETA = 0.5
UNIGRAM_WEIGHT = 0.05  # the unigram cache's weight
CONTINUOUS_WINDOW = 2000  # words; it holds what was read since the last start over, typing forward
# The memories help only as far as they have evidence (issue 12), chosen on dev text of every length (english-mix
# dev, translation-dev English sides, one-sentence documents; benchmarks/repeat_rate.py): the continuous cache
# leaves out its newest pairs (the words just typed, whose states are always the most alike), its weight grows with
# the pairs it can use, CONTINUOUS_WEIGHT * n / (n + CONTINUOUS_EVIDENCE_PAIRS), and a next word that repeats one
# of the last REPEAT_WINDOW_WORDS words is discounted: the model alone offers such repeats twice as often as text
# holds them.
CONTINUOUS_SKIP_RECENT = 3
CONTINUOUS_EVIDENCE_PAIRS = 100.0
REPEAT_DISCOUNT = 0.3
REPEAT_WINDOW_WORDS = 3
# A vocabulary word whose initial's case contradicts the typed prefix's (see Completer._case_factors) keeps this
# share of its probability. Chosen on seeded samples 1 and 2 of the everyday texts.
CASE_MISMATCH = 0.1
# What Folio learned about the writer (desktop.runtime.writer_memory) joins the unigram cache standing for at most
# this many words of text (fewer while it holds fewer): chosen with benchmarks/learned_gain.py.
LEARNED_PSEUDO_WORDS = 300.0


def continuous_weight_for(weight: float, pairs: int, evidence_pairs: float = CONTINUOUS_EVIDENCE_PAIRS) -> float:
    """The continuous cache's weight when it can use ``pairs`` stored pairs: ``weight`` scaled by the evidence,
    ``pairs / (pairs + evidence_pairs)`` (0 for an empty cache, near ``weight`` in a long document)."""
    if pairs <= 0:
        return 0.0
    return weight * pairs / (pairs + evidence_pairs) if evidence_pairs > 0 else weight


@dataclass(frozen=True)
class Suggestion:
    """One completion: ``text`` is what to insert at the cursor; ``word`` the word it completes or adds."""

    text: str
    word: str
    probability: float
    phrase: bool = False  # True when ``text`` runs over several words
    typed_word_likelier: bool = False  # the letters typed are a word more probable than this longer one


class Completer(LMEngine):
    """Suggests completions with a word_lm package."""

    def __init__(self, package: ModelPackage, provider: str = "auto", threads: int = 1,
                 cache_weight: float = UNIGRAM_WEIGHT, phrase_threshold: float = math.log(0.4),
                 max_phrase_words: int = 4, model_path: Path | None = None,
                 continuous_weight: float = CONTINUOUS_WEIGHT, continuous_theta: float = CONTINUOUS_THETA,
                 continuous_skip: int = CONTINUOUS_SKIP_RECENT, continuous_evidence: float = CONTINUOUS_EVIDENCE_PAIRS,
                 repeat_discount: float = REPEAT_DISCOUNT, rare_words: bool = True):
        super().__init__(package, provider, threads, model_path)
        self.vocab = package.load_vocab(contract.ROLE_VOCAB, WordVocab.from_json)
        self.lm.check_vocab(contract.ROLE_VOCAB, len(self.vocab))
        self.cache_weight = cache_weight
        self.continuous_weight = continuous_weight
        self.continuous = ContinuousCache(self.lm.hidden, CONTINUOUS_WINDOW, continuous_theta)
        self.continuous_skip = continuous_skip
        self.continuous_evidence = continuous_evidence
        self.repeat_discount = repeat_discount
        self.phrase_threshold = phrase_threshold
        self.max_phrase_words = max_phrase_words
        tokens = self.vocab.tokens
        self._suggestible = np.array([bool(_SUGGESTIBLE.match(t)) and t != self.vocab.unk for t in tokens])
        # Lower-cased vocabulary, sorted, for prefix lookups by bisection.
        order = sorted(range(len(tokens)), key=lambda i: tokens[i].lower())
        self._sorted_lower = [tokens[i].lower() for i in order]
        self._sorted_ids = np.array(order, dtype=np.int64)
        self._lengths = np.array([len(t) for t in tokens])
        self._lower_initial = np.array([t[:1].islower() for t in tokens])
        self._upper_initial = np.array([t[:1].isupper() for t in tokens])
        self.case_mismatch = CASE_MISMATCH
        # Words the vocabulary lacks, completed with the model's <unk> probability (built at the first prefix).
        self.rare_words = rare_words
        self._lexicon: OutOfVocabularyLexicon | None = None
        self.memory = DocumentMemory()
        self.learned: WriterMemory | None = None  # what Folio learned about the writer, set by the app
        self.learned_pseudo_words = LEARNED_PSEUDO_WORDS
        # Cached reading of the text: tokens fed so far, the state after them, the log-probs of the next token.
        self._fed: list[str] = []
        self._state: State = self.lm.zero_state()
        self._log_probs: np.ndarray | None = None
        self.model_steps = 0  # tokens fed to the model since creation (for tests and benchmarks)
        # Per-keystroke work that typing inside a word repeats: the mixed distribution after the same reading, and
        # the greedy phrase after the same state and first word.
        self._mixed_memo: tuple | None = None
        self._context_memo: tuple[str, list[str]] = ("", self.context_tokens(""))
        self._phrase_memo: tuple | None = None
        # suggest() and next_word_distribution() share the cached state: one caller at a time.
        self._lock = threading.RLock()

    # -- reading the text ------------------------------------------------------------------------------

    @staticmethod
    def context_tokens(context: str) -> list[str]:
        """WikiText tokens of the last CONTEXT_CHARS of ``context``, <eos> for line ends, after an <eos>."""
        window = context[-CONTEXT_CHARS:]
        if len(context) > CONTEXT_CHARS:  # the window may begin mid-word: start after its first space
            cut = re.search(r"\s", window)
            window = window[cut.end() :] if cut else ""
        tokens = ["<eos>"]
        for i, line in enumerate(window.split("\n")):
            if i:
                tokens.append("<eos>")
            tokens.extend(tokenize(line))
        if _OPEN_HYPHEN.search(window):  # "well-|": the hyphen joins the word being typed, as WikiText writes it
            tokens[-1] = "@-@"
        return tokens

    def _read(self, tokens: list[str]) -> np.ndarray:
        """Brings the cached state up to ``tokens``; returns log-probs [V] of the next token."""
        fed = self._fed
        new: list[str] | None = None
        if self._log_probs is not None and fed:
            # Typing forward: the text is what was read plus a few new tokens (the window may have slid).
            # Compare everything both readings share (the windows may start at different words).
            for extra in range(0, MAX_NEW_TOKENS + 1):
                end = len(tokens) - extra
                shared = min(len(fed), end - 1)  # tokens[0] is the <eos> put before every window
                same = tokens[end - shared : end] == fed[-shared:] if shared > 0 else fed == tokens[:end]
                if same:
                    new = tokens[end:]
                    break
        if new is None:  # an edit elsewhere, or a jump: start over from a bounded window
            tokens = tokens[-CONTEXT_TOKENS:]
            self._fed, self._state, new = [], self.lm.zero_state(), tokens
            self.continuous.clear()
        if new:
            # One step per token, so the continuous cache gets the hidden state that predicted each one
            # (the graph returns only the last state; the cost is the same model work).
            unk = self.vocab.unk_id
            for token, token_id in zip(new, self.vocab.encode(new)):
                if self._fed:  # not the zero state of a fresh start: its hidden state predicted nothing
                    spelled = token if token_id == unk and _REMEMBERABLE.match(token) else None
                    self.continuous.add(self.lm.host_hidden(self._state)[-1, 0], int(token_id), spelled)
                log_probs, self._state = self.lm.step(np.array([[token_id]], np.int64), self._state)
                self._log_probs = log_probs[0, -1]
                self._fed.append(token)
            self._fed = self._fed[-4 * CONTEXT_TOKENS :]
            self.model_steps += len(new)
        return self._log_probs

    def _mixed_with_continuous_cache(self, log_probs: np.ndarray) -> tuple[np.ndarray, dict[str, float]]:
        """Probabilities [V] of the next token: the model's, mixed with the continuous cache's; and the part of
        the ``<unk>`` probability the cache gives to each out-of-vocabulary word it holds (by spelling). Typing
        inside a word reads nothing new, so the mixture of the last call is reused (do not modify the array)."""
        cache = self.continuous
        key = (self.continuous_weight, self.continuous_skip, self.continuous_evidence, cache.theta, cache.size)
        memo = self._mixed_memo
        if memo is not None and memo[0] is log_probs and memo[1] == key:
            return memo[2], memo[3]
        probs = np.exp(log_probs.astype(np.float64))
        pairs = cache.size - self.continuous_skip
        weight = continuous_weight_for(self.continuous_weight, pairs, self.continuous_evidence)
        spelled: dict[str, float] = {}
        if weight > 0:
            ids, cache_probs, shares = cache.distribution_with_words(self.lm.host_hidden(self._state)[-1, 0],
                                                                     self.continuous_skip)
            probs *= 1 - weight
            probs[ids] += weight * cache_probs
            if shares:  # the cache's <unk> mass goes to the words it stands for, not to <unk>
                spelled = {w: weight * share for w, share in shares.items()}
                unk = self.vocab.unk_id
                probs[unk] = max(0.0, probs[unk] - sum(spelled.values()))
        self._mixed_memo = (log_probs, key, probs, spelled)
        return probs, spelled

    @guarded
    def next_word_distribution(self, context: str) -> np.ndarray:
        """Model probabilities [V] of the next token after ``context`` (no cache; for the model view)."""
        with self._lock:
            return np.exp(self._read(self.context_tokens(clean_text(context))).astype(np.float64))

    # -- suggesting -------------------------------------------------------------------------------------

    @guarded
    def suggest(self, text_before_cursor: str, k: int = 3) -> list[Suggestion]:
        """Up to ``k`` suggestions, most probable first (see the module docstring). Thread-safe."""
        if k <= 0:
            return []
        with self._lock:
            return self._suggest(clean_text(text_before_cursor), k)

    def _suggest(self, text_before_cursor: str, k: int) -> list[Suggestion]:
        text = text_before_cursor[-CACHE_CHARS:]
        # Only the end of the text matters per keystroke; the memory reads the rest incrementally.
        match = _PARTIAL.search(text[-MAX_WORD_CHARS:])
        partial = match.group() if match else ""
        # Numbers are completed too ("19" -> "1942", from the model's vocabulary and the document's numbers).
        if partial and not partial.isascii() and not partial.isalpha():
            return []
        context = text[: len(text) - len(partial)]
        if _CONTRACTION_START.search(context[-MAX_WORD_CHARS:]):
            return self._suggest_contraction(context, partial, k)
        if context != self._context_memo[0]:  # typing inside a word: the text before it is the same
            self._context_memo = (context, self.context_tokens(context))
        probs, spelled = self._mixed_with_continuous_cache(self._read(self._context_memo[1]))
        cache = self.memory.update(context)
        sentence_start = bool(_SENTENCE_END.search(normalize(context[-200:])))
        weights = self._unigram_cache(cache, partial)  # once per keystroke, for the candidates and the typed word
        candidates = self._candidates(probs, cache, partial, weights, spelled, sentence_start)
        if not partial and self.repeat_discount != 1.0:
            recent = {w.lower() for w in _WORD.findall(context[-_ANCHOR_CHARS:])[-REPEAT_WINDOW_WORDS:]}
            candidates = [(w, p * self.repeat_discount if w.lower() in recent else p) for w, p in candidates]
        if not candidates:
            return []
        tail = normalize(context[-4:])
        capitalize = not partial and sentence_start
        lead = "" if partial or not tail or tail[-1].isspace() or tail[-1] in _OPENERS else " "
        shouting = len(partial) > 1 and partial.isupper()
        merged: dict[str, float] = {}
        for word, p in candidates:
            surface = partial + word[len(partial) :] if partial else word
            if shouting:
                surface = surface.upper()
            elif capitalize:
                surface = surface[0].upper() + surface[1:]
            merged[surface] = merged.get(surface, 0.0) + p
        ranked = sorted(merged.items(), key=lambda item: -item[1])[:k]
        # The word as typed is an outcome too: after "Anna" or "Tom" it is likelier than "Annals" or "Tommy", and
        # the suggestions say so (``typed_word_likelier``), for ghost text not to offer a longer word.
        typed = self._typed_word_mass(probs, cache, partial, weights, spelled) if partial else 0.0
        total = sum(merged.values()) + typed
        suggestions = [Suggestion(lead + w[len(partial) :], w, p / total, typed_word_likelier=typed > p)
                       for w, p in ranked]
        return self._extend_phrase(suggestions, partial, lead)

    def _suggest_contraction(self, context: str, partial: str, k: int) -> list[Suggestion]:
        """After "don'" or "John'": the model's contraction tokens ('t, 's, 're, ...) that fit what is typed."""
        log_probs = self._read(self.context_tokens(context[:-1]))
        typed = "'" + partial.lower()
        options = [(t, float(np.exp(log_probs[self.vocab.index[t]]))) for t in _CONTRACTIONS
                   if t in self.vocab.index and t.startswith(typed) and len(t) > len(typed)]
        total = sum(p for _, p in options) or 1.0
        ranked = sorted(options, key=lambda item: -item[1])[:k]
        return [Suggestion(t[len(typed) :], partial + t[len(typed) :], p / total) for t, p in ranked]

    def _candidates(self, probs: np.ndarray, cache: Counter, partial: str, weights: tuple,
                    spelled: dict[str, float] | None = None, sentence_start: bool = False) -> list[tuple[str, float]]:
        """(word, mixed probability) pairs that may follow; filtered by ``partial`` when given. ``spelled``: the
        continuous cache's probability of out-of-vocabulary words of the document (taken out of ``<unk>``'s). The
        unigram cache counts the document's words plus what Folio learned about the writer (``learned``), the
        latter scaled to stand for at most ``learned_pseudo_words`` words of text."""
        vocab = self.vocab
        learned, scale, learned_top, lam, n_cache = weights  # from _unigram_cache
        if partial:
            low = partial.lower()
            start = bisect.bisect_left(self._sorted_lower, low)
            end = bisect.bisect_left(self._sorted_lower, low + "\uffff")
            ids = self._sorted_ids[start:end]
            ids = ids[self._suggestible[ids] & (self._lengths[ids] > len(partial))]
            fit = probs[ids] * self._case_factors(ids, partial, sentence_start)
            if ids.size > PREFIX_CANDIDATES:  # "s" fits thousands of words: only the likeliest can rank
                best = np.argpartition(-fit, PREFIX_CANDIDATES)[:PREFIX_CANDIDATES]
                ids, fit = ids[best], fit[best]
            in_cache = self.memory.words_with_prefix(partial)
            if scale:
                in_cache = list(dict.fromkeys(in_cache + self.learned.words_with_prefix(partial)))
        else:
            masked = np.where(self._suggestible, probs, 0.0)
            ids = np.argpartition(-masked, 50)[:50] if masked.size > 50 else np.arange(masked.size)
            ids = ids[self._suggestible[ids]]
            fit = probs[ids]
            in_cache = list(dict.fromkeys([w for w, _ in cache.most_common(50)] + (learned_top if scale else [])))
        scores = {vocab.tokens[i]: (1 - lam) * p for i, p in zip(ids.tolist(), fit.tolist())}
        if spelled:
            low = partial.lower()
            for word, p in spelled.items():
                if len(word) > len(partial) and word.lower().startswith(low):
                    scores[word] = scores.get(word, 0.0) + (1 - lam) * p
        if partial and self.rare_words:
            p_unk = (1 - lam) * float(probs[vocab.unk_id])
            for word, share in self._rare_lexicon().with_prefix(partial):
                scores.setdefault(word, p_unk * share)
        for word in in_cache:
            count = cache[word] + (scale * learned[word] if scale else 0.0)
            scores[word] = scores.get(word, (1 - lam) * float(probs[vocab.index[word]]) if word in vocab.index
                                      else 0.0) + lam * count / n_cache
        return [(w, p) for w, p in scores.items() if p > 0]

    def _unigram_cache(self, cache: Counter, partial: str) -> tuple[Counter, float, list[str], float, float]:
        """What the unigram cache adds: the learned pseudo-counts, their scale and top words, the cache's weight
        and the count its counts are divided by."""
        if self.learned is not None:
            learned, scale, learned_top = self.learned.pseudo_counts(self.learned_pseudo_words)
        else:
            learned, scale, learned_top = Counter(), 0.0, []
        total = sum(cache.values()) + (scale * self.learned.total if scale else 0.0)
        lam = self.cache_weight if total else 0.0
        return learned, scale, learned_top, lam, total + (0 if partial else CACHE_PRIOR_WORDS)

    def _typed_word_mass(self, probs: np.ndarray, cache: Counter, partial: str,
                         weights: tuple, spelled: dict[str, float] | None) -> float:
        """The mixed probability of the word exactly as typed ("Anna", "Tom"), as :meth:`_candidates` would score
        it: 0 when the letters typed are not a word the model, the document or the writer's memory knows."""
        learned, scale, _, lam, n_cache = weights  # from _unigram_cache
        forms = dict.fromkeys([partial, partial.lower(), partial.capitalize()])
        model = sum(float(probs[self.vocab.index[w]]) for w in forms if w in self.vocab.index and self._suggestible[
            self.vocab.index[w]])
        model += sum((spelled or {}).get(w, 0.0) for w in forms)
        counts = sum(cache[w] + (scale * learned[w] if scale else 0.0) for w in forms)
        return (1 - lam) * model + lam * counts / n_cache if n_cache else (1 - lam) * model

    def _case_factors(self, ids: np.ndarray, partial: str, sentence_start: bool) -> np.ndarray:
        """Factors [len(ids)] for vocabulary words whose case the typed prefix contradicts: a capital typed inside a
        sentence starts a name, not "said" made "Said"; a small letter does not start "Sanford". Prefix matching
        ignores case, so without this they take places in the list that the word being typed needs."""
        factors = np.ones(len(ids))
        if self.case_mismatch == 1.0:
            pass
        elif partial[0].isupper() and not sentence_start:
            factors[self._lower_initial[ids]] = self.case_mismatch
        elif partial[0].islower():
            factors[self._upper_initial[ids]] = self.case_mismatch
        return factors

    def warm_up(self) -> None:
        """Builds now what the first word typed would otherwise wait for: the words beyond the vocabulary."""
        self._rare_lexicon()

    def _rare_lexicon(self) -> OutOfVocabularyLexicon:
        """Words beyond the vocabulary (desktop/runtime/lexicon.py): the package's lexicon, when it has one, and
        pyspellchecker's English list, built at the first prefix."""
        if self._lexicon is None:
            lists = [counts for counts in (self._package_lexicon(), english_frequencies()) if counts]
            self._lexicon = OutOfVocabularyLexicon.merged(lists, (t.lower() for t in self.vocab.tokens))
        return self._lexicon

    def _package_lexicon(self) -> dict[str, int] | None:
        """The package's training-text words beyond its vocabulary; None without one. An unreadable list only
        costs those completions (the package's checksums have passed, so it is an exporter's mistake)."""
        if contract.ROLE_LEXICON not in self.package.manifest.get("files", {}):
            return None
        try:
            return read_counts(self.package.file(contract.ROLE_LEXICON))
        except (OSError, ValueError) as exc:
            logger.warning("word lexicon of %s unreadable: %s", self.package.id, exc)
            return None

    def _extend_phrase(self, suggestions: list[Suggestion], partial: str, lead: str) -> list[Suggestion]:
        """Extends the top suggestion with the model's likeliest next words while the phrase's mean
        log-probability stays above ``phrase_threshold``."""
        if self.max_phrase_words <= 1 or not suggestions:
            return suggestions
        top = suggestions[0]
        first_token = top.word if top.word in self.vocab.index else top.word.lower()
        if first_token not in self.vocab.index:
            return suggestions
        words, log_ps = [top.word], [math.log(max(top.probability, 1e-12))]
        first = self.vocab.index[first_token]
        while len(words) < self.max_phrase_words:
            token, log_p = self._greedy_step(first, len(words) - 1)
            extended = log_ps + [log_p]
            if sum(extended) / len(extended) < self.phrase_threshold:
                break
            words.append(self.vocab.tokens[token])
            log_ps = extended
        if len(words) == 1:
            return suggestions
        phrase = detokenize(words)
        text = lead + phrase[len(partial) :]
        return [Suggestion(text, top.word, top.probability, phrase=True), *suggestions[1:]]


    def _greedy_step(self, first: int, i: int) -> tuple[int, float]:
        """The ``i``-th word (token id, log-probability) of the model's greedy continuation after the current state
        and the token ``first``; the steps are remembered while the state and ``first`` stay the same."""
        memo = self._phrase_memo
        if memo is None or memo[0] is not self._state or memo[1] != first:
            memo = (self._state, first, [], self._state, first)  # (state, first, steps, state after them, last)
        state, steps, last, state_after = memo[0], memo[2], memo[4], memo[3]
        while len(steps) <= i:
            out, state_after = self.lm.step(np.array([[last]], np.int64), state_after)
            log_probs = out[0, -1]
            last = int(np.argmax(np.where(self._suggestible, log_probs, -np.inf)))
            steps.append((last, float(log_probs[last])))
        self._phrase_memo = (state, first, steps, state_after, last)
        return steps[i]


_WORD = re.compile(rf"\b[^\W_][\w']{{0,{MAX_WORD_CHARS - 1}}}\b")  # words and numbers: "Zorblax", "1942"
_REMEMBERABLE = re.compile(rf"^[^\W_]\w{{0,{MAX_WORD_CHARS - 1}}}$")  # a token the continuous cache spells out
_ANCHOR_CHARS = 200
RECOUNT_AFTER_WORDS = 1000  # typing forward adds words; a recount now and then forgets those that left the text


class DocumentMemory:
    """How often each word occurs in the text before the cursor, kept up to date incrementally: typing
    forward only counts the new words; anything else (an edit elsewhere, another document) recounts, and so
    does every RECOUNT_AFTER_WORDS new words, so the memory follows the text it was given rather than the
    path the cursor took."""

    def __init__(self) -> None:
        self.counts: Counter = Counter()
        self._by_initial: dict[str, set[str]] = {}
        self._anchor = ""  # the last characters counted, to recognise the same text grown at its end
        self._end = 0  # where they ended
        self._added = 0

    def update(self, context: str) -> Counter:
        """Counts for ``context`` (which must end at a word boundary)."""
        anchor, end = self._anchor, self._end
        if anchor and context[end - len(anchor) : end] == anchor:
            pos = end - len(anchor)  # the same text, grown at its end
        else:  # a sliding window: look for the last characters counted near the end
            pos = context.rfind(anchor, max(0, len(context) - len(anchor) - 400)) if anchor else -1
        if pos >= 0 and self._added < RECOUNT_AFTER_WORDS:
            self._add(_WORD.findall(context[pos + len(anchor) :]))
        else:
            self.counts, self._by_initial, self._added = Counter(), {}, 0
            self._add(_WORD.findall(context))
            self._added = 0
        self._anchor, self._end = context[-_ANCHOR_CHARS:], len(context)
        return self.counts

    def _add(self, words: list[str]) -> None:
        self.counts.update(words)
        for word in words:
            self._by_initial.setdefault(word[0].lower(), set()).add(word)
        self._added += len(words)

    def words_with_prefix(self, prefix: str) -> list[str]:
        """Remembered words that start with ``prefix`` (case-insensitive) and are longer than it."""
        low = prefix.lower()
        return [w for w in self._by_initial.get(low[:1], ()) if len(w) > len(low) and w.lower().startswith(low)]

    def clear(self) -> None:
        """Forgets everything (a new document)."""
        self.counts, self._by_initial, self._anchor, self._end, self._added = Counter(), {}, "", 0, 0
