"""Command line: python -m segmentation {inspect,cluster} … (see --help)."""

from __future__ import annotations

import argparse
import sys

from segmentation.cli_inspect import add_inspect_parser, run_inspect


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m segmentation", description="Amanah data tools.")
    subparsers = parser.add_subparsers(dest="command", required=True)
    add_inspect_parser(subparsers)
    runners = {"inspect": run_inspect}
    try:
        from segmentation.cli_cluster import add_cluster_parser, run_cluster
    except ImportError:  # pragma: no cover - clustering is optional while it is being built
        pass
    else:
        add_cluster_parser(subparsers)
        runners["cluster"] = run_cluster
    args = parser.parse_args(argv)
    return runners[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
