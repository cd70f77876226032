"""What a Folio PyInstaller bundle keeps of PySide6, onnxruntime and the libraries they pull in.

PyInstaller's PySide6 hooks collect every Qt plugin of each category a module might use, and the libraries
those plugins link; a text editor needs few of them. :func:`keep` decides per destination path in the
bundle (``PySide6/Qt/plugins/platforms/libqxcb.so``, ``PySide6/Qt6Core.dll``, ...), the same way on Linux,
Windows and macOS. The spec (packaging/folio.spec) applies it to ``Analysis.binaries`` and ``Analysis.datas``;
packaging/check_bundle.py then checks on Linux that every kept library still finds the libraries it links.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import PurePosixPath

# Plugin category -> plugin names kept (file name without "lib" and extension); None keeps the whole category.
KEEP_PLUGINS: dict[str, frozenset[str] | None] = {
    # offscreen (tests, --self-test), X11, Wayland, Windows, macOS
    "platforms": frozenset({"qoffscreen", "qxcb", "qwayland", "qwindows", "qcocoa"}),
    # native file dialogs and colours on GNOME (uses the desktop's own GTK) and through the XDG portal
    "platformthemes": frozenset({"qgtk3", "qxdgdesktopportal"}),
    # dead keys / compose sequences and input methods (IBus): typing accents must work in an editor
    "platforminputcontexts": frozenset({"composeplatforminputcontextplugin", "ibusplatforminputcontextplugin"}),
    # PNG is built into QtGui; SVG for the icon, ICO/ICNS for the window icons on Windows and macOS
    "imageformats": frozenset({"qsvg", "qico", "qicns"}),
    "iconengines": frozenset({"qsvgicon"}),
    "styles": None,  # the native look on Windows (qmodernwindowsstyle) and macOS (qmacstyle)
    "xcbglintegrations": None,  # small; lets Qt's xcb plugin start on any X server
    "wayland-shell-integration": frozenset({"xdg-shell"}),
    "wayland-decoration-client": frozenset({"adwaita", "bradient"}),
}

# Qt libraries dropped, by module name (the part after "Qt6" / "Qt"); a name matches when it starts with one.
# Kept: Core, Gui, Widgets, Svg, DBus (QtGui links it on Linux), XcbQpa, WaylandClient.
DROP_QT_MODULES = (
    "3D", "Bluetooth", "Bodymovin", "Charts", "Concurrent", "DataVisualization", "Designer", "EglFS", "EglFs",
    "Graphs", "Help", "HttpServer", "Labs", "Location", "Lottie", "Multimedia", "Network", "Nfc", "OpenGL",
    "Pdf", "Positioning", "PrintSupport", "Qml", "Quick", "RemoteObjects", "Scxml", "Sensors", "Serial",
    "Shader", "SpatialAudio", "Sql", "StateMachine", "SvgWidgets", "Test", "TextToSpeech", "UiTools",
    "VirtualKeyboard", "WaylandCompositor", "WaylandEgl", "WebChannel", "WebEngine", "WebSockets", "WebView",
    "WlShellIntegration", "Xml",
)

# Folders of PySide6 the app never reads: translations (Folio is English only), QML modules, helper programs.
DROP_PYSIDE_FOLDERS = ("translations", "qml", "libexec", "resources", "metatypes", "typesystems", "include",
                       "doc", "glue", "support", "scripts", "examples")

# Libraries that must come from the user's Linux system, never the bundle, when PyInstaller copies them from the
# build machine (at the bundle's top level):
# - the GTK stack behind the qgtk3 theme plugin (that plugin loads only where the desktop has GTK);
# - the desktop's base libraries, which every X11 or Wayland session that runs Qt has, with sonames that have
#   not changed in a decade (X11, fontconfig, freetype, GLib, D-Bus and what they link), as AppImage's
#   "excludelist" leaves them out too: about 10 MiB. Kept: libstdc++ and libgcc_s (newer than old systems'),
#   libffi (its soname differs between distributions), libzstd, libbz2, liblzma, libxkbcommon and the xcb-util
#   libraries (xcb-cursor is missing on many systems).
DROP_SYSTEM_LIBRARIES = re.compile(
    r"^lib(gtk|gdk|gdk_pixbuf|pango|pangocairo|pangoft2|cairo|cairo-gobject|atk|atk-bridge|atspi|harfbuzz|epoxy|"
    r"fribidi|thai|datrie|graphite2|pixman|gio|gobject|gmodule|"
    r"X11|X11-xcb|xcb|Xau|Xdmcp|Xext|Xrender|fontconfig|freetype|expat|z|png16|brotlicommon|brotlidec|"
    r"glib|gthread|pcre2-8|mount|blkid|selinux|dbus-1|systemd|gcrypt|gpg-error|lz4|cap|bsd|md|uuid|jpeg)"
    r"(?:-[\d.]+)?\.so[.\d]*$"
)

# onnxruntime's C API library: the Python module (onnxruntime_pybind11_state) carries its own copy of the
# runtime on Linux and never loads it (checked by the frozen --self-test). In a GPU build (onnxruntime-gpu)
# also the TensorRT provider (it needs TensorRT, which the bundle does not carry); the CUDA provider and the
# shared provider bridge stay.
DROP_ONNXRUNTIME_C_LIBRARY = re.compile(
    r"^onnxruntime/capi/(libonnxruntime\.so[.\d]*|(lib)?onnxruntime_providers_tensorrt\.(so|dll))$")

_QT_LIBRARY = re.compile(r"(?:^|/)(?:lib)?Qt6([A-Za-z0-9]+?)(?:\.so[.\d]*|\.dll|\.[\d.]*dylib)$")
_QT_FRAMEWORK = re.compile(r"(?:^|/)Qt([A-Za-z0-9]+)\.framework(?:/|$)")
_PLUGIN_SUFFIX = re.compile(r"(\.so|\.dll|\.dylib)$")


def plugin_name(file_name: str) -> str:
    """``libqxcb.so`` -> ``qxcb``, ``qwindows.dll`` -> ``qwindows``, ``libqcocoa.dylib`` -> ``qcocoa``."""
    stem = _PLUGIN_SUFFIX.sub("", file_name)
    return stem[3:] if stem.startswith("lib") else stem


def qt_module(path: str) -> str | None:
    """The Qt module a library path belongs to (``Qml`` for ``libQt6Qml.so.6``), or None for other files."""
    match = _QT_LIBRARY.search(path) or _QT_FRAMEWORK.search(path)
    return match.group(1) if match else None


def keep(dest: str) -> bool:
    """Whether the file at ``dest`` (its path inside the bundle) stays in the bundle."""
    path = PurePosixPath(dest.replace("\\", "/"))
    parts = path.parts
    if parts and parts[0] == "PySide6":
        inner = parts[2:] if len(parts) > 2 and parts[1] == "Qt" else parts[1:]
        if len(inner) >= 3 and inner[0] == "plugins":
            kept = KEEP_PLUGINS.get(inner[1], frozenset())
            return kept is None or plugin_name(inner[-1]) in kept
        if len(inner) > 1 and inner[0] in DROP_PYSIDE_FOLDERS:
            return False
        if path.name.startswith(("libpyside6qml", "pyside6qml")):
            return False
    module = qt_module(str(path))
    if module is not None and module.startswith(DROP_QT_MODULES):
        return False
    if DROP_SYSTEM_LIBRARIES.match(path.name) and len(parts) == 1:
        return False
    return not DROP_ONNXRUNTIME_C_LIBRARY.match(str(path))


def prune(toc: list) -> list:
    """The entries of a PyInstaller TOC (``(dest, src, typecode)`` tuples) that :func:`keep` keeps."""
    return [entry for entry in toc if keep(entry[0])]


def is_dependency_only(dest: str) -> bool:
    """Whether a bundle entry is a shared library PyInstaller copied only because another binary links it:
    the libraries at the bundle's top level (``libxcb-cursor.so.0``), libpython excepted."""
    name = dest.replace("\\", "/")
    return "/" not in name and name.startswith("lib") and not name.startswith("libpython")


def drop_unreferenced(toc: list, imports: Callable[[str], Iterable[str]]) -> list:
    """``toc`` without the dependency-only libraries that no other kept binary loads any more.

    PyInstaller collects a plugin's libraries before :func:`prune` drops the plugin (the JPEG plugin's
    libjpeg, the TLS plugin's Kerberos libraries, ...). ``imports(source_path)`` names every library a binary
    loads, its dependencies' included (PyInstaller's ``bindepend.get_imports`` on Linux, which uses ldd).
    """
    needed: set[str] = set()
    for dest, source, typecode in toc:
        if typecode in {"BINARY", "EXTENSION"} and not is_dependency_only(dest):
            needed.update(imports(source))
    return [entry for entry in toc
            if entry[2] not in {"BINARY", "EXTENSION"} or not is_dependency_only(entry[0]) or entry[0] in needed]
