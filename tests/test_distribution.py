"""Distribution: the reduced ICU data library of the bundle, the .deb package's layout."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import PySide6

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "packaging"))

import icu_data  # noqa: E402

QT_LIB = Path(PySide6.__file__).parent / "Qt" / "lib"


def test_icu_items_removed_are_other_locales_dictionaries_transliteration_and_legacy_converters():
    for item in ("de.res", "fr_CA.res", "zh_Hant_TW.res", "coll/de.res", "coll/de__PHONEBOOK.res", "curr/fr.res",
                 "brkitr/cjdict.dict", "brkitr/thaidict.dict", "translit/root.res", "ibm-1047_P100-1995.cnv",
                 "gb18030.cnv", "unit/ja.res", "rbnf/ru.res"):
        assert icu_data.removable(item), item
    for item in ("root.res", "en.res", "en_GB.res", "en_001.res", "pool.res", "res_index.res", "coll/root.res",
                 "coll/en_US_POSIX.res", "coll/ucadata.icu", "brkitr/word.brk", "brkitr/en.res", "curr/pool.res",
                 "zone/en.res", "cnvalias.icu", "supplementalData.res", "likelySubtags.res", "zoneinfo64.res",
                 "metaZones.res", "plurals.res", "uemoji.icu", "nfkc.nrm", "unames.icu", "icuver.res"):
        assert not icu_data.removable(item), item


def test_reduced_icu_library_is_small_and_qt_still_collates_and_maps_case(tmp_path: Path):
    source = next(QT_LIB.glob("libicudata.so.*"))
    name, offset, size = icu_data.data_symbol(source)
    assert name.startswith("icudt") and source.read_bytes()[offset + 2 : offset + 4] == b"\xda\x27"  # ICU magic
    reduced = icu_data.reduce_library(source, tmp_path)
    assert reduced.stat().st_size < source.stat().st_size / 5
    assert icu_data.soname(reduced) == icu_data.soname(source)
    script = (
        "import functools\n"
        "from PySide6.QtCore import QCollator, QLocale, QStringDecoder\n"
        "words = ['zebra', 'Zoo', 'apple', '\\u00e9clair', '\\u00c4pfel']\n"
        "for loc in ('en_US', 'de_DE'):\n"
        "    c = QCollator(QLocale(loc))\n"
        "    print(loc, sorted(words, key=functools.cmp_to_key(c.compare)), QLocale(loc).toUpper('stra\\u00dfe'))\n"
        "print('sjis', QStringDecoder('Shift-JIS').isValid())\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    full = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    small = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                           env=dict(env, LD_PRELOAD=str(reduced)))
    expected = "['\u00c4pfel', 'apple', '\u00e9clair', 'zebra', 'Zoo'] STRASSE"
    assert full.stdout.splitlines()[:2] == small.stdout.splitlines()[:2] == [f"en_US {expected}", f"de_DE {expected}"]
    assert small.stdout.splitlines()[2] == "sjis False"  # the legacy converters are what was left out
