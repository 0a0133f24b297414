"""What every view needs: the shared site state and an HTML response."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import HTMLResponse

from ..render import render

if TYPE_CHECKING:
    from ..app import Site


def site(request: Request) -> Site:
    return request.app.state.site


def html(
    template: str,
    *,
    here: str,
    status: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    """A page of the live site (``here``: its site path, for relative links)."""
    body = render(template, here=here, live=True, **context)
    return HTMLResponse(body, status_code=status, headers=headers)
