"""Render the error catalogue and the endpoint registry as the Markdown pages in docs/ (a test keeps them current).

python -m fitbit_local.reference [DIRECTORY]          write the pages (default directory: docs)
python -m fitbit_local.reference --check [DIRECTORY]  compare only: exit 1 with a diff summary if any page differs
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

from fitbit_local.errors.catalogue import CATALOGUE, Envelope

DIFF_LINES = 20  # lines of unified diff shown per stale page


def errors_markdown() -> str:
    lines = [
        "# Error catalogue",
        "",
        "Every error fitbit-local sends, one row each: the seed's status-code table plus the 2026 Google-style",
        "intraday denial. Generated from `src/fitbit_local/errors/catalogue.py` by",
        "`python -m fitbit_local.reference docs/`; any row can be injected with `fitbit-local faults add --error KEY`",
        "(consent-page rows are shown on the authorization form instead).",
        "",
        "| Key | Status | errorType | Message | Envelope | What to do (Fitbit's recommendation) |",
        "|---|---|---|---|---|---|",
    ]
    for row in CATALOGUE.values():
        message = row.message.replace("|", "\\|")
        advice = row.recommendation.replace("|", "\\|") or "—"
        envelope = {Envelope.CONSENT_PAGE: "consent page"}.get(row.envelope, row.envelope.value)
        lines.append(
            f"| `{row.key}` | {row.status} | {row.error_type or '—'} | {message} | {envelope} | {advice} |"
        )
    return "\n".join(lines) + "\n"


def endpoints_markdown() -> str:
    from fitbit_local.api.families import endpoint_rows

    lines = [
        "# Endpoints",
        "",
        "Generated from the endpoint registry (`python -m fitbit_local.reference docs/`); the same rows are served",
        "as OpenAPI at `/openapi.json`. `{user-id}` is `-` or the caller's own encoded id; dates are `yyyy-MM-dd`",
        "(unpadded accepted) or `today`. Intraday rows need a Personal app (owner's data) or an intraday grant.",
        "",
        "| Name | Method | Path | Versions | Scope | Periods / detail levels | Max range | Intraday | Write |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in endpoint_rows():
        limits = ", ".join(row.periods or row.detail_levels) or "—"
        if row.max_range_days:
            max_range = f"{row.max_range_days} days"
        else:
            max_range = "24 hours" if row.shape.value == "intraday" else "—"
        for path in row.paths:
            lines.append(
                f"| {row.name} | {row.method} | `{row.doc_path(path)}` | {', '.join(row.versions)} "
                f"| {row.scope or '—'} | {limits} | {max_range} | {'yes' if row.intraday else ''} "
                f"| {'yes' if row.write else ''} |"
            )
    return "\n".join(lines) + "\n"


PAGES = {"errors.md": errors_markdown, "endpoints.md": endpoints_markdown}


def page_difference(path: Path, generated: str) -> str | None:
    """None if the file at ``path`` is exactly ``generated``; otherwise a short summary and the start of a diff."""
    if not path.is_file():
        return f"{path}: missing"
    committed = path.read_text()
    if committed == generated:
        return None
    diff = list(
        difflib.unified_diff(
            committed.splitlines(), generated.splitlines(), f"{path}", "generated", lineterm="", n=0
        )
    )
    added = sum(1 for line in diff if line.startswith("+") and not line.startswith("+++"))
    removed = sum(1 for line in diff if line.startswith("-") and not line.startswith("---"))
    shown = diff[: DIFF_LINES + 2]
    more = [f"... {len(diff) - len(shown)} more diff lines"] if len(diff) > len(shown) else []
    return "\n".join([f"{path}: differs from the generated page (+{added} -{removed} lines)", *shown, *more])


def stale_pages(directory: Path) -> list[str]:
    """A summary for each page in ``directory`` that is missing or differs from what would be generated."""
    found = (page_difference(directory / name, render()) for name, render in PAGES.items())
    return [summary for summary in found if summary is not None]


def write_pages(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name, render in PAGES.items():
        (directory / name).write_text(render())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m fitbit_local.reference",
        description="Render the error catalogue and the endpoint registry as Markdown pages "
        f"({', '.join(PAGES)}).",
    )
    parser.add_argument(
        "directory",
        nargs="?",
        default="docs",
        type=Path,
        metavar="DIRECTORY",
        help="where the pages go (default: docs)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 with a diff summary if a page in DIRECTORY is missing or out of date",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not args.check:
        write_pages(args.directory)
        return 0
    stale = stale_pages(args.directory)
    for summary in stale:
        print(summary, file=sys.stderr)
    if stale:
        print(f"run: python -m fitbit_local.reference {args.directory}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
