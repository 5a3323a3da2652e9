"""Server-rendered HTML: one Jinja2 environment for every page (the consent page and OAuth error pages now; the
console's pages later). Templates live next to this module (``base.html``, ``oauth/…``) and ship as package data.

Autoescaping is on for every template, so a value is escaped unless the code marks it `Markup` on purpose.
"""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

environment = Environment(
    loader=PackageLoader("fitbit_local", "templates"),
    autoescape=select_autoescape(enabled_extensions=("html",), default=True, default_for_string=True),
    undefined=StrictUndefined,  # a misspelt variable is an error, not an empty string
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def render(name: str, **context: object) -> str:
    """The template `name` (e.g. ``"oauth/consent.html"``) rendered with `context`, values escaped."""
    return environment.get_template(name).render(**context)
