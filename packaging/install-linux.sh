#!/usr/bin/env bash
# Installs Folio for the current user (no root): the program, a `folio` command, the menu entry, the icons and
# the AppStream metainfo, under ~/.local (XDG layout). `--uninstall` removes exactly what was installed.
#
#   install-linux.sh                  from an unpacked build (dist/folio/, which carries this script) or from a
#                                     checkout after packaging/build_exe.sh
#   install-linux.sh --exec PATH      no bundle: the `folio` command runs PATH (a pip-installed folio, say)
#   install-linux.sh --uninstall
#   --prefix DIR                      install under DIR instead of ~/.local (as $PREFIX does)
#
# Files: PREFIX/lib/folio/ (the bundle), PREFIX/bin/folio, PREFIX/share/applications/io.github.folio.Folio.desktop,
# PREFIX/share/icons/hicolor/{16x16..512x512,scalable}/apps/io.github.folio.Folio.{png,svg},
# PREFIX/share/metainfo/io.github.folio.Folio.metainfo.xml; the list of them in PREFIX/share/folio/installed-files.
set -euo pipefail

APP_ID=io.github.folio.Folio
PREFIX=${PREFIX:-$HOME/.local}
HERE=$(cd "$(dirname "$0")" && pwd)
MODE=install
BUNDLE=""
EXEC=""

usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "install-linux.sh: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
    case "$1" in
        --uninstall) MODE=uninstall ;;
        --prefix) PREFIX=${2:?--prefix needs a folder}; shift ;;
        --bundle) BUNDLE=${2:?--bundle needs a folder}; shift ;;
        --exec) EXEC=${2:?--exec needs a program}; shift ;;
        -h|--help) usage; exit 0 ;;
        *) die "unknown argument $1 (see --help)" ;;
    esac
    shift
done

MANIFEST="$PREFIX/share/folio/installed-files"
APPS="$PREFIX/share/applications"
HICOLOR="$PREFIX/share/icons/hicolor"

refresh_caches() {
    # Menus and icon themes notice new files on their own; these only make it immediate where they exist.
    command -v update-desktop-database >/dev/null && update-desktop-database -q "$APPS" 2>/dev/null || true
    # The icon cache is refreshed only where one exists: a new cache would hide icons that later installs add.
    if [ -f "$HICOLOR/icon-theme.cache" ] && command -v gtk-update-icon-cache >/dev/null; then
        gtk-update-icon-cache -q -t "$HICOLOR" 2>/dev/null || true
    fi
}

uninstall() {
    [ -f "$MANIFEST" ] || { echo "Folio is not installed under $PREFIX (no $MANIFEST)"; return 0; }
    while IFS= read -r path; do
        [ -n "$path" ] || continue
        if [ -d "$path" ] && [ ! -L "$path" ]; then rm -rf -- "$path"; else rm -f -- "$path"; fi
    done <"$MANIFEST"
    rm -f -- "$MANIFEST"
    rmdir -- "$PREFIX/share/folio" 2>/dev/null || true
    refresh_caches
    echo "Folio removed from $PREFIX"
}

if [ "$MODE" = uninstall ]; then
    uninstall
    exit 0
fi

# Where the program and the resources come from.
if [ -z "$EXEC" ] && [ -z "$BUNDLE" ]; then
    if [ -x "$HERE/folio" ] && [ -d "$HERE/_internal" ]; then BUNDLE=$HERE          # inside dist/folio/
    elif [ -x "$HERE/../dist/folio/folio" ]; then BUNDLE=$HERE/../dist/folio        # a checkout, after the build
    else die "no bundle found: build one with packaging/build_exe.sh, or pass --bundle DIR or --exec PATH"; fi
fi
if [ -n "$BUNDLE" ]; then
    [ -d "$BUNDLE" ] || die "no bundle at $BUNDLE"
    BUNDLE=$(cd "$BUNDLE" && pwd)
    [ -x "$BUNDLE/folio" ] || die "$BUNDLE/folio is not an executable"
fi
if [ -d "$HERE/../resources/icons" ]; then RESOURCES=$(cd "$HERE/../resources" && pwd)
elif [ -n "$BUNDLE" ] && [ -d "$BUNDLE/_internal/desktop/resources/icons" ]; then
    RESOURCES=$BUNDLE/_internal/desktop/resources
else die "Folio's resources (icons, desktop file) not found"; fi

[ -f "$MANIFEST" ] && uninstall >/dev/null  # a reinstall replaces the previous one
mkdir -p "$PREFIX/bin" "$APPS" "$PREFIX/share/metainfo" "$PREFIX/share/folio"
: >"$MANIFEST"
record() { echo "$1" >>"$MANIFEST"; }

LAUNCHER="$PREFIX/bin/folio"
if [ -n "$BUNDLE" ]; then
    mkdir -p "$PREFIX/lib"
    rm -rf -- "$PREFIX/lib/folio"
    cp -a "$BUNDLE" "$PREFIX/lib/folio"
    record "$PREFIX/lib/folio"
    ln -sfn "$PREFIX/lib/folio/folio" "$LAUNCHER"
else
    printf '#!/bin/sh\nexec %q "$@"\n' "$EXEC" >"$LAUNCHER"
    chmod 755 "$LAUNCHER"
fi
record "$LAUNCHER"

# The menu entry runs the launcher by its full path: ~/.local/bin is not on every desktop session's PATH.
sed -e "s|^Exec=folio |Exec=\"$LAUNCHER\" |" -e "s|^TryExec=folio$|TryExec=$LAUNCHER|" \
    "$RESOURCES/$APP_ID.desktop" >"$APPS/$APP_ID.desktop"
record "$APPS/$APP_ID.desktop"

for png in "$RESOURCES"/icons/folio-*.png; do
    size=$(basename "$png" .png); size=${size#folio-}
    mkdir -p "$HICOLOR/${size}x${size}/apps"
    cp "$png" "$HICOLOR/${size}x${size}/apps/$APP_ID.png"
    record "$HICOLOR/${size}x${size}/apps/$APP_ID.png"
done
mkdir -p "$HICOLOR/scalable/apps"
cp "$RESOURCES/icons/folio.svg" "$HICOLOR/scalable/apps/$APP_ID.svg"
record "$HICOLOR/scalable/apps/$APP_ID.svg"

cp "$RESOURCES/$APP_ID.metainfo.xml" "$PREFIX/share/metainfo/$APP_ID.metainfo.xml"
record "$PREFIX/share/metainfo/$APP_ID.metainfo.xml"

refresh_caches
echo "Folio installed under $PREFIX: run 'folio' (in $PREFIX/bin) or find Folio in the application menu."
echo "Remove it with: $0 --uninstall${PREFIX:+ --prefix $PREFIX}"
