"""The front end's generated API client must match the backend's OpenAPI schema.

The committed frontend/src/api/openapi.json is what `npm run gen:api` turns into schema.d.ts (the front
end's `check:api` verifies that second step). Run `make api-client` after changing the API.
"""

from __future__ import annotations

import json

from app.config import REPO_ROOT, Settings
from app.main import create_app


def test_committed_openapi_schema_matches_the_backend(sqlite_settings: Settings) -> None:
    committed_path = REPO_ROOT / "frontend" / "src" / "api" / "openapi.json"
    assert committed_path.is_file(), "frontend/src/api/openapi.json is missing: run `make api-client`"
    committed = json.loads(committed_path.read_text())
    current = json.loads(json.dumps(create_app(sqlite_settings).openapi(), sort_keys=True))
    assert committed == current, "The API changed: run `make api-client` and commit the result"
