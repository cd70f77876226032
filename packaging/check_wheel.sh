#!/usr/bin/env bash
# Builds Folio's wheel and runs the installed app the way a user gets it:
#   1. `pip wheel --no-deps` from a clean copy of the source (the files git tracks or would track, so stale
#      build/ folders and ignored files never reach the wheel);
#   2. packaging/check_wheel_contents.py: the app, icons, desktop files and every shipped model file; no model/,
#      export/, tests/;
#   3. a fresh virtual environment outside the repository; `pip install` the wheel (PySide6, onnxruntime and
#      numpy come from the package index: never torch);
#   4. from a folder outside the repository: `folio --version`, then `folio --self-test` offscreen with Python's
#      network calls blocked (packaging/offline/sitecustomize.py) and every socket system call watched
#      (packaging/no_network.py); the report must come from the installed package's own models.
#
# Usage: packaging/check_wheel.sh        Environment: PYTHON (default python3)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PYTHON=${PYTHON:-python3}
export PIP_DISABLE_PIP_VERSION_CHECK=1
WORK=$(mktemp -d "${TMPDIR:-/tmp}/folio-wheel.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
step() { printf '\n== %s (%ss so far)\n' "$1" "$SECONDS"; }

step "clean copy of the source"
mkdir "$WORK/src"
# (virtual environments left in the checkout, such as CI's .venv-ci, are not source even when not ignored)
git ls-files -z --cached --others --exclude-standard | grep -z -v -E '^(\.?venv[^/]*|build|dist)/' \
    | tar --null --ignore-failed-read -T - -cf - 2>/dev/null | tar -xf - -C "$WORK/src"

step "pip wheel --no-deps"
"$PYTHON" -m pip wheel -q --no-deps -w "$WORK/wheel" "$WORK/src"
WHEEL=$(ls "$WORK"/wheel/*.whl)
"$PYTHON" packaging/check_wheel_contents.py "$WHEEL" --source "$WORK/src"

step "fresh virtual environment outside the repository"
"$PYTHON" -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install -q "$WHEEL"
cd "$WORK"  # nothing of the repository is importable from here

step "folio --version"
version=$("$WORK/venv/bin/folio" --version)
echo "$version"
expected=$("$PYTHON" -c "import ast,sys; t=open(sys.argv[1]).read(); print(next(ast.literal_eval(n.value) for n in ast.parse(t).body if isinstance(n, ast.Assign) and n.targets[0].id == '__version__'))" "$ROOT/desktop/__init__.py")
[ "$version" = "folio $expected" ] || { echo "expected 'folio $expected'" >&2; exit 1; }

step "folio --self-test (offscreen, network blocked and watched)"
set +e
QT_QPA_PLATFORM=offscreen PYTHONPATH="$ROOT/packaging/offline" FOLIO_NETWORK_LOG="$WORK/network.log" \
    "$PYTHON" "$ROOT/packaging/no_network.py" -- "$WORK/venv/bin/folio" --self-test >"$WORK/report.json"
code=$?
set -e
cat "$WORK/report.json"
if [ -s "$WORK/network.log" ]; then
    cat "$WORK/network.log" >&2
    echo "the installed app tried to use the network" >&2
    exit 1
fi
[ "$code" = 0 ] || { echo "folio --self-test failed (exit code $code)" >&2; exit 1; }
"$WORK/venv/bin/python" - "$WORK/report.json" "$WORK/venv" <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
assert report["ok"], report.get("errors")
assert report["models_dir"].startswith(sys.argv[2]), f"models not from the installed wheel: {report['models_dir']}"
assert not report["frozen"]
ran = [name for name, feature in report["features"].items() if feature.get("available")]
print(f"installed self-test ok: {', '.join(ran)} ran from {report['models_dir']} in {report['seconds']} s")
EOF
step "wheel checked: $(basename "$WHEEL") ($(du -h "$WHEEL" | cut -f1))"
"$PYTHON" "$ROOT/packaging/sizes.py" --wheel "$WHEEL" --update "$ROOT/docs/packaging.md"
