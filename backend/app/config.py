"""Application settings: one class, CRACKDET_ environment prefix, optional .env file."""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[2]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CRACKDET_", env_file=".env", extra="ignore")

    data_dir: Path = Field(default=Path("./data"), description="Holds database, datasets, runs, models")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default is SQLite in the data directory"
    )
    db_pool_size: int = Field(default=5, ge=1, le=100, description="PostgreSQL connections kept per process")
    db_max_overflow: int = Field(
        default=10, ge=0, le=200, description="Extra PostgreSQL connections at peaks"
    )
    db_pool_recycle_s: int = Field(
        default=1800, ge=0, le=86400, description="Reopen PostgreSQL connections older than this (0: never)"
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    frontend_dist: Path = Field(default=REPO_ROOT / "frontend" / "dist")
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    cors_origins: list[str] = Field(default_factory=list)

    # Access control (see docs/SECURITY.md): auto = off on a loopback bind, required otherwise
    auth: Literal["auto", "required", "off"] = Field(
        default="auto", description="auto: off on a loopback host, required on any other address"
    )
    session_ttl_hours: float = Field(default=12.0, gt=0, le=24 * 90, description="Browser session lifetime")
    cookie_secure: bool | None = Field(
        default=None, description="Secure flag of the session cookies; default: on unless a loopback host"
    )
    login_rate_limit_per_minute: int = Field(
        default=5, ge=1, le=1000, description="Failed logins allowed per username and client address a minute"
    )

    # Storage and upload limits
    storage_quota_bytes: int = Field(default=50 * 1024**3, ge=0)
    max_upload_bytes: int = Field(default=2 * 1024**3, ge=1)

    # Request limits (app/api/middleware.py): uploads keep their own limits above
    max_request_bytes: int = Field(
        default=1024**2,
        ge=1024,
        le=1024**3,
        description="Largest request body of an endpoint that takes no file (JSON bodies, forms)",
    )
    max_json_depth: int = Field(default=20, ge=2, le=200, description="Deepest nesting a JSON body may have")
    dataset_max_image_pixels: int = Field(
        default=120_000_000,
        ge=1,
        description="Most pixels of a dataset image the server decodes (thumbnails)",
    )

    # Datasets: zip extraction limits (zip-bomb guards) and the Roboflow API
    zip_max_entries: int = Field(default=200_000, ge=1, description="Most files a dataset zip may hold")
    zip_max_uncompressed_bytes: int = Field(
        default=20 * 1024**3, ge=1, description="Most bytes a dataset zip may expand to"
    )
    zip_max_ratio: float = Field(
        default=200.0, ge=1.0, description="Highest compression ratio of any zip entry over 1 MiB"
    )
    roboflow_api_url: str = Field(
        default="https://api.roboflow.com", description="Roboflow API base URL (API_URL of the client)"
    )

    # Training
    training_slots: int | None = Field(
        default=None, ge=1, le=64, description="Concurrent trainings; default one per GPU, one on CPU"
    )

    cpu_job_slots: int = Field(
        default=2, ge=1, le=64, description="Concurrent CPU jobs (dataset imports, exports, evaluations)"
    )

    # Job runner: "local" (worker processes on this machine) or "celery" (workers on any machine that
    # mounts the data directory, over Redis; see docs/ARCHITECTURE.md "Scale-out runner")
    runner: Literal["local", "celery"] = Field(default="local", description="Where jobs run")
    redis_url: str = Field(
        default="redis://127.0.0.1:6379/0", description="Redis for the celery runner (broker, live events)"
    )
    worker_name: str | None = Field(
        default=None,
        max_length=100,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
        description="Name of this worker node (default: the host name)",
    )
    worker_heartbeat_interval_s: float = Field(
        default=5.0, ge=0.1, le=60, description="How often workers and running jobs report they are alive"
    )
    worker_heartbeat_timeout_s: float = Field(
        default=30.0, ge=0.5, le=3600, description="Silence after which a worker's job becomes interrupted"
    )

    # Monitoring
    monitor_interval_s: float = Field(default=2.0, ge=0.2, le=60)

    # Prediction (see app/core/prediction)
    prediction_workers: int = Field(
        default=1, ge=1, le=16, description="Prediction worker processes; each keeps its models loaded"
    )
    prediction_model_cache_size: int = Field(
        default=2, ge=1, le=16, description="Models a prediction worker keeps loaded (LRU)"
    )
    prediction_timeout_s: float = Field(default=600.0, ge=5, le=7200, description="Longest one prediction")
    prediction_max_image_bytes: int = Field(default=200 * 1024**2, ge=1, description="Largest image file")
    prediction_max_image_pixels: int = Field(
        default=120_000_000, ge=1, description="Most pixels an image may have (decompression-bomb guard)"
    )
    prediction_max_batch_files: int = Field(default=1000, ge=1, le=100_000)
    prediction_sync_batch_max: int = Field(
        default=4, ge=0, le=64, description="Batches up to this many images are answered directly"
    )
    prediction_score_floor: float = Field(
        default=0.05, ge=0.0, le=1.0, description="Detections down to this score are kept for the UI"
    )
    prediction_candidate_iou: float = Field(
        default=0.7, gt=0.0, le=1.0, description="NMS IoU the model runs with (the UI filters stricter)"
    )
    crack_severity_bands_mm: tuple[float, float] = Field(
        default=(1.6, 3.2), description="Width bounds (mm): narrow below the first, wide above the second"
    )
    crack_severity_width: Literal["p95", "max"] = Field(
        default="p95", description="Which width of a crack its severity is judged by"
    )

    # URL input (POST /predict/url)
    url_fetch_timeout_s: float = Field(default=20.0, ge=1, le=300)
    url_fetch_max_bytes: int = Field(default=100 * 1024**2, ge=1)
    url_fetch_allowed_networks: list[str] = Field(
        default_factory=list,
        description="CIDRs exempt from the private-address refusal (e.g. a LAN); metadata stays refused",
    )

    # Inspection maps: a Leaflet tile URL template ({z}/{x}/{y}); empty = offline, points on a blank map
    map_tile_url: str = Field(
        default="", max_length=500, description="e.g. https://tile.example/{z}/{x}/{y}.png"
    )
    map_tile_attribution: str = Field(default="", max_length=500)

    @model_validator(mode="after")
    def _heartbeat_timeout_covers_beats(self) -> Settings:
        if self.worker_heartbeat_timeout_s < 2 * self.worker_heartbeat_interval_s:
            raise ValueError(
                "CRACKDET_WORKER_HEARTBEAT_TIMEOUT_S must be at least twice "
                "CRACKDET_WORKER_HEARTBEAT_INTERVAL_S"
            )
        return self

    @field_validator("data_dir", "frontend_dist")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'crackdet.db'}"

    @property
    def datasets_dir(self) -> Path:
        return self.data_dir / "datasets"

    @property
    def runs_dir(self) -> Path:
        return self.data_dir / "runs"

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "uploads"

    @property
    def tmp_dir(self) -> Path:
        return self.data_dir / "tmp"

    def ensure_dirs(self) -> None:
        for path in (
            self.data_dir,
            self.datasets_dir,
            self.runs_dir,
            self.models_dir,
            self.uploads_dir,
            self.tmp_dir,
        ):
            path.mkdir(parents=True, exist_ok=True)


def is_loopback_host(host: str) -> bool:
    """True when binding to `host` only exposes the server to this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def auth_enabled(settings: Settings) -> bool:
    """Whether every request needs a session or an API token (CRACKDET_AUTH, resolved for the host)."""
    if settings.auth == "auto":
        return not is_loopback_host(settings.host)
    return settings.auth == "required"


def cookie_secure(settings: Settings) -> bool:
    """Secure cookies unless configured otherwise or served on loopback (plain http there)."""
    if settings.cookie_secure is not None:
        return settings.cookie_secure
    return not is_loopback_host(settings.host)


@lru_cache
def get_settings() -> Settings:
    return Settings()
