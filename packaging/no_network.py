"""Runs a command with no network and fails if it (or any process it starts) tries to use one.

    python3 packaging/no_network.py -- dist/folio/folio --self-test

The command runs under ``strace -f``, which records every ``socket``/``connect``/``sendto``/``sendmsg``/``bind``
system call, so native code (ONNX Runtime, Qt) is watched as well as Python; any call on an internet socket
(AF_INET, AF_INET6) is a network attempt. Where the kernel allows it (root, or user namespaces), the command also
runs in a new, empty network namespace (``unshare --net``), so an attempt cannot reach anything either.

Exit code: the command's own, or 3 when a network attempt was seen (they are printed to stderr). Without strace
the attempts cannot be seen: that is exit code 4, unless ``--allow-unwatched`` is given.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

TRACED_CALLS = "socket,connect,sendto,sendmsg,bind"
INTERNET = re.compile(r"\bAF_INET6?\b")
NETWORK_ATTEMPT_EXIT = 3
UNWATCHED_EXIT = 4


def network_attempts(strace_log: str) -> list[str]:
    """The lines of an ``strace -f -e trace=socket,connect,...`` log that touch an internet socket."""
    return [line.strip() for line in strace_log.splitlines() if INTERNET.search(line)]


def can_unshare_network() -> bool:
    """Whether ``unshare --net`` works here (it needs root or unprivileged user namespaces)."""
    if shutil.which("unshare") is None:
        return False
    return subprocess.run(["unshare", "--net", "true"], capture_output=True).returncode == 0


def run(command: list[str], allow_unwatched: bool = False) -> int:
    """Runs ``command`` as described in the module docstring; returns the exit code to use."""
    prefix = ["unshare", "--net"] if can_unshare_network() else []
    isolation = "in an empty network namespace" if prefix else "with the machine's network (unshare not permitted)"
    if shutil.which("strace") is None:
        print(f"no_network: strace not found: network use cannot be watched ({isolation})", file=sys.stderr)
        code = subprocess.run(prefix + command).returncode
        return code if allow_unwatched or code != 0 else UNWATCHED_EXIT
    with tempfile.TemporaryDirectory(prefix="folio-strace-") as tmp:
        log = Path(tmp) / "strace.log"
        traced = ["strace", "-f", "-qq", "-e", f"trace={TRACED_CALLS}", "-e", "signal=none", "-o", str(log)]
        code = subprocess.run(prefix + traced + command).returncode
        attempts = network_attempts(log.read_text(errors="replace")) if log.exists() else []
    print(f"no_network: ran {isolation}, watched by strace: {len(attempts)} network attempt(s)", file=sys.stderr)
    for line in attempts:
        print(f"no_network: network attempt: {line}", file=sys.stderr)
    return NETWORK_ATTEMPT_EXIT if attempts else code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run a command with the network cut off and watched.")
    parser.add_argument("--allow-unwatched", action="store_true", help="run without strace if it is missing")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND [ARG...]")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given")
    return run(command, args.allow_unwatched)


if __name__ == "__main__":
    sys.exit(main())
