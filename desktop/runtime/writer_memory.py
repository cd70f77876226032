"""What Folio learns about the writer: the words, names and numbers used in any document, remembered across
documents and sessions in one local JSON file in Folio's data folder (never sent anywhere). No Qt.

The completer merges these counts into its unigram cache (the document memory) with a weight that follows the
evidence: the learned counts stand for at most ``pseudo_words`` words of text (:meth:`WriterMemory.pseudo_counts`),
so a memory of a few words weighs as little as a few words of the document, and a long document outweighs any
memory.

Learning a document again (every autosave, every save) must not count its words twice: the memory keeps, for the
last :data:`MAX_DOCUMENTS` documents it learned (by key: the file path or the untitled document's id), what it
already took from each (as short hashes of the words, so a forgotten word is not kept readable), and adds only
what is new. Reading never fails: a missing or damaged file gives an empty
memory (``warning`` says what was wrong).
"""

from __future__ import annotations

import bisect
import hashlib
import json
import re
import threading
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from desktop.core.files import FileError, write_text_atomic

FORMAT = 1
MAX_WORD_CHARS = 64
MAX_WORDS = 50_000  # distinct words kept (the most used; the file stays under ~1 MB)
TOP_WORDS = 50  # the most used words, offered as next-word candidates
MAX_DOCUMENTS = 20  # documents whose learned words are remembered, so that learning them again adds only news
WORD = re.compile(rf"\b[^\W_][\w']{{0,{MAX_WORD_CHARS - 1}}}\b")  # as the completer's document memory counts


def count_words(text: str) -> Counter:
    """How often each word (or number) occurs in ``text``."""
    return Counter(WORD.findall(text))


def word_key(word: str) -> str:
    """A short hash of ``word``: what a document's already-learned words are kept as."""
    return hashlib.blake2b(word.encode("utf-8"), digest_size=6).hexdigest()


def hashed(counts: Counter) -> Counter:
    """``counts`` with each word replaced by its :func:`word_key`."""
    return Counter({word_key(w): n for w, n in counts.items()})


class WriterMemory:
    """Word counts learned from the writer's documents, kept in ``path`` (None: in memory only). Thread-safe:
    the completer reads from its worker thread while the window learns and saves in the UI thread."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self.warning = ""
        self._lock = threading.Lock()
        self._documents: dict[str, Counter] = {}  # key -> word_key -> uses learned from it (newest last)
        self._set(Counter())
        self.dirty = False

    # -- reading and writing ---------------------------------------------------------------------------------

    @classmethod
    def load(cls, path: str | Path) -> WriterMemory:
        """The memory stored at ``path``; empty when there is none or it cannot be read (see ``warning``)."""
        memory = cls(path)
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                raise ValueError("not a Folio learned-words file")
            counts = Counter({w: int(n) for w, n in data.get("words", {}).items()
                              if isinstance(w, str) and WORD.fullmatch(w) and int(n) > 0})
            documents = {str(k): Counter({h: int(n) for h, n in v.items() if isinstance(h, str) and int(n) > 0})
                         for k, v in data.get("documents", {}).items() if isinstance(v, dict)}
        except FileNotFoundError:
            return memory
        except (OSError, ValueError, TypeError, AttributeError) as exc:
            memory.warning = f"{Path(path).name} could not be read ({exc}); Folio starts learning afresh."
            return memory
        memory._documents = documents
        memory._set(counts)
        return memory

    def save(self) -> bool:
        """Writes the memory to its file when it changed; True when written. Raises FileError."""
        if self.path is None or not self.dirty:
            return False
        with self._lock:
            counts = self.counts
            data = {"format": FORMAT, "words": dict(counts.most_common(MAX_WORDS)),
                    "documents": {k: dict(v) for k, v in self._documents.items()}}
            self.dirty = False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise FileError(f"{self.path} could not be saved: {exc.strerror or exc}.") from None
        write_text_atomic(self.path, json.dumps(data, ensure_ascii=False, separators=(",", ":")))
        return True

    def forget(self) -> None:
        """Forgets everything learned and deletes the file."""
        with self._lock:
            self._documents = {}
            self._set(Counter())
            self.dirty = False
        if self.path is not None:
            try:
                self.path.unlink()
            except FileNotFoundError:
                pass
            except OSError as exc:
                raise FileError(f"{self.path} could not be deleted: {exc.strerror or exc}.") from None

    # -- learning --------------------------------------------------------------------------------------------

    def learn(self, key: str, text: str, exclude: Iterable[str] = ()) -> int:
        """Learns the words of the document ``key`` now holding ``text``, but those of the passages ``exclude``
        (text a model wrote that the writer has not accepted); returns how many word uses were new (the ones the
        memory had not yet taken from that document)."""
        now = count_words(text)
        for passage in exclude:
            now -= count_words(passage)
        keys = {w: word_key(w) for w in now}
        with self._lock:
            before = self._documents.pop(key, Counter())
            # Only what this document adds since it was last learned.
            new = Counter({w: n - before[keys[w]] for w, n in now.items() if n > before[keys[w]]})
            self._remember_document(key, before | Counter({keys[w]: n for w, n in now.items()}))
            if new:
                counts = self.counts + new
                if len(counts) > MAX_WORDS:
                    counts = Counter(dict(counts.most_common(MAX_WORDS)))
                self._set(counts)
                self.dirty = True
        return sum(new.values())

    def mark_seen(self, key: str, text: str) -> None:
        """Takes the words of document ``key`` now holding ``text`` as already learned, without learning them:
        learning it later adds only words written after this."""
        with self._lock:
            self._documents.pop(key, None)
            self._remember_document(key, hashed(count_words(text)))

    def _remember_document(self, key: str, learned: Counter) -> None:
        self._documents[key] = learned
        while len(self._documents) > MAX_DOCUMENTS:
            del self._documents[next(iter(self._documents))]

    def _set(self, counts: Counter) -> None:
        ordered = sorted(counts, key=str.lower)  # for prefix lookups by bisection
        top = [w for w, _ in counts.most_common(TOP_WORDS)]
        # One assignment, so a reader in another thread sees the old or the new memory, never half of each.
        self._view = (counts, ([w.lower() for w in ordered], ordered), sum(counts.values()), top)

    # -- what the completer reads ------------------------------------------------------------------------------

    @property
    def counts(self) -> Counter:
        """Word -> times used (do not modify)."""
        return self._view[0]

    @property
    def total(self) -> int:
        """All word uses learned."""
        return self._view[2]

    def __len__(self) -> int:
        return len(self._view[0])

    def pseudo_counts(self, pseudo_words: float) -> tuple[Counter, float, list[str]]:
        """(counts, scale, most used words): the learned counts, the factor that makes them stand for at most
        ``pseudo_words`` words of text (1 while the memory holds fewer), and the TOP_WORDS most used words."""
        counts, _, total, top = self._view
        return counts, (min(1.0, pseudo_words / total) if total else 0.0), top

    def words_with_prefix(self, prefix: str) -> list[str]:
        """Learned words that start with ``prefix`` (case-insensitive) and are longer than it."""
        low = prefix.lower()
        lowered, ordered = self._view[1]
        start, end = bisect.bisect_left(lowered, low), bisect.bisect_left(lowered, low + "\uffff")
        return [w for w in ordered[start:end] if len(w) > len(low)]
