"""The same-run baseline (anchors §5.4): a bare Starlette endpoint returning pre-built bytes, the same bytes
fitbit-local answered for that path, with the same media type.

    python bench/baseline_app.py PORT BODIES.json [--loop uvloop --http httptools]

BODIES.json maps request paths to files holding the body to answer with; any other path answers ``{"ok":true}``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

BODIES: dict[str, bytes] = {}
DEFAULT = b'{"ok":true}'


async def endpoint(request: Request) -> Response:
    return Response(BODIES.get(request.scope["path"], DEFAULT), media_type="application/json;charset=utf-8")


app = Starlette(routes=[Route("/{path:path}", endpoint)])

if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("bodies", nargs="?")
    parser.add_argument("--loop", default="uvloop")
    parser.add_argument("--http", default="httptools")
    args = parser.parse_args()
    if args.bodies:
        manifest = orjson.loads(Path(args.bodies).read_bytes())
        BODIES.update({path: Path(file).read_bytes() for path, file in manifest.items()})
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=args.port,
        loop=args.loop,
        http=args.http,
        log_level="warning",
        access_log=False,
    )
