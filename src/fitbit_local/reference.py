"""Render the error catalogue and the endpoint registry as the Markdown pages in docs/ (a test keeps them current).

python -m fitbit_local.reference docs/
"""

from __future__ import annotations

import sys
from pathlib import Path

from fitbit_local.errors.catalogue import CATALOGUE, Envelope


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


def main(argv: list[str]) -> int:
    target = Path(argv[0] if argv else "docs")
    target.mkdir(parents=True, exist_ok=True)
    for name, render in PAGES.items():
        (target / name).write_text(render())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
