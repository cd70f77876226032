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
                 "gb18030.cnv", "unit/ja.res", "rbnf/ru.res", "curr/en.res", "unames.icu", "rfc3491.spp",
                 "uts46.nrm"):
        assert icu_data.removable(item), item
    for item in ("root.res", "en.res", "en_GB.res", "en_001.res", "pool.res", "res_index.res", "coll/root.res",
                 "coll/en_US_POSIX.res", "coll/ucadata.icu", "brkitr/word.brk", "brkitr/en.res", "brkitr/root.res",
                 "cnvalias.icu", "supplementalData.res", "likelySubtags.res", "zoneinfo64.res",
                 "metaZones.res", "plurals.res", "uemoji.icu", "icuver.res"):
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


def test_deb_wraps_the_bundle_with_launcher_menu_entry_icons_and_metainfo(tmp_path: Path):
    bundle = tmp_path / "folio"
    (bundle / "_internal" / "desktop").mkdir(parents=True)
    (bundle / "folio").write_text("#!/bin/sh\necho folio\n")
    (bundle / "folio").chmod(0o755)
    (bundle / "_internal" / "desktop" / "x.py").write_text("")
    (bundle / "install-linux.sh").write_text("# per-user installer: not for the .deb\n")
    out = subprocess.run(["bash", str(ROOT / "packaging" / "build_deb.sh"), str(bundle), str(tmp_path / "out")],
                         capture_output=True, text=True, check=True).stdout
    deb = next((tmp_path / "out").glob("folio_*_*.deb"))
    assert str(deb) in out and "MiB" in out
    listing = subprocess.run(["dpkg-deb", "-c", str(deb)], capture_output=True, text=True, check=True).stdout
    paths = {line.split()[-1].removeprefix(".") for line in listing.splitlines()}
    app = "io.github.folio.Folio"
    assert {"/opt/folio/folio", "/opt/folio/_internal/desktop/x.py", "/usr/bin/folio",
            f"/usr/share/applications/{app}.desktop", f"/usr/share/metainfo/{app}.metainfo.xml",
            f"/usr/share/icons/hicolor/scalable/apps/{app}.svg", f"/usr/share/icons/hicolor/48x48/apps/{app}.png",
            "/usr/share/doc/folio/copyright"} <= paths
    assert "/opt/folio/install-linux.sh" not in paths
    assert all(line.split()[1] == "root/root" for line in listing.splitlines())
    control = subprocess.run(["dpkg-deb", "-f", str(deb)], capture_output=True, text=True, check=True).stdout
    assert "Package: folio" in control and "libxcb-cursor0" in control and "libglib2.0-0t64 | libglib2.0-0" in control
    launcher = subprocess.run(["dpkg-deb", "--fsys-tarfile", str(deb)], capture_output=True, check=True).stdout
    assert b'exec /opt/folio/folio "$@"' in launcher


def test_bundle_filter_drops_the_tensorrt_provider_of_a_gpu_build_and_keeps_cuda():
    import bundle_filter

    assert not bundle_filter.keep("onnxruntime/capi/libonnxruntime_providers_tensorrt.so")
    assert not bundle_filter.keep("onnxruntime/capi/libonnxruntime.so.1.31.1")
    assert bundle_filter.keep("onnxruntime/capi/libonnxruntime_providers_cuda.so")
    assert bundle_filter.keep("onnxruntime/capi/libonnxruntime_providers_shared.so")
