#!/usr/bin/env bash
# Wraps the one-folder bundle (dist/folio/, from packaging/build_exe.sh) into a Debian package:
#
#   /opt/folio/                                   the bundle (folio, _internal/)
#   /usr/bin/folio                                a launcher (exec /opt/folio/folio "$@")
#   /usr/share/applications/io.github.folio.Folio.desktop          menu entry; MimeType text/plain, text/markdown
#   /usr/share/icons/hicolor/{16x16..512x512,scalable}/apps/io.github.folio.Folio.{png,svg}
#   /usr/share/metainfo/io.github.folio.Folio.metainfo.xml         AppStream
#   /usr/share/doc/folio/copyright
#
# No maintainer scripts: dpkg's file triggers (desktop-file-utils, hicolor-icon-theme, shared-mime-info,
# AppStream) refresh the menu, icon and MIME caches, and `apt-get remove` leaves nothing behind.
# Depends: the desktop libraries the bundle expects from the system (packaging/bundle_filter.py,
# DROP_SYSTEM_LIBRARIES, and the xcb-util libraries PyInstaller did not find), with the t64 names of newer
# releases as alternatives.
#
# Usage: packaging/build_deb.sh [BUNDLE (default dist/folio)] [OUT_DIR (default dist)]
# Prints the package's path and size; packaging/check_deb.sh installs, self-tests and removes it.
set -euo pipefail
cd "$(dirname "$0")/.."

BUNDLE=${1:-dist/folio}
OUT_DIR=${2:-dist}
APP_ID=io.github.folio.Folio
[ -x "$BUNDLE/folio" ] && [ -d "$BUNDLE/_internal" ] || { echo "no bundle at $BUNDLE (run packaging/build_exe.sh)" >&2; exit 1; }
command -v dpkg-deb >/dev/null || { echo "dpkg-deb is needed" >&2; exit 1; }

VERSION=$(python3 -c 'import re; print(re.search(r"__version__ = \"(.+?)\"", open("desktop/__init__.py").read()).group(1))')
ARCH=$(dpkg --print-architecture)
STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
ROOT="$STAGE/folio_${VERSION}_${ARCH}"

mkdir -p "$ROOT/opt/folio" "$ROOT/usr/bin" "$ROOT/usr/share/applications" "$ROOT/usr/share/metainfo" \
    "$ROOT/usr/share/doc/folio" "$ROOT/DEBIAN"
cp -a "$BUNDLE/folio" "$BUNDLE/_internal" "$ROOT/opt/folio/"   # not install-linux.sh: that one is per user

cat >"$ROOT/usr/bin/folio" <<'EOF'
#!/bin/sh
# Folio, installed by the folio .deb under /opt/folio.
exec /opt/folio/folio "$@"
EOF
chmod 755 "$ROOT/usr/bin/folio"

install -m 644 "resources/$APP_ID.desktop" "$ROOT/usr/share/applications/$APP_ID.desktop"
install -m 644 "resources/$APP_ID.metainfo.xml" "$ROOT/usr/share/metainfo/$APP_ID.metainfo.xml"
for png in resources/icons/folio-*.png; do
    size=${png##*/folio-}
    size=${size%.png}
    install -D -m 644 "$png" "$ROOT/usr/share/icons/hicolor/${size}x${size}/apps/$APP_ID.png"
done
install -D -m 644 resources/icons/folio.svg "$ROOT/usr/share/icons/hicolor/scalable/apps/$APP_ID.svg"
cat >"$ROOT/usr/share/doc/folio/copyright" <<EOF
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: Folio
Comment: Folio and its bundled model packages; each model's licence and data attribution is in its
 model card, /opt/folio/_internal/desktop/resources/models/*/README.md. The bundled Python, Qt (LGPL-3.0),
 PySide6, ONNX Runtime (MIT), NumPy (BSD-3-Clause) and tokenizers (Apache-2.0) keep their own licences,
 in /opt/folio/_internal.
EOF

# Permissions as Debian expects: directories 755, files 644 or 755 (executables), nothing group/world-writable.
find "$ROOT" -type d -exec chmod 755 {} +
find "$ROOT" -type f -exec chmod go-w {} +

INSTALLED_KIB=$(du -sk --exclude=DEBIAN "$ROOT" | cut -f1)
cat >"$ROOT/DEBIAN/control" <<EOF
Package: folio
Version: $VERSION
Architecture: $ARCH
Maintainer: Folio developers <folio@users.noreply.github.com>
Installed-Size: $INSTALLED_KIB
Section: editors
Priority: optional
Depends: libc6 (>= 2.28), libegl1, libgl1, libxkbcommon0, libxkbcommon-x11-0, libfontconfig1, libfreetype6,
 libglib2.0-0t64 | libglib2.0-0, libdbus-1-3, libx11-6, libx11-xcb1, libxcb1, libxcb-cursor0, libxcb-icccm4,
 libxcb-keysyms1, libxcb-image0, libxcb-render-util0, libxcb-shape0, libxcb-xkb1, libxcb-randr0,
 libxcb-xfixes0, libxcb-sync1, libxcb-render0, libxcb-shm0
Recommends: libgtk-3-0t64 | libgtk-3-0, xdg-desktop-portal
Homepage: https://github.com/folio/folio
Description: offline writing assistant with small local language models
 Folio is a plain-text and Markdown editor with three kinds of local text
 generation, each from a small recurrent network run with ONNX Runtime on the
 CPU: next-word completion while typing, continuation in Shakespeare's style,
 and English to French sentence translation. It never uses the network.
EOF
(cd "$ROOT" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | xargs -0 md5sum >DEBIAN/md5sums)

mkdir -p "$OUT_DIR"
DEB="$OUT_DIR/folio_${VERSION}_${ARCH}.deb"
dpkg-deb --root-owner-group -Zxz --build "$ROOT" "$DEB" >/dev/null
size=$(stat -c %s "$DEB")
awk -v deb="$DEB" -v size="$size" -v kib="$INSTALLED_KIB" \
    'BEGIN { printf "%s: %.1f MiB (installed %.1f MiB)\n", deb, size / 1048576, kib / 1024 }'
