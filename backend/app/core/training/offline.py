"""Ultralytics offline set-up: environment variables and font, applied BEFORE `import ultralytics`.

See STACK-NOTES "Ultralytics offline": with these, training makes no network call at all.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sys
import threading
import time
from pathlib import Path

FONT_NAME = "Arial.ttf"
_ONLINE_CACHE_S = 60.0
_online_cache: tuple[float, bool] | None = None


def ultralytics_config_dir(data_dir: Path) -> Path:
    return data_dir / "ultralytics"


def _matplotlib_font() -> Path | None:
    try:
        import matplotlib
    except ImportError:  # pragma: no cover - matplotlib ships with ultralytics
        return None
    font = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    return font if font.is_file() else None


def _install_font(user_dir: Path) -> None:
    target = user_dir / FONT_NAME
    if target.is_file():
        return
    source = _matplotlib_font()
    if source is not None:
        shutil.copyfile(source, target)


def _write_default_settings(user_dir: Path) -> None:
    """Ultralytics reads settings.json at import: disable sync (analytics) from the first run on."""
    settings_file = user_dir / "settings.json"
    if settings_file.exists():
        return
    settings_file.write_text(json.dumps({"sync": False}), encoding="utf-8")


def prepare_ultralytics_env(data_dir: Path) -> Path:
    """Point Ultralytics at `<data_dir>/ultralytics`, offline and silent. Returns the config dir.

    Must run before the first `import ultralytics` in the process (the library reads them at import).
    """
    config_dir = ultralytics_config_dir(data_dir)
    user_dir = config_dir / "Ultralytics"
    user_dir.mkdir(parents=True, exist_ok=True)
    os.environ["YOLO_CONFIG_DIR"] = str(config_dir)
    os.environ["YOLO_OFFLINE"] = "1"
    os.environ["YOLO_AUTOINSTALL"] = "False"
    os.environ["YOLO_VERBOSE"] = "False"
    _install_font(user_dir)
    _write_default_settings(user_dir)
    if "ultralytics" in sys.modules:  # too late for the env vars: keep going, but they may not apply
        import logging

        logging.getLogger(__name__).warning("ultralytics was imported before its offline set-up")
    return config_dir


def _probe(host: str, port: int, timeout: float, result: list[bool]) -> None:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            result.append(True)
    except OSError:
        result.append(False)


def is_online(timeout: float = 1.5) -> bool:
    """Can this machine reach GitHub (where official weights live)? Answers within ~`timeout` seconds.

    `YOLO_OFFLINE=1` or `CRACKDET_OFFLINE=1` in the environment answer False at once. The answer is
    cached for a minute.
    """
    global _online_cache
    for var in ("CRACKDET_OFFLINE", "YOLO_OFFLINE"):
        if os.environ.get(var, "").lower() in ("1", "true", "yes"):
            return False
    now = time.monotonic()
    if _online_cache is not None and now - _online_cache[0] < _ONLINE_CACHE_S:
        return _online_cache[1]
    result: list[bool] = []
    # DNS resolution ignores socket timeouts: probe in a daemon thread and give up after `timeout`.
    thread = threading.Thread(target=_probe, args=("github.com", 443, timeout, result), daemon=True)
    thread.start()
    thread.join(timeout + 0.2)
    online = bool(result and result[0])
    _online_cache = (now, online)
    return online
