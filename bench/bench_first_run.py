"""A newcomer's first run, timed: fresh data directory -> demo data -> a session with only the dataset
chosen -> completed; then the model's mask mAP50 on the demo's test split (the app's evaluation) and the
share of test images with cracks where it finds at least one at the default confidence (the app's
prediction), with the learning curve (validation mask mAP50 against minutes) and the machine's load.

    .venv/bin/python bench/bench_first_run.py [--data-dir /tmp/first-run] [--json out.json]

Everything goes through the HTTP API of an in-process app with the real local runner (the training and
evaluation run in worker processes, as in production). CRACKDET_OFFLINE=1: no network.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "backend"))
os.environ.setdefault("CRACKDET_OFFLINE", "1")

from fastapi.testclient import TestClient  # noqa: E402

from app.config import Settings  # noqa: E402
from app.data.demo import generate_demo_files  # noqa: E402
from app.db.migrate import upgrade  # noqa: E402
from app.db.session import dispose_engines  # noqa: E402
from app.main import create_app  # noqa: E402
from app.services.demo import ensure_demo_dataset  # noqa: E402

API = "/api/v1"
DEFAULT_CONF = 0.25


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _wait(
    client: TestClient, url: str, done: set[str], timeout: float, key: str = "status"
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        body: dict[str, Any] = client.get(url).json()
        if body.get(key) in done:
            return body
        if time.monotonic() > deadline:
            raise SystemExit(f"{url}: not {done} within {timeout:.0f} s (last: {body.get(key)})")
        time.sleep(1.0)


def _learning_curve(client: TestClient, session_id: str, started_at: float) -> list[dict[str, float]]:
    from datetime import datetime

    metrics = client.get(f"{API}/training/sessions/{session_id}/metrics").json()["epochs"]
    curve = []
    for epoch in metrics:
        at = datetime.fromisoformat(epoch["created_at"].replace("Z", "+00:00")).timestamp()
        curve.append(
            {
                "epoch": epoch["epoch"],
                "minutes": round((at - started_at) / 60, 2),
                "val_mask_map50": round(epoch["metrics"].get("mask_map50", 0.0), 4),
            }
        )
    return curve


def _detection_rate(client: TestClient, dataset_root: Path, model_id: str) -> dict[str, Any]:
    images = sorted((dataset_root / "images" / "test").glob("*.jpg"))
    with_cracks, detected, crack_free, false_alarms = 0, 0, 0, 0
    for image in images:
        label = dataset_root / "labels" / "test" / f"{image.stem}.txt"
        has_cracks = label.is_file() and label.read_text().strip() != ""
        with image.open("rb") as handle:
            response = client.post(
                f"{API}/predict",
                files={"file": (image.name, handle, "image/jpeg")},
                data={"model_id": model_id, "conf": str(DEFAULT_CONF)},
            )
        response.raise_for_status()
        found = sum(1 for instance in response.json()["instances"] if instance["selected"])
        if has_cracks:
            with_cracks += 1
            detected += int(found > 0)
        else:
            crack_free += 1
            false_alarms += int(found > 0)
    return {
        "test_images_with_cracks": with_cracks,
        "detected": detected,
        "detection_rate": round(detected / max(with_cracks, 1), 4),
        "crack_free_images": crack_free,
        "crack_free_with_detections": false_alarms,
    }


def run(data_dir: Path) -> dict[str, Any]:
    if data_dir.exists():
        shutil.rmtree(data_dir)
    settings = Settings(data_dir=data_dir, database_url=f"sqlite:///{data_dir / 'crackdet.db'}")
    settings.ensure_dirs()
    upgrade(settings.resolved_database_url)
    _, dataset_root = ensure_demo_dataset(settings, generate_demo_files)
    report: dict[str, Any] = {
        "machine": f"{_cpu_model()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}",
        "load_before": _load(),
    }
    with TestClient(create_app(settings)) as client:
        dataset = next(d for d in client.get(f"{API}/datasets").json()["items"] if d["source"] == "demo")
        defaults = client.get(f"{API}/training/defaults", params={"dataset_id": dataset["id"]}).json()
        report["reason"] = defaults["recommended"]["reason"]
        report["estimate_minutes"] = round(defaults["recommended"]["estimate"]["seconds"] / 60, 1)
        started = time.time()
        created = client.post(f"{API}/training/sessions", json={"dataset_id": dataset["id"]})
        created.raise_for_status()
        session_id = created.json()["id"]
        final = _wait(client, f"{API}/training/sessions/{session_id}", {"completed", "failed"}, 3600)
        report["minutes_to_completed"] = round((time.time() - started) / 60, 2)
        report["load_after_training"] = _load()
        if final["status"] != "completed":
            raise SystemExit(f"training {final['status']}: {final.get('error')}")
        report["config"] = {
            k: final["config"][k]
            for k in ("model_arch", "weights", "image_size", "epochs", "batch_size", "optimizer", "device")
        }
        report["learning_curve"] = _learning_curve(client, session_id, started)
        model_id = final["model_id"]
        evaluation = client.post(
            f"{API}/models/{model_id}/evaluate", json={"dataset_id": dataset["id"], "split": "test"}
        )
        evaluation.raise_for_status()
        evaluations_url = f"{API}/models/{model_id}/evaluations"
        deadline = time.monotonic() + 900
        while True:
            latest = client.get(evaluations_url).json()[0]
            if latest["status"] in ("completed", "failed"):
                break
            if time.monotonic() > deadline:
                raise SystemExit("the evaluation did not finish")
            time.sleep(1.0)
        report["test_metrics"] = {
            k: round(v, 4)
            for k, v in latest["metrics"].items()
            if k in ("mask_map50", "mask_map50_95", "box_map50", "mask_precision", "mask_recall")
        }
        report["detection"] = _detection_rate(client, dataset_root, model_id)
    dispose_engines()
    report["load_after"] = _load()
    return report


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "crackdet-first-run")
    parser.add_argument("--json", type=Path, default=None, help="Also write the report here")
    args = parser.parse_args()
    report = run(args.data_dir.resolve())
    text = json.dumps(report, indent=1)
    print(text)
    if args.json is not None:
        args.json.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
