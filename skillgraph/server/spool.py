"""A long answer streamed from its spool file, at the pace the client reads it.

A query worker writes an answer over a few hundred KB to a file (see
:func:`~skillgraph.server.worker._spooled`); the server opens it, unlinks it at once (the
open file keeps it until it is closed, and nothing is left behind whatever happens to the
connection) and sends it in chunks.  uvicorn's ``send`` waits while the client does not
read, so the server holds one chunk per connection, never the answer; a client that
accepts nothing for ``client_timeout`` seconds has its connection closed.
"""

from __future__ import annotations

import contextlib
import os

import anyio
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

CHUNK = 64 * 1024


class SpoolResponse(Response):
    def __init__(
        self, path: str, status: int, headers: dict[str, str], media_type: str, timeout: float
    ) -> None:
        self.file = open(path, "rb")  # noqa: SIM115 - closed when sent (or on error)
        with contextlib.suppress(OSError):
            os.unlink(path)
        size = os.fstat(self.file.fileno()).st_size
        super().__init__(None, status_code=status, headers=headers, media_type=media_type)
        self.headers["content-length"] = str(size)
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await send(
                {"type": "http.response.start", "status": self.status_code,
                 "headers": self.raw_headers}
            )  # fmt: skip
            if scope["method"] == "HEAD":
                await send({"type": "http.response.body", "body": b""})
                return
            while True:
                chunk = await anyio.to_thread.run_sync(self.file.read, CHUNK)
                more = len(chunk) == CHUNK
                with anyio.fail_after(self.timeout):
                    await send({"type": "http.response.body", "body": chunk, "more_body": more})
                if not more:
                    return
        except TimeoutError:
            return  # the client stopped reading: uvicorn closes the unfinished response
        finally:
            self.file.close()
