"""Serves the built front end at / with client-side routes falling back to index.html."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

from app.api.errors import allowed_methods
from app.utils.paths import PathEscape, confine

NOT_BUILT = """<!doctype html><title>Crack Detection</title>
<h1>The front end is not built</h1><p>Run <code>make install</code> (or <code>make run</code>) in the
repository, or point CRACKDET_FRONTEND_DIST at a built <code>frontend/dist</code>. The API is at
<a href="/docs">/docs</a>.</p>"""

RESERVED_PREFIXES = ("api/", "ws/", "docs", "redoc", "openapi.json")


def mount_spa(app: FastAPI, dist: Path) -> None:
    index = dist / "index.html"
    assets = dist / "assets"
    if assets.is_dir():
        app.mount("/assets", StaticFiles(directory=assets), name="assets")

    @app.get("/{full_path:path}", include_in_schema=False, response_model=None)
    def spa(request: Request, full_path: str) -> FileResponse | HTMLResponse:
        if full_path.startswith(RESERVED_PREFIXES):
            if allowed_methods(request.app, request.url.path):  # an API path, another method
                raise HTTPException(status_code=405)
            raise HTTPException(status_code=404, detail=f"No such endpoint: /{full_path}")
        if not index.is_file():
            return HTMLResponse(NOT_BUILT, status_code=503)
        # Top-level static files (favicon, manifest); never anything outside dist.
        candidate = _inside(dist, full_path) if full_path else None
        if candidate is not None and candidate.is_file():
            return FileResponse(candidate)
        return FileResponse(index, headers={"Cache-Control": "no-cache"})


def _inside(root: Path, requested: str) -> Path | None:
    """`requested` below `root`, resolved; None when it leads outside it."""
    try:
        return confine(requested, root)
    except PathEscape:
        return None
