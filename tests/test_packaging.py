"""Packaging: the self-test report, the wheel and bundle checks, icons, desktop files and the Linux installer."""

from __future__ import annotations

import configparser
import json
import os
import socket
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest

from desktop import __version__
from desktop.selftest import main as self_test_main
from desktop.selftest import run_self_test
from tests.fakes import StubEngine, self_test_engines

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"
RESOURCES = ROOT / "resources"
APP_ID = "io.github.folio.Folio"
sys.path.insert(0, str(PACKAGING))

import bundle_filter  # noqa: E402
import check_bundle  # noqa: E402
import check_wheel_contents  # noqa: E402
import no_network  # noqa: E402
import project_info  # noqa: E402
import render_icons  # noqa: E402

# -- the self-test report -------------------------------------------------------------------------------------


def test_self_test_runs_the_shipped_features_and_skips_the_kinds_not_shipped(models_dir: Path, tmp_path: Path):
    models = tmp_path / "models"
    models.mkdir()
    (models / "tiny-char").symlink_to(models_dir / "tiny-char")
    report = run_self_test("cpu", str(models))
    assert report["ok"], report.get("errors")
    assert set(report["features"]) == {"completion", "continuation", "translation", "spelling"}
    spelling = report["features"]["spelling"]  # the word lists ship with the app: no model package needed
    assert spelling["available"] and spelling["ok"], spelling
    assert spelling["corrections"] == {"recieved": "received", "definately": "definitely", "maisson": "maison"}
    continuation = report["features"]["continuation"]
    assert continuation["available"] and continuation["ok"]
    assert continuation["provider"] == "CPUExecutionProvider" and continuation["model"] == "tiny-char"
    assert continuation["chars"] == 200 and continuation["chars_per_second"] > 0
    assert continuation["load_seconds"] >= 0 and continuation["seconds"] > 0
    assert report["features"]["completion"] == {"available": False, "ok": True, "skipped": "no word_lm package shipped"}
    assert report["features"]["translation"]["skipped"] == "no translator package shipped"
    assert report["network"] == {"blocked": True, "attempts": []}
    assert report["version"] == __version__ and "CPUExecutionProvider" in report["available_providers"]


def test_self_test_cli_prints_json_and_fails_on_a_damaged_package(char_package_copy: Path, capsys):
    assert self_test_main("cpu", str(char_package_copy.parent)) == 0
    assert json.loads(capsys.readouterr().out)["ok"] is True

    model = char_package_copy / "model.int8.onnx"
    model.write_bytes(model.read_bytes()[:-10])
    assert self_test_main("cpu", str(char_package_copy.parent)) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False
    continuation = report["features"]["continuation"]
    assert continuation["available"] is False and continuation["ok"] is False
    assert "damaged" in continuation["error"]
    assert any(e.startswith("continuation:") for e in report["errors"])


def test_self_test_fails_when_no_model_is_shipped(tmp_path: Path):
    report = run_self_test("cpu", str(tmp_path))
    assert report["ok"] is False
    assert all(f.get("skipped") for name, f in report["features"].items() if name != "spelling")
    assert report["features"]["spelling"]["ok"]  # the word lists need no model package
    assert "no model package found" in report["errors"][0]


def test_self_test_fails_on_an_unreadable_package(char_package_copy: Path):
    broken = char_package_copy.parent / "broken"
    broken.mkdir()
    (broken / "manifest.json").write_text("{not json", encoding="utf-8")
    report = run_self_test("cpu", str(char_package_copy.parent))
    assert report["features"]["continuation"]["ok"] is True
    assert report["ok"] is False and any("broken" in p for p in report["problems"])


def test_self_test_exercises_completion_and_translation_through_the_runtime_api():
    calls = []

    def suggest(text, k=3):
        calls.append(("suggest", text, k))
        return [SimpleNamespace(text="world"), SimpleNamespace(text="war")]

    def translate(text, beam=4, n_best=1):
        calls.append(("translate", text, beam))
        return [SimpleNamespace(text="Je suis heureux.", score=-1.25, attention=None)]

    engines = self_test_engines(completer=StubEngine("word", suggest=suggest),
                                translator=StubEngine("fr", translate=translate))
    report = run_self_test(engines=engines)
    assert report["ok"], report.get("errors")
    assert report["features"]["completion"]["suggestions"] == ["world", "war"]
    assert report["features"]["translation"]["translation"] == "Je suis heureux."
    assert report["features"]["translation"]["score"] == -1.25
    assert report["features"]["continuation"]["skipped"] == "no char_lm package shipped"
    assert [c[0] for c in calls] == ["suggest", "translate"]


def test_self_test_reports_an_engine_that_raises_or_returns_nothing():
    def translate(text, beam=4, n_best=1):
        raise RuntimeError("decoder exploded")

    engines = self_test_engines(completer=StubEngine("word", suggest=lambda text, k=3: []),
                                translator=StubEngine("fr", translate=translate))
    report = run_self_test(engines=engines)
    assert report["ok"] is False
    assert "expected 1 to 3 non-empty suggestions" in report["features"]["completion"]["error"]
    assert "decoder exploded" in report["features"]["translation"]["error"]


def test_self_test_blocks_and_reports_network_use():
    def generate(prompt, max_chars, temperature=0.8, top_k=None, seed=None):
        socket.create_connection(("127.0.0.1", 9), timeout=1)  # an "update check"
        yield from "x" * max_chars

    report = run_self_test(engines=self_test_engines(continuer=StubEngine("char", generate=generate)))
    assert report["ok"] is False
    assert report["network"]["attempts"] and "127.0.0.1" in report["network"]["attempts"][0]
    assert "NetworkBlocked" in report["features"]["continuation"]["error"]
    assert any(e.startswith("network use attempted") for e in report["errors"])
    # the guard is off again after the self-test: local code may use sockets (the test suite's own tools do)
    a, b = socket.socketpair()
    a.close(), b.close()


# -- project metadata, wheel and bundle checks ----------------------------------------------------------------


def test_project_metadata_comes_from_pyproject():
    assert project_info.project_metadata(ROOT) == ("folio-writer", "folio", __version__)


def _wheel(path: Path, files: dict[str, str]) -> Path:
    base = {
        "folio_writer-0.1.0.dist-info/METADATA": "Name: folio-writer\nRequires-Dist: onnxruntime>=1.17\n"
                                                 'Requires-Dist: torch>=2.2; extra == "train"\n',
        "folio_writer-0.1.0.dist-info/entry_points.txt": "[gui_scripts]\nfolio = desktop.app:main\n",
    }
    base.update({name: "" for name in check_wheel_contents.REQUIRED})
    base.update(files)
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in base.items():
            archive.writestr(name, text)
    return path


def test_wheel_check_accepts_a_complete_wheel_and_names_what_is_wrong(models_dir: Path, tmp_path: Path):
    models = tmp_path / "models"
    models.mkdir()
    (models / "tiny-char").symlink_to(models_dir / "tiny-char")
    shipped = check_wheel_contents.shipped_model_files(models)
    assert "desktop/resources/models/tiny-char/model.int8.onnx" in shipped
    assert "desktop/resources/models/tiny-char/vocab.json" in shipped

    good = _wheel(tmp_path / "good.whl", {name: "" for name in shipped})
    assert check_wheel_contents.wheel_problems(good, models) == []
    source = tmp_path / "src"
    (source / "desktop" / "ui" / "widgets").mkdir(parents=True)
    (source / "desktop" / "app.py").write_text("")
    (source / "desktop" / "ui" / "widgets" / "ruler.py").write_text("")  # a subpackage pyproject forgot
    assert check_wheel_contents.wheel_problems(good, models, source) == [
        "missing module: desktop/ui/widgets/ruler.py"]

    bad = _wheel(tmp_path / "bad.whl", {
        "model/char_rnn.py": "", "tests/test_x.py": "",
        "folio_writer-0.1.0.dist-info/METADATA": "Requires-Dist: torch>=2.2\n",
    })
    problems = check_wheel_contents.wheel_problems(bad, models)
    assert "missing model file: desktop/resources/models/tiny-char/model.int8.onnx" in problems
    assert "not part of the app: model/char_rnn.py" in problems
    assert "not part of the app: tests/test_x.py" in problems
    assert "the app requires a training-only package: torch>=2.2" in problems


def test_pyproject_ships_the_desktop_files_and_icons_as_package_data():
    import tomllib

    globs = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    patterns = globs["desktop.resources"]
    for required in check_wheel_contents.REQUIRED:
        if required.startswith("desktop/resources/") and not required.endswith(".py"):
            relative = Path(required.removeprefix("desktop/resources/"))
            assert any(relative.match(p) for p in patterns), f"{relative} is not package data"
            assert (RESOURCES / relative).is_file()


@pytest.mark.parametrize(("dest", "kept"), [
    ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
    ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
    ("PySide6/Qt/plugins/platforms/libqwayland.so", True),
    ("PySide6/Qt/plugins/platforms/libqeglfs.so", False),
    ("PySide6/Qt/plugins/platforms/libqvnc.so", False),
    ("PySide6/plugins/platforms/qwindows.dll", True),
    ("PySide6/Qt/plugins/platforms/libqcocoa.dylib", True),
    ("PySide6/Qt/plugins/imageformats/libqsvg.so", True),
    ("PySide6/Qt/plugins/imageformats/libqjpeg.so", False),
    ("PySide6/plugins/imageformats/qico.dll", True),
    ("PySide6/Qt/plugins/iconengines/libqsvgicon.so", True),
    ("PySide6/Qt/plugins/platforminputcontexts/libcomposeplatforminputcontextplugin.so", True),
    ("PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so", False),
    ("PySide6/Qt/plugins/tls/libqopensslbackend.so", False),
    ("PySide6/Qt/plugins/sqldrivers/libqsqlite.so", False),
    ("PySide6/plugins/styles/qmodernwindowsstyle.dll", True),
    ("PySide6/Qt/plugins/wayland-shell-integration/libxdg-shell.so", True),
    ("PySide6/Qt/plugins/wayland-shell-integration/libivi-shell.so", False),
    ("PySide6/Qt/lib/libQt6Core.so.6", True),
    ("PySide6/Qt/lib/libQt6Widgets.so.6", True),
    ("PySide6/Qt/lib/libQt6Svg.so.6", True),
    ("PySide6/Qt/lib/libQt6DBus.so.6", True),
    ("PySide6/Qt/lib/libQt6XcbQpa.so.6", True),
    ("PySide6/Qt/lib/libQt6WaylandClient.so.6", True),
    ("PySide6/Qt/lib/libQt6Qml.so.6", False),
    ("PySide6/Qt/lib/libQt6QuickControls2Material.so.6", False),
    ("PySide6/Qt/lib/libQt6Pdf.so.6", False),
    ("PySide6/Qt/lib/libQt6Network.so.6", False),
    ("PySide6/Qt/lib/libQt6WaylandCompositor.so.6", False),
    ("PySide6/Qt6Qml.dll", False),
    ("PySide6/Qt6Widgets.dll", True),
    ("PySide6/Qt/lib/QtQuick.framework/Versions/A/QtQuick", False),
    ("PySide6/Qt/lib/QtWidgets.framework/Versions/A/QtWidgets", True),
    ("PySide6/Qt/translations/qtbase_de.qm", False),
    ("PySide6/translations/qtbase_fr.qm", False),
    ("PySide6/libpyside6qml.abi3.so.6.12", False),
    ("PySide6/QtWidgets.abi3.so", True),
    ("libgtk-3.so.0", False),
    ("libpango-1.0.so.0", False),
    ("libX11.so.6", False),  # the desktop's own
    ("libglib-2.0.so.0", False),
    ("libxcb-cursor.so.0", True),  # missing on many systems
    ("libffi.so.8", True),  # its soname differs between distributions
    ("libstdc++.so.6", True),
    ("PySide6/Qt/lib/libfoo/libX11.so.6", True),  # only the top level holds copies of system libraries
    ("onnxruntime/capi/libonnxruntime.so.1.32.0", False),
    ("onnxruntime/capi/onnxruntime_pybind11_state.cpython-311-x86_64-linux-gnu.so", True),
    ("desktop/resources/models/shakespeare-char/model.int8.onnx", True),
])
def test_bundle_filter_keeps_what_a_text_editor_uses(dest: str, kept: bool):
    assert bundle_filter.keep(dest) is kept
    assert bundle_filter.keep(dest.replace("/", "\\")) is kept  # Windows separators


def test_bundle_filter_drops_libraries_only_dropped_plugins_needed():
    toc = [
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "/src/libqxcb.so", "BINARY"),
        ("libxcb-cursor.so.0", "/usr/lib/libxcb-cursor.so.0", "BINARY"),
        ("libjpeg.so.62", "/usr/lib/libjpeg.so.62", "BINARY"),  # the JPEG plugin's, which was pruned
        ("libpython3.11.so.1.0", "/py/libpython3.11.so.1.0", "BINARY"),
        ("desktop/resources/icons/folio.svg", "/src/folio.svg", "DATA"),
    ]
    imports = {"/src/libqxcb.so": {"libxcb-cursor.so.0", "libc.so.6"}}
    kept = bundle_filter.drop_unreferenced(toc, lambda source: imports.get(source, set()))
    assert [entry[0] for entry in kept] == [
        "PySide6/Qt/plugins/platforms/libqxcb.so", "libxcb-cursor.so.0", "libpython3.11.so.1.0",
        "desktop/resources/icons/folio.svg",
    ]


def test_bundle_check_finds_training_code(tmp_path: Path):
    internal = tmp_path / "folio" / "_internal"
    (internal / "torch").mkdir(parents=True)
    (internal / "desktop").mkdir()
    (internal / "onnx").mkdir()
    assert check_bundle.forbidden_files(tmp_path / "folio") == ["onnx", "torch"]
    assert check_bundle.forbidden_modules(["desktop.app", "model.char_rnn", "export", "numpy"]) == [
        "export", "model.char_rnn"]


def test_no_network_sees_internet_sockets_only():
    log = """\
101 socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0) = 3
101 connect(3, {sa_family=AF_UNIX, sun_path="/run/dbus/system_bus_socket"}, 110) = 0
102 socket(AF_INET6, SOCK_DGRAM|SOCK_CLOEXEC, IPPROTO_IP) = 4
102 connect(4, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("1.2.3.4")}, 16) = -1 ENETUNREACH
103 socket(AF_NETLINK, SOCK_RAW|SOCK_CLOEXEC, NETLINK_ROUTE) = 5
"""
    attempts = no_network.network_attempts(log)
    assert len(attempts) == 2 and "AF_INET6" in attempts[0] and "443" in attempts[1]


def test_no_network_fails_a_command_that_connects():
    connect = "import socket; socket.socket().connect_ex(('127.0.0.1', 9))"
    code = no_network.run([sys.executable, "-c", connect])
    watched = no_network.shutil.which("strace") is not None
    assert code == (no_network.NETWORK_ATTEMPT_EXIT if watched else no_network.UNWATCHED_EXIT)
    assert no_network.run([sys.executable, "-c", "print('offline')"]) == (0 if watched else no_network.UNWATCHED_EXIT)


# -- icons and desktop integration ----------------------------------------------------------------------------


def _qimage(data: bytes):
    from PySide6.QtGui import QImage

    image = QImage()
    assert image.loadFromData(data)
    return image.convertToFormat(QImage.Format.Format_ARGB32)


def test_png_icons_are_current_renderings_of_the_svg(qapp):
    for size in render_icons.PNG_SIZES:
        committed = _qimage((RESOURCES / "icons" / render_icons.png_name(size)).read_bytes())
        assert (committed.width(), committed.height()) == (size, size)
        assert committed.pixelColor(0, 0).alpha() == 0  # a transparent corner
        assert committed.pixelColor(size // 2, size // 2).alpha() == 255  # an opaque middle
    for size in (32, 128):  # "run packaging/render_icons.py after changing the SVG"
        fresh = _qimage(render_icons.render_png(RESOURCES / "icons" / "folio.svg", size))
        committed = _qimage((RESOURCES / "icons" / render_icons.png_name(size)).read_bytes())
        differing = sum(fresh.pixel(x, y) != committed.pixel(x, y) for x in range(size) for y in range(size))
        assert differing <= size * size // 100, f"folio-{size}.png is not the SVG's rendering"


def test_ico_and_icns_hold_every_size(qapp):
    from PySide6.QtGui import QImageReader

    reader = QImageReader(str(RESOURCES / "icons" / "folio.ico"))
    sizes = set()
    for _ in range(reader.imageCount()):
        sizes.add(reader.read().width())
        reader.jumpToNextImage()
    assert sizes == set(render_icons.ICO_SIZES)

    data = (RESOURCES / "icons" / "folio.icns").read_bytes()
    assert data[:4] == b"icns" and int.from_bytes(data[4:8], "big") == len(data)
    elements, offset = {}, 8
    while offset < len(data):
        kind, length = data[offset : offset + 4], int.from_bytes(data[offset + 4 : offset + 8], "big")
        elements[kind] = _qimage(data[offset + 8 : offset + length]).width()
        offset += length
    assert elements == dict(render_icons.ICNS_TYPES)


def _desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(RESOURCES / f"{APP_ID}.desktop", encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_file_declares_the_app_and_its_file_types():
    entry = _desktop_entry()
    assert entry["Type"] == "Application" and entry["Name"] == "Folio"
    assert entry["Icon"] == APP_ID and entry["Terminal"] == "false"
    assert entry["Exec"] == "folio %F" and entry["TryExec"] == "folio"
    assert set(entry["MimeType"].strip(";").split(";")) == {"text/plain", "text/markdown"}
    assert "TextEditor" in entry["Categories"].split(";")
    if no_network.shutil.which("desktop-file-validate"):
        result = subprocess.run(["desktop-file-validate", str(RESOURCES / f"{APP_ID}.desktop")],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


def test_metainfo_is_valid_appstream_for_this_version():
    root = ET.parse(RESOURCES / f"{APP_ID}.metainfo.xml").getroot()
    assert root.tag == "component" and root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable") == f"{APP_ID}.desktop"
    assert root.findtext("project_license") == "MIT" and root.findtext("metadata_license") == "CC0-1.0"
    assert {m.text for m in root.iter("mediatype")} == {"text/plain", "text/markdown"}
    assert root.findtext("provides/binary") == "folio"
    assert __version__ in [r.get("version") for r in root.iter("release")]
    assert root.find("description/p") is not None and root.findtext("summary")
    if no_network.shutil.which("appstreamcli"):
        result = subprocess.run(["appstreamcli", "validate", "--no-net", str(RESOURCES / f"{APP_ID}.metainfo.xml")],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


def _install(prefix: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(PACKAGING / "install-linux.sh"), "--prefix", str(prefix), *args],
                          capture_output=True, text=True, timeout=60, env=dict(os.environ, HOME=str(prefix)))


def _our_files(prefix: Path) -> list[str]:
    caches = {"mimeinfo.cache", "icon-theme.cache"}  # shared with other apps; refreshed, not ours
    return sorted(str(p.relative_to(prefix)) for p in prefix.rglob("*")
                  if (p.is_file() or p.is_symlink()) and p.name not in caches)


def test_linux_install_and_uninstall_for_one_user(tmp_path: Path):
    program = tmp_path / "program"
    program.write_text('#!/bin/sh\necho "folio ran with: $*"\n')
    program.chmod(0o755)
    prefix = tmp_path / "home" / ".local"

    result = _install(prefix, "--exec", str(program))
    assert result.returncode == 0, result.stderr
    files = _our_files(prefix)
    assert f"share/applications/{APP_ID}.desktop" in files
    assert f"share/metainfo/{APP_ID}.metainfo.xml" in files
    assert f"share/icons/hicolor/scalable/apps/{APP_ID}.svg" in files
    for size in render_icons.PNG_SIZES:
        assert f"share/icons/hicolor/{size}x{size}/apps/{APP_ID}.png" in files
    launcher = prefix / "bin" / "folio"
    ran = subprocess.run([str(launcher), "notes.md", "--version"], capture_output=True, text=True)
    assert ran.stdout.strip() == "folio ran with: notes.md --version"
    desktop = (prefix / "share" / "applications" / f"{APP_ID}.desktop").read_text()
    assert f'Exec="{launcher}" %F' in desktop.splitlines() and f"TryExec={launcher}" in desktop.splitlines()

    assert _install(prefix, "--exec", str(program)).returncode == 0  # a reinstall replaces the first
    assert _our_files(prefix) == files

    result = _install(prefix, "--uninstall")
    assert result.returncode == 0, result.stderr
    assert _our_files(prefix) == []
    assert program.exists()


def test_linux_install_needs_a_program(tmp_path: Path):
    result = _install(tmp_path / "prefix", "--bundle", str(tmp_path / "no-such-bundle"))
    assert result.returncode != 0 and "no bundle at" in result.stderr
    assert not (tmp_path / "prefix" / "bin" / "folio").exists()
