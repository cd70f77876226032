"""The writing app's logic without widgets: preferences, recovery copies, session state, counts and the daily
goal, Markdown tokens, find and replace, model cards. None of it may need Qt."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.core.appstate import AppState, OpenDocument, add_recent, load_state, save_state
from desktop.core.locations import ENV_HOME, Locations
from desktop.core.markdown import IN_FENCE, NORMAL, Kind, tokenize_line
from desktop.core.preferences import Preferences, load_preferences, parse_toml, save_preferences, to_toml
from desktop.core.recovery import RecoveryEntry, RecoverySession, find_orphans, pid_alive
from desktop.core.search import SearchError, SearchQuery
from desktop.core.textstats import DailyTally, TextStats, count_words, format_reading_time, goal_progress
from desktop.core.utf16 import Utf16Map, utf16_length
from desktop.runtime.about import DATA_SOURCES, model_cards

ROOT = Path(__file__).resolve().parents[1]

# -- preferences ------------------------------------------------------------------------------------------------


def test_preferences_round_trip_through_toml(tmp_path):
    prefs = Preferences(theme="dark", font_family='Iowan "Old" Style\\', font_size=14.5, daily_goal=1200,
                        completion_enabled=False, suggestion_count=5, phrase_threshold=0.55, temperature=1.1,
                        length=900, provider="cuda", threads=2, model_view_enabled=False, learn_words=False)
    path = tmp_path / "config" / "preferences.toml"
    save_preferences(path, prefs)
    assert parse_toml(path.read_text(encoding="utf-8"))["completion"] == {
        "enabled": False, "suggestions": 5, "phrase_threshold": 0.55, "learn": False}
    loaded = load_preferences(path)
    assert loaded.warnings == [] and not loaded.corrupt
    assert loaded.preferences == prefs


def test_missing_file_gives_defaults_silently(tmp_path):
    loaded = load_preferences(tmp_path / "nope.toml")
    assert loaded.preferences == Preferences() and loaded.warnings == []


def test_corrupt_file_falls_back_to_defaults_with_a_warning_and_is_kept_as_bak(tmp_path):
    path = tmp_path / "preferences.toml"
    path.write_text("[completion\nenabled = maybe", encoding="utf-8")
    loaded = load_preferences(path)
    assert loaded.corrupt
    assert loaded.preferences == Preferences()
    assert len(loaded.warnings) == 1 and "not valid TOML" in loaded.warnings[0]
    save_preferences(path, Preferences(theme="light"), keep_corrupt=True)
    assert (tmp_path / "preferences.toml.bak").read_text(encoding="utf-8") == "[completion\nenabled = maybe"
    assert load_preferences(path).preferences.theme == "light"


def test_bad_values_fall_back_one_by_one(tmp_path):
    path = tmp_path / "preferences.toml"
    path.write_text(
        '[appearance]\ntheme = "purple"\nfont_size = 200\n'
        '[completion]\nsuggestions = "three"\nphrase_threshold = -1\nenabled = false\n'
        '[continuation]\ntemperature = 0.5\nlength = 3.5\n[models]\nthreads = 0\nprovider = "cpu"\n',
        encoding="utf-8",
    )
    loaded = load_preferences(path)
    p = loaded.preferences
    assert (p.theme, p.font_size, p.suggestion_count, p.phrase_threshold) == ("system", 72.0, 3, 0.0)
    assert (p.completion_enabled, p.temperature, p.length, p.threads, p.provider) == (False, 0.5, 400, 1, "cpu")
    text = "\n".join(loaded.warnings)
    for key in ("appearance.theme", "appearance.font_size", "completion.suggestions", "completion.phrase_threshold",
                "continuation.length", "models.threads"):
        assert key in text
    assert len(loaded.warnings) == 6


def test_written_toml_is_read_by_tomllib_and_escapes_strings():
    text = to_toml(Preferences(font_family='a"b\\c\nd\x01'))
    assert parse_toml(text)["appearance"]["font_family"] == 'a"b\\c\nd\x01'


# -- locations -----------------------------------------------------------------------------------------------------


def test_folio_home_overrides_the_platform_folders(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_HOME, str(tmp_path))
    loc = Locations.from_environment("/platform/config", "/platform/data")
    assert loc.preferences_file == tmp_path / "config" / "preferences.toml"
    assert loc.recovery_dir == tmp_path / "data" / "recovery"
    monkeypatch.delenv(ENV_HOME)
    assert Locations.from_environment("/c", "/d").state_file == Path("/d/state.json")


# -- recovery ------------------------------------------------------------------------------------------------------


def test_recovery_copies_survive_their_process_and_are_found_as_orphans(tmp_path):
    root = tmp_path / "recovery"
    code = (
        "import sys; from desktop.core.recovery import RecoverySession, RecoveryEntry\n"
        "s = RecoverySession(sys.argv[1])\n"
        "s.write(RecoveryEntry('doc1', 'unsaved ✓ words', None, 'Untitled', 7))\n"
        "s.write(RecoveryEntry('doc2', 'file text', '/x/story.md', 'story.md', 0, '\\r\\n'))\n"
    )
    subprocess.run([sys.executable, "-c", code, str(root)], cwd=ROOT, check=True, timeout=60)
    orphans = find_orphans(root)
    assert len(orphans) == 1
    entries = {e.doc_id: e for e in orphans[0].entries}
    assert entries["doc1"].text == "unsaved ✓ words" and entries["doc1"].cursor == 7 and entries["doc1"].path is None
    assert entries["doc2"].path == "/x/story.md" and entries["doc2"].newline == "\r\n"
    orphans[0].discard()
    assert find_orphans(root) == [] and not any(root.iterdir())


def test_a_live_session_is_not_an_orphan_and_close_removes_it(tmp_path):
    session = RecoverySession(tmp_path)
    session.write(RecoveryEntry("a", "text"))
    assert find_orphans(tmp_path) == []  # our own process
    assert find_orphans(tmp_path, own_pid=-1, is_alive=lambda pid: pid == os.getpid()) == []  # alive elsewhere
    assert [e.text for e in session.entries()] == ["text"]
    session.remove("a")
    assert session.entries() == []
    session.close()
    assert not session.folder.exists()


def test_unreadable_recovery_files_are_skipped_and_empty_orphans_removed(tmp_path):
    dead = tmp_path / "dead"
    dead.mkdir()
    (dead / "owner.json").write_text(json.dumps({"pid": 999999999}), encoding="utf-8")
    (dead / "broken.json").write_text("{", encoding="utf-8")
    assert not pid_alive(999999999)
    assert find_orphans(tmp_path) == []
    assert not dead.exists()
    with pytest.raises(ValueError):
        RecoveryEntry.from_json('{"format": 99}')


# -- session state -------------------------------------------------------------------------------------------------


def test_state_round_trip_and_recent_files(tmp_path):
    state = AppState(documents=[OpenDocument("/a.md", 12, 3)], active=0, recent=["/a.md"], zoom=2,
                     model_view_visible=True)
    state.tally.update("/a.md", 10, dt.date(2024, 5, 1))
    save_state(tmp_path / "state.json", state)
    loaded = load_state(tmp_path / "state.json")
    assert loaded.documents == [OpenDocument("/a.md", 12, 3)]
    assert (loaded.zoom, loaded.model_view_visible, loaded.recent) == (2, True, ["/a.md"])
    assert loaded.tally.baselines == {"/a.md": 10}
    recent = add_recent(["/b", "/a", "/c"], "/a")
    assert recent == ["/a", "/b", "/c"]
    assert len(add_recent([f"/{i}" for i in range(10)], "/new")) == 10


def test_a_corrupt_state_file_gives_a_fresh_state(tmp_path):
    (tmp_path / "state.json").write_text("not json", encoding="utf-8")
    assert load_state(tmp_path / "state.json") == AppState()
    (tmp_path / "state.json").write_text('{"documents": [{"path": 3}, {"path": "/ok"}], "zoom": "x"}')
    state = load_state(tmp_path / "state.json")
    assert [d.path for d in state.documents] == ["/ok"] and state.zoom == 0


# -- counts, reading time and the daily goal -------------------------------------------------------------------------


def test_word_and_character_counts():
    assert count_words("Don't stop — well-read people, 42 times!\nÉlan vital") == 8
    assert count_words("") == 0
    stats = TextStats.of("one two\nthree")
    assert (stats.words, stats.characters) == (3, 12)
    assert stats.summary() == "3 words · 12 characters · < 1 min read"
    assert format_reading_time(238 * 5) == "5 min read"
    assert format_reading_time(238 * 75) == "1 h 15 min read"


def test_daily_tally_counts_net_words_per_document_and_resets_each_day():
    day1, day2 = dt.date(2024, 5, 1), dt.date(2024, 5, 2)
    tally = DailyTally()
    tally.update("a", 100, day1)  # opened with 100 words: the baseline
    tally.update("a", 130, day1)
    tally.update("b", 0, day1)
    tally.update("b", 20, day1)
    assert tally.words_today(day1) == 50
    tally.update("a", 90, day1)  # deleted below the baseline: nothing from a
    assert tally.words_today(day1) == 20
    tally.rename("b", "b.md")
    tally.update("b.md", 25, day1)
    assert tally.words_today(day1) == 25
    assert tally.words_today(day2) == 0  # a new day
    tally.update("a", 95, day2)
    tally.update("a", 105, day2)
    assert tally.words_today(day2) == 10
    assert DailyTally.from_dict(tally.to_dict()) == tally
    assert goal_progress(250, 500) == 0.5 and goal_progress(900, 500) == 1.0 and goal_progress(5, 0) == 0.0


# -- Markdown --------------------------------------------------------------------------------------------------------


def kinds(line: str, state: int = NORMAL) -> list[tuple[str, Kind]]:
    spans, _ = tokenize_line(line, state)
    return sorted((line[s.start : s.start + s.length], s.kind) for s in spans)


def test_markdown_headings_lists_quotes_and_rules():
    assert ("## Act II", Kind.HEADING) in kinds("## Act II")
    assert ("##", Kind.HEADING_MARKER) in kinds("## Act II")
    assert kinds("#hashtag") == []
    assert kinds("- item") == [("-", Kind.LIST_MARKER)]
    assert kinds("  12. item") == [("  12.", Kind.LIST_MARKER)]
    assert kinds("> quoted") == [("> quoted", Kind.QUOTE)]
    assert kinds("---") == [("---", Kind.RULE)]


def test_markdown_inline_emphasis_code_and_links():
    line = "a *soft* and **loud** `code *not em*` [text](http://x.org) snake_case_name _u_"
    found = kinds(line)
    assert ("*soft*", Kind.EMPHASIS) in found
    assert ("**loud**", Kind.STRONG) in found
    assert ("`code *not em*`", Kind.CODE) in found
    assert ("[text]", Kind.LINK) in found and ("(http://x.org)", Kind.URL) in found
    assert ("_u_", Kind.EMPHASIS) in found
    assert not any("case" in text for text, _ in found)  # underscores inside words are not emphasis
    assert not any(text == "*not em*" for text, _ in found)  # nothing inside code


def test_markdown_fenced_code_spans_lines():
    spans, state = tokenize_line("```python", NORMAL)
    assert state == IN_FENCE and spans[0].kind == Kind.CODE_BLOCK
    assert kinds("# not a heading *x*", IN_FENCE) == [("# not a heading *x*", Kind.CODE_BLOCK)]
    assert tokenize_line("```", IN_FENCE)[1] == NORMAL


# -- find and replace ------------------------------------------------------------------------------------------------


TEXT = "The cat sat.\nthe CAT ran; concatenate!\n"


def test_plain_search_is_case_insensitive_by_default_and_wraps():
    query = SearchQuery("cat")
    first = query.find(TEXT, 0)
    assert (first.start, first.end) == (4, 7)
    second = query.find(TEXT, first.end)
    assert TEXT[second.start : second.end] == "CAT"
    third = query.find(TEXT, second.end)
    assert TEXT[third.start : third.end] == "cat" and third.start > second.start  # in "concatenate"
    assert query.find(TEXT, third.end).start == 4  # wrapped around
    assert query.find(TEXT, third.end, wrap=False) is None
    assert query.find(TEXT, 4, backward=True).start == third.start  # backwards from the first wraps to the last
    assert SearchQuery("cat", case_sensitive=True).find(TEXT, 5).start == third.start
    assert len(SearchQuery("cat", whole_words=True).find_all(TEXT)) == 2
    assert SearchQuery("a.c").find(TEXT, 0) is None  # a plain search takes "." literally


def test_regex_replace_with_groups_and_line_anchors():
    query = SearchQuery(r"^(\w+) (\w+)", regex=True)
    assert query.replace_all(TEXT, r"\2 \1") == ("cat The sat.\nCAT the ran; concatenate!\n", 2)
    match = query.match_at(TEXT, 0, 7, r"[\1]")
    assert match is not None and match.replacement == "[The]"
    assert query.match_at(TEXT, 1, 7) is None
    with pytest.raises(SearchError, match="Invalid regular expression"):
        SearchQuery("(unclosed", regex=True).find(TEXT, 0)
    with pytest.raises(SearchError, match="Invalid replacement"):
        query.replace_all(TEXT, r"\9")
    assert SearchQuery("cat").replace_all(TEXT, r"\1") == (TEXT.replace("cat", r"\1").replace("CAT", r"\1"), 3)


def test_utf16_positions_match_qt():
    text = "a𝄞b😀c"
    positions = Utf16Map(text)
    assert utf16_length(text) == 7
    assert [positions.to_utf16(i) for i in range(6)] == [0, 1, 3, 4, 6, 7]
    assert [positions.from_utf16(p) for p in (0, 1, 3, 4, 6, 7)] == [0, 1, 2, 3, 4, 5]


# -- about -----------------------------------------------------------------------------------------------------------


def test_model_cards_list_each_package_with_its_licence(models_dir):
    cards, problems = model_cards(models_dir)
    by_id = {c.id: c for c in cards}
    assert {"tiny-char", "tiny-word"} <= set(by_id)
    assert by_id["tiny-word"].feature == "Word completion"
    assert "CC BY-SA" in by_id["tiny-word"].licence
    assert by_id["tiny-word"].card_markdown.startswith("# tiny-word")
    assert model_cards(None) == ([], ["no models folder"])


def test_data_sources_name_the_required_licences_and_attributions():
    text = json.dumps([s.__dict__ for s in DATA_SOURCES], ensure_ascii=False)
    assert "CC-BY 2.0 FR" in text and "www.manythings.org/anki and tatoeba.org" in text
    assert "CC BY-SA" in text and "WikiText" in text
    assert "Public domain" in text and "Shakespeare" in text
