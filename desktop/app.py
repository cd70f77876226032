"""Folio's entry point: ``folio [FILE...]``, ``folio --self-test``, ``folio --version``."""

from __future__ import annotations

import argparse
import sys

from desktop import __version__


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="folio", description="Folio, an offline writing assistant.")
    parser.add_argument("files", nargs="*", help="text or Markdown files to open")
    parser.add_argument("--version", action="version", version=f"folio {__version__}")
    parser.add_argument("--self-test", action="store_true", help="load the models, generate text, print a JSON report")
    parser.add_argument("--provider", default="auto", help="execution provider: auto, cpu, cuda, ... (default auto)")
    parser.add_argument("--allow-fallback", action="store_true",
                        help="with --self-test: pass even when the --provider asked for could not be had")
    parser.add_argument("--models", default=None, help="folder of model packages (default: the shipped ones)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Runs the self-test or the editor; returns the process exit code."""
    args = parse_args(argv)
    if args.self_test:
        from desktop.selftest import main as self_test

        return self_test(args.provider, args.models, args.allow_fallback)
    # onnxruntime is imported before Qt: on Windows the other order can load a clashing DLL.
    import onnxruntime  # noqa: F401

    from desktop.ui.startup import run_app

    return run_app(args.files, provider=args.provider, models=args.models)


if __name__ == "__main__":
    sys.exit(main())
