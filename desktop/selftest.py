"""``folio --self-test``: load every model package, run each feature once, print a JSON report.

Each feature (completion, continuation, translation) gets an entry in ``report["features"]``:

- ``{"available": false, "ok": true, "skipped": "no word_lm package shipped"}`` when no package of its kind is
  in the models folder: that feature is simply not part of this build;
- ``{"available": true, "ok": true, "model", "provider", "load_seconds", "seconds", ...}`` when it ran;
- ``{"ok": false, "error": ...}`` when its package is there but fails to load or to run.

``report["ok"]`` is False (exit code 1) when any feature failed, when a package folder is unreadable, when no
feature could run at all (no models shipped), when a provider named with ``--provider`` (cuda, ...) could not be
had by a feature (listed in ``problems`` with ONNX Runtime's reason; ``--allow-fallback`` accepts it), or when
anything tried to use the network: the self-test runs
with Python's network calls blocked and recorded by an audit hook (``report["network"]``).
"""

from __future__ import annotations

import json
import platform
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from desktop import __version__
from desktop.runtime import Engines, contract
from desktop.runtime.continuer import MAX_WORD_CHARS
from desktop.runtime.session import PROVIDER_ALIASES, available_providers

SELF_TEST_PROMPT = "ROMEO:\n"
SELF_TEST_CHARS = 200
COMPLETION_PROMPT = "The history of the "
COMPLETION_K = 3
TRANSLATION_SOURCE = "I am happy."
TRANSLATION_BEAM = 4


# -- the features ---------------------------------------------------------------------------------------------


def _exercise_completion(engine: Any) -> dict:
    """One ``suggest`` call: ok when it returns 1..k suggestions with text."""
    t0 = time.perf_counter()
    suggestions = list(engine.suggest(COMPLETION_PROMPT, k=COMPLETION_K))
    seconds = time.perf_counter() - t0
    texts = [getattr(s, "text", None) for s in suggestions]
    ok = 1 <= len(texts) <= COMPLETION_K and all(isinstance(t, str) and t for t in texts)
    result = {"ok": ok, "prompt": COMPLETION_PROMPT, "suggestions": texts, "seconds": round(seconds, 4)}
    if not ok:
        result["error"] = f"expected 1 to {COMPLETION_K} non-empty suggestions, got {texts!r}"
    return result


def _exercise_continuation(engine: Any) -> dict:
    """Generates ``SELF_TEST_CHARS`` characters: ok when that many came out, and at most the rest of a word more."""
    t0 = time.perf_counter()
    text = "".join(engine.generate(SELF_TEST_PROMPT, SELF_TEST_CHARS, temperature=0.8, seed=0))
    seconds = max(time.perf_counter() - t0, 1e-9)
    ok = SELF_TEST_CHARS <= len(text) <= SELF_TEST_CHARS + MAX_WORD_CHARS
    result = {"ok": ok, "chars": len(text), "seconds": round(seconds, 4),
              "chars_per_second": round(len(text) / seconds), "sample": text}
    if not ok:
        most = SELF_TEST_CHARS + MAX_WORD_CHARS
        result["error"] = f"expected {SELF_TEST_CHARS} to {most} characters, got {len(text)}"
    return result


def _exercise_translation(engine: Any) -> dict:
    """One ``translate`` call: ok when the best translation is a non-empty string."""
    t0 = time.perf_counter()
    translations = list(engine.translate(TRANSLATION_SOURCE, beam=TRANSLATION_BEAM))
    seconds = time.perf_counter() - t0
    best = getattr(translations[0], "text", None) if translations else None
    ok = isinstance(best, str) and bool(best.strip())
    result = {"ok": ok, "source": TRANSLATION_SOURCE, "translation": best, "seconds": round(seconds, 4)}
    if translations and hasattr(translations[0], "score"):
        result["score"] = round(float(translations[0].score), 4)
    if not ok:
        result["error"] = f"expected a non-empty translation, got {best!r}"
    return result


SPELLING_TEXT = "I recieved your letter and definately agree."  # right with or without the word model
SPELLING_EXPECTED = {"recieved": "received", "definately": "definitely"}
SPELLING_FRENCH = "La maisson est grande."
SPELLING_FRENCH_EXPECTED = {"maisson": "maison"}


def _exercise_spelling(engine: Any) -> dict:
    """Checks a sentence with two typos: ok when both are found and each one's first correction is right."""
    t0 = time.perf_counter()
    found = list(engine.check(SPELLING_TEXT, language="en"))
    found += list(engine.check(SPELLING_FRENCH, language="fr"))
    seconds = time.perf_counter() - t0
    corrections = {m.word: (m.suggestions[0] if m.suggestions else None) for m in found}
    expected = {**SPELLING_EXPECTED, **SPELLING_FRENCH_EXPECTED}
    ok = corrections == expected
    result = {"ok": ok, "text": [SPELLING_TEXT, SPELLING_FRENCH], "corrections": corrections,
              "seconds": round(seconds, 4)}
    if not ok:
        result["error"] = f"expected {expected}, got {corrections}"
    return result


@dataclass(frozen=True)
class Feature:
    """A feature of the app: the package kind it needs, the ``Engines`` attribute, and how to try it once."""

    name: str
    kind: str
    attribute: str
    exercise: Callable[[Any], dict]


FEATURES = (
    Feature("completion", contract.KIND_WORD_LM, "completer", _exercise_completion),
    Feature("continuation", contract.KIND_CHAR_LM, "continuer", _exercise_continuation),
    Feature("translation", contract.KIND_TRANSLATOR, "translator", _exercise_translation),
    Feature("spelling", "", "speller", _exercise_spelling),  # word lists ship with the app: no package kind
)


def check_feature(engines: Any, feature: Feature) -> dict:
    """Loads and runs one feature; never raises (a failure is reported in the returned dict)."""
    if feature.kind and not engines.packages.get(feature.kind):
        return {"available": False, "ok": True, "skipped": f"no {feature.kind} package shipped"}
    if not feature.kind and not hasattr(type(engines), feature.attribute) and feature.attribute not in vars(engines):
        return {"available": False, "ok": True, "skipped": f"these engines have no {feature.attribute}"}
    t0 = time.perf_counter()
    try:
        engine = getattr(engines, feature.attribute)
    except Exception as exc:  # noqa: BLE001 - the report must say what failed
        return {"available": False, "ok": False, "error": f"loading failed: {type(exc).__name__}: {exc}"}
    load_seconds = round(time.perf_counter() - t0, 4)
    if not getattr(engine, "available", False):
        return {"available": False, "ok": False, "error": str(getattr(engine, "error", "unavailable"))}
    entry: dict = {"available": True, "model": str(getattr(engine, "name", "")),
                   "provider": str(getattr(engine, "provider", "")), "load_seconds": load_seconds}
    note = _provider_note(engine)
    if note:
        entry["provider_note"] = note
    try:
        entry.update(feature.exercise(engine))
    except Exception as exc:  # noqa: BLE001 - the report must say what failed
        entry.update(ok=False, error=f"{feature.name} failed: {type(exc).__name__}: {exc}")
    return entry


def _provider_note(engine: Any) -> str:
    """Why the engine runs on another provider than asked (``""`` when it runs where asked)."""
    return str(getattr(engine, "provider_note", "") or "")


def provider_problems(requested: str, features: dict) -> list[str]:
    """One line per feature that runs on another provider than the one named in ``requested`` (none for
    "auto"), with the reason ONNX Runtime gave."""
    key = requested.strip().lower()
    if key == "auto":
        return []
    wanted = PROVIDER_ALIASES.get(key, requested)
    problems = []
    for name, entry in features.items():
        provider = str(entry.get("provider") or "")
        onnx = provider.endswith("ExecutionProvider")  # spelling runs no ONNX graph of its own ("cpu")
        if entry.get("available") and onnx and provider != wanted:
            reason = entry.get("provider_note") or "no reason given"
            problems.append(f"{name}: {wanted} was asked for, it runs on {provider} ({reason})")
    return problems


# -- the network guard ----------------------------------------------------------------------------------------

# Python's audit events for network use (the "Audit events table" of Python's documentation).
NETWORK_EVENTS = frozenset({
    "socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg", "socket.getaddrinfo",
    "socket.gethostbyname", "socket.gethostbyname_ex", "socket.gethostbyaddr", "socket.getnameinfo",
    "http.client.connect", "urllib.Request", "ftplib.connect", "smtplib.connect", "poplib.connect",
    "imaplib.open", "nntplib.connect", "telnetlib.Telnet.open", "webbrowser.open",
})
# Socket methods whose audit arguments are (socket, address): only internet addresses (tuples) count, so a
# local AF_UNIX socket (a path) is not network use.
_SOCKET_METHOD_EVENTS = frozenset({"socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg"})


class NetworkBlocked(OSError):
    """Raised into code that tried to use the network while the guard was on."""


class _NetworkGuard:
    """One process-wide audit hook (hooks cannot be removed) that blocks and records network use while on."""

    def __init__(self) -> None:
        self.attempts: list[str] | None = None  # None: off
        self.installed = False

    def hook(self, event: str, args: tuple) -> None:
        if self.attempts is None or event not in NETWORK_EVENTS:
            return
        if event in _SOCKET_METHOD_EVENTS:
            address = args[1] if len(args) > 1 else None
            if not isinstance(address, tuple):
                return
            description = f"{event} {address!r}"
        else:
            description = f"{event} {args!r}"
        self.attempts.append(description[:300])
        raise NetworkBlocked(f"network use is blocked in folio --self-test ({event})")


_GUARD = _NetworkGuard()


@contextmanager
def network_blocked() -> Iterator[list[str]]:
    """Blocks Python-level network use inside the block; yields the list the attempts are recorded in."""
    if not _GUARD.installed:
        sys.addaudithook(_GUARD.hook)
        _GUARD.installed = True
    previous = _GUARD.attempts
    attempts: list[str] = []
    _GUARD.attempts = attempts
    try:
        yield attempts
    finally:
        _GUARD.attempts = previous


# -- the report -----------------------------------------------------------------------------------------------


def run_self_test(provider: str = "auto", models: str | None = None, engines: Any = None,
                  allow_fallback: bool = False) -> dict:
    """Loads the models and runs each feature once; returns the report (``ok`` is False on any failure).

    A named provider (``--provider cuda``) that a feature could not get is listed in ``problems`` and fails
    the report unless ``allow_fallback``. ``engines`` replaces ``Engines.from_dir(models, provider)`` (tests
    pass fakes).
    """
    started = time.perf_counter()
    report: dict = {
        "version": __version__,
        "frozen": bool(getattr(sys, "frozen", False)),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "requested_provider": provider,
        "allow_fallback": allow_fallback,
        "available_providers": available_providers(),
    }
    with network_blocked() as attempts:
        if engines is None:
            engines = Engines.from_dir(models, provider=provider)
        report["models_dir"] = str(engines.models_path)
        report["packages"] = {kind: [p.name for p in folders] for kind, folders in sorted(engines.packages.items())}
        package_problems = list(engines.problems)
        report["features"] = {feature.name: check_feature(engines, feature) for feature in FEATURES}
    fallbacks = provider_problems(provider, report["features"])
    report["problems"] = package_problems + fallbacks
    report["network"] = {"blocked": True, "attempts": attempts}
    report["seconds"] = round(time.perf_counter() - started, 3)
    report["ok"] = _judge(report, package_problems, [] if allow_fallback else fallbacks)
    return report


def _judge(report: dict, package_problems: list[str], provider_failures: list[str]) -> bool:
    """Whether the report passes; adds ``errors`` saying why not."""
    errors = [f"{name}: {f['error']}" for name, f in report["features"].items() if not f.get("ok")]
    errors += [f"unreadable model package: {p}" for p in package_problems]
    errors += [f"provider not obtained (--allow-fallback accepts it): {p}" for p in provider_failures]
    models = [f for f in FEATURES if f.kind]  # spelling needs no model package: it does not count here
    if not any(report["features"].get(f.name, {}).get("available") for f in models) and not errors:
        errors.append(f"no model package found in {report['models_dir']}: no feature could run")
    errors += [f"network use attempted: {a}" for a in report["network"]["attempts"]]
    if errors:
        report["errors"] = errors
    return not errors


def main(provider: str = "auto", models: str | None = None, allow_fallback: bool = False) -> int:
    """Prints the report as JSON; returns 0 when every shipped feature worked, 1 otherwise."""
    report = run_self_test(provider, models, allow_fallback=allow_fallback)
    out = sys.stdout
    if out is not None:  # None in a Windows GUI process (pythonw, a windowed build): use folio-cli there
        json.dump(report, out, indent=2, ensure_ascii=False)
        out.write("\n")
        out.flush()
    return 0 if report["ok"] else 1
