"""The same-run baseline: a bare Starlette endpoint returning a pre-built orjson body (anchors §5.4)."""

from __future__ import annotations

import sys
from pathlib import Path

import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

BODY = orjson.dumps(orjson.loads(Path(sys.argv[2]).read_bytes())) if len(sys.argv) > 2 else b'{"ok":true}'


async def endpoint(request):  # type: ignore[no-untyped-def]
    return Response(BODY, media_type="application/json;charset=utf-8")


app = Starlette(routes=[Route("/{path:path}", endpoint)])

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False)
