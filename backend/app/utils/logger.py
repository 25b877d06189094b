"""Logging set-up shared by the API and worker processes."""

from __future__ import annotations

import logging
import re

_SECRET_PATTERN = re.compile(r"(api_key=|api-key[:=]\s*|\"api_key\":\s*\")[^&\s\"]+", re.IGNORECASE)


class RedactSecretsFilter(logging.Filter):
    """Masks API keys that slip into log messages (e.g. URLs with ?api_key=...)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = _SECRET_PATTERN.sub(r"\1***", message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def redact(text: str) -> str:
    return _SECRET_PATTERN.sub(r"\1***", text)


def configure_logging(level: str = "info") -> None:
    root = logging.getLogger()
    if not any(isinstance(f, RedactSecretsFilter) for h in root.handlers for f in h.filters):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler.addFilter(RedactSecretsFilter())
        root.addHandler(handler)
    root.setLevel(level.upper())
