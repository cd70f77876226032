#!/usr/bin/env bash
# Builds Folio's one-folder executable (dist/folio/) with PyInstaller, then checks it:
#   1. a build virtual environment with only the app's runtime dependencies (from pyproject.toml) and
#      PyInstaller: torch and onnx are not even installed there;
#   2. pyinstaller packaging/folio.spec;
#   3. packaging/check_bundle.py: size (limit 200 MiB), no torch/onnx/model/export/tests, Qt libraries complete;
#   4. the frozen `folio --self-test` offscreen, with the network cut off and watched (packaging/no_network.py);
#   5. the frozen editor starts offscreen and is still running after a few seconds.
#
# Usage: packaging/build_exe.sh [--no-test]
# Environment: PYTHON (default python3), FOLIO_BUILD_VENV (default build/venv-exe, reused when present),
# FOLIO_ONNXRUNTIME=onnxruntime-gpu for the GPU variant (onnxruntime-gpu in place of onnxruntime, built into
# dist-gpu/folio from build/venv-exe-gpu, size limit FOLIO_BUNDLE_MAX_MIB, default 600 MiB for it; the CUDA 13
# and cuDNN 9 libraries are the user's: docs/packaging.md).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
ORT=${FOLIO_ONNXRUNTIME:-onnxruntime}
if [ "$ORT" = onnxruntime ]; then
    VENV=${FOLIO_BUILD_VENV:-build/venv-exe}
    DIST=dist
else
    VENV=${FOLIO_BUILD_VENV:-build/venv-exe-gpu}
    DIST=dist-gpu
    export FOLIO_BUNDLE_MAX_MIB=${FOLIO_BUNDLE_MAX_MIB:-600}
fi
TEST=1
[ "${1:-}" = "--no-test" ] && TEST=0
export PIP_DISABLE_PIP_VERSION_CHECK=1
step() { printf '\n== %s (%ss so far)\n' "$1" "$SECONDS"; }

step "build environment: $VENV"
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
mkdir -p build
"$VENV/bin/python" -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]))' \
    >build/requirements-exe.txt
if [ "$ORT" != onnxruntime ]; then
    # Both wheels provide the onnxruntime module: the GPU one replaces the requirement, never joins it (installing
    # onnxruntime over onnxruntime-gpu, or removing it after, leaves a module with files missing).
    sed -i -E "s/^onnxruntime([^-_.a-zA-Z0-9]|$)/$ORT\1/" build/requirements-exe.txt
    "$VENV/bin/pip" uninstall -q -y onnxruntime 2>/dev/null || true
fi
"$VENV/bin/pip" install -q "pyinstaller>=6.10,<7" -r build/requirements-exe.txt
if [ "$ORT" != onnxruntime ] && ! "$VENV/bin/python" -c "import onnxruntime as o; o.get_available_providers()" 2>/dev/null; then
    "$VENV/bin/pip" install -q --force-reinstall --no-deps "$ORT"   # repairs an earlier side-by-side install
fi

step "pyinstaller packaging/folio.spec"
"$VENV/bin/pyinstaller" --noconfirm --clean --log-level WARN \
    --distpath "$DIST" --workpath "build/pyinstaller-$ORT" packaging/folio.spec
BUNDLE=$DIST/folio
# On Linux the bundle carries its own installer (menu entry, icons); macOS gets dist/Folio.app beside it.
if [ "$(uname -s)" = Linux ]; then
    cp packaging/install-linux.sh "$BUNDLE/"
fi

step "check the bundle"
"$VENV/bin/python" packaging/check_bundle.py "$BUNDLE"

if [ "$TEST" = 1 ]; then
    step "frozen self-test (offscreen, no network)"
    QT_QPA_PLATFORM=offscreen python3 packaging/no_network.py -- "$BUNDLE/folio" --self-test

    step "frozen editor starts (offscreen)"
    smoke=$(mktemp -d)
    set +e
    HOME="$smoke" FOLIO_HOME="$smoke/folio" QT_QPA_PLATFORM=offscreen timeout 8 "$BUNDLE/folio" "$smoke/new.txt" 2>"$smoke/stderr"
    code=$?
    set -e
    if [ "$code" != 124 ] || grep -q -E "Traceback|Could not load|Cannot load library" "$smoke/stderr"; then
        cat "$smoke/stderr" >&2
        echo "the frozen editor did not keep running (exit code $code)" >&2
        exit 1
    fi
    rm -rf "$smoke"
    echo "the editor was still running after 8 s"
fi
if [ "$ORT" = onnxruntime ]; then  # the docs' table is the CPU bundle's (the GPU one's size is in the GPU section)
    python3 packaging/sizes.py --bundle "$BUNDLE" --update docs/packaging.md
fi
step "done: $BUNDLE ($(du -sh "$BUNDLE" | cut -f1))"
