#!/usr/bin/env bash
# Checks the .deb from packaging/build_deb.sh as a user's machine would see it (needs root: CI runs it):
#   1. a clean state: any installed folio package is purged first;
#   2. `apt-get install ./folio_*.deb` (apt resolves the Depends);
#   3. the files are where they belong: /usr/bin/folio on PATH, the .desktop entry (desktop-file-validate when
#      present), the icons, the AppStream metainfo (appstreamcli when present), MIME types text/plain and
#      text/markdown;
#   4. `folio --self-test` offscreen with the network cut off and watched (packaging/no_network.py), from an
#      empty HOME; the report must be ok and come from /opt/folio;
#   5. the installed editor starts offscreen on a new file and is still running after 8 s;
#   6. `apt-get remove --purge folio`: nothing left under /opt/folio, /usr/bin/folio, the desktop entry, icons,
#      metainfo or /usr/share/doc/folio, and dpkg no longer knows the package.
#
# Usage: packaging/check_deb.sh [dist/folio_VERSION_ARCH.deb]
set -euo pipefail
cd "$(dirname "$0")/.."

DEB=${1:-$(ls dist/folio_*.deb | head -n1)}
APP_ID=io.github.folio.Folio
[ -f "$DEB" ] || { echo "no .deb at $DEB (run packaging/build_deb.sh)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "check_deb.sh installs a package: run it as root (CI does)" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
step() { printf '\n== %s\n' "$1"; }
fail() { echo "check_deb.sh: $*" >&2; exit 1; }
PATHS=(/opt/folio /usr/bin/folio "/usr/share/applications/$APP_ID.desktop" "/usr/share/metainfo/$APP_ID.metainfo.xml"
       "/usr/share/icons/hicolor/scalable/apps/$APP_ID.svg" "/usr/share/icons/hicolor/256x256/apps/$APP_ID.png"
       /usr/share/doc/folio)

step "clean state"
if dpkg -s folio >/dev/null 2>&1; then apt-get remove -y -qq --purge folio; fi
for path in "${PATHS[@]}"; do [ ! -e "$path" ] || fail "$path exists before the install"; done

step "apt-get install ./$DEB ($(du -h "$DEB" | cut -f1))"
apt-get install -y -qq "./$DEB" >/dev/null || { apt-get update -qq && apt-get install -y -qq "./$DEB"; }
dpkg -s folio | grep -E '^(Status|Version|Installed-Size):'

step "installed files"
for path in "${PATHS[@]}"; do [ -e "$path" ] || fail "$path is missing after the install"; done
# /usr/bin/folio is what a shell finds (CI's virtual environment has its own folio earlier on PATH: use the path)
[ -x /usr/bin/folio ] && PATH=/usr/bin:/bin command -v folio >/dev/null || fail "/usr/bin/folio is not a program on PATH"
grep -q '^MimeType=text/plain;text/markdown;' "/usr/share/applications/$APP_ID.desktop" || fail "MIME types missing"
grep -q '^Exec=folio %F' "/usr/share/applications/$APP_ID.desktop" || fail "the desktop entry does not run folio"
if command -v desktop-file-validate >/dev/null; then desktop-file-validate "/usr/share/applications/$APP_ID.desktop"; fi
if command -v appstreamcli >/dev/null; then
    appstreamcli validate --no-net --pedantic "/usr/share/metainfo/$APP_ID.metainfo.xml" \
        || appstreamcli validate --no-net "/usr/share/metainfo/$APP_ID.metainfo.xml"
fi
/usr/bin/folio --version

step "folio --self-test (offscreen, no network, empty HOME)"
home=$(mktemp -d)
report="$home/report.json"
HOME="$home" FOLIO_HOME="$home/folio" QT_QPA_PLATFORM=offscreen \
    python3 packaging/no_network.py -- /usr/bin/folio --self-test >"$report"
python3 - "$report" <<'EOF'
import json, sys
text = open(sys.argv[1]).read()
report = json.loads(text[text.index("{"):])
assert report["ok"] is True, report.get("errors")
assert report["frozen"] is True and report["models_dir"].startswith("/opt/folio/"), report["models_dir"]
print("self-test ok:", {name: f.get("provider", f.get("skipped")) for name, f in report["features"].items()})
EOF

step "the installed editor starts (offscreen)"
set +e
HOME="$home" FOLIO_HOME="$home/folio" QT_QPA_PLATFORM=offscreen timeout 8 /usr/bin/folio "$home/new.md" 2>"$home/stderr"
code=$?
set -e
if [ "$code" != 124 ] || grep -q -E "Traceback|Could not load|Cannot load library" "$home/stderr"; then
    cat "$home/stderr" >&2
    fail "the installed editor did not keep running (exit code $code)"
fi
echo "the editor was still running after 8 s"
rm -rf "$home"

step "apt-get remove --purge folio"
apt-get remove -y -qq --purge folio >/dev/null
if dpkg -s folio >/dev/null 2>&1; then fail "dpkg still knows folio after the purge"; fi
left=()
for path in "${PATHS[@]}"; do [ ! -e "$path" ] || left+=("$path"); done
while IFS= read -r path; do left+=("$path"); done < <(find /usr/share/icons/hicolor -name "$APP_ID.*" 2>/dev/null)
[ ${#left[@]} = 0 ] || fail "left behind after the purge: ${left[*]}"
echo "nothing left behind"
