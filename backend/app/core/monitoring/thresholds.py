"""Warning/critical thresholds on the readings, with hysteresis so a hot GPU raises one alert, not one
per sample: a level is raised as soon as a value reaches it, and only cleared once the value has fallen
`margin` below it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from app.core.monitoring.readings import Sample

Level = Literal["ok", "warning", "critical"]
_RANK: dict[Level, int] = {"ok": 0, "warning": 1, "critical": 2}

TEMPERATURE_MARGIN_C = 5.0
PERCENT_MARGIN = 3.0


@dataclass(frozen=True, slots=True)
class Thresholds:
    temperature_warning_c: float = 80.0
    temperature_critical_c: float = 90.0
    memory_warning_percent: float = 90.0  # GPU memory and host RAM
    memory_critical_percent: float = 97.0
    disk_warning_percent: float = 90.0  # the disk holding the data directory
    disk_critical_percent: float = 97.0


@dataclass(frozen=True, slots=True)
class Metric:
    key: str  # stable identity for hysteresis, e.g. "gpu:GPU-uuid:temperature"
    subject: str  # "GPU 0", "RAM", "Disk"
    value: float
    warning: float
    critical: float
    margin: float
    temperature: bool

    def level(self, slack: float = 0.0) -> Level:
        if self.value >= self.critical - slack:
            return "critical"
        if self.value >= self.warning - slack:
            return "warning"
        return "ok"

    def describe(self) -> str:
        if self.temperature:
            return f"{self.subject} at {self.value:.0f} C"
        noun = "full" if self.subject == "Disk" else "used"
        return f"{self.subject} {self.value:.0f}% {noun}"

    def limit(self, level: Level) -> str:
        value = self.critical if level == "critical" else self.warning
        return f"{value:.0f} C" if self.temperature else f"{value:.0f}%"


@dataclass(frozen=True, slots=True)
class Alert:
    key: str
    level: Literal["warning", "critical", "recovered"]
    title: str
    message: str


def metrics_of(sample: Sample, t: Thresholds) -> list[Metric]:
    found: list[Metric] = []
    for gpu in sample.gpus:
        remote = bool(gpu.host) and gpu.host != sample.hostname  # a worker node's GPU (celery runner)
        ident = gpu.uuid or (f"{gpu.host}/{gpu.index}" if remote else str(gpu.index))
        name = f"GPU {gpu.index} on {gpu.host}" if remote else f"GPU {gpu.index}"
        if gpu.temperature_c is not None:
            found.append(
                Metric(
                    f"gpu:{ident}:temperature",
                    name,
                    gpu.temperature_c,
                    t.temperature_warning_c,
                    t.temperature_critical_c,
                    TEMPERATURE_MARGIN_C,
                    True,
                )
            )
        if gpu.memory_used_percent is not None:
            found.append(
                Metric(
                    f"gpu:{ident}:memory",
                    f"{name} memory",
                    gpu.memory_used_percent,
                    t.memory_warning_percent,
                    t.memory_critical_percent,
                    PERCENT_MARGIN,
                    False,
                )
            )
    host = sample.host
    found.append(
        Metric(
            "host:memory",
            "RAM",
            host.memory_percent,
            t.memory_warning_percent,
            t.memory_critical_percent,
            PERCENT_MARGIN,
            False,
        )
    )
    if host.disk_percent is not None:
        found.append(
            Metric(
                "host:disk",
                "Disk",
                host.disk_percent,
                t.disk_warning_percent,
                t.disk_critical_percent,
                PERCENT_MARGIN,
                False,
            )
        )
    return found


@dataclass(frozen=True, slots=True)
class Issue:
    level: Literal["warning", "critical"]
    source: Literal["gpu", "host"]
    message: str  # e.g. "GPU 0 at 88 C", "Disk 95% full"


def current_issues(sample: Sample, t: Thresholds) -> list[Issue]:
    """Every reading over a threshold right now (no hysteresis)."""
    issues: list[Issue] = []
    for metric in metrics_of(sample, t):
        level = metric.level()
        if level != "ok":
            issues.append(Issue(level, "gpu" if metric.key.startswith("gpu:") else "host", metric.describe()))
    return issues


class ThresholdWatch:
    """Remembers each reading's level between samples and reports only the changes that matter."""

    def __init__(self, thresholds: Thresholds) -> None:
        self.thresholds = thresholds
        self._levels: dict[str, Level] = {}

    def check(self, sample: Sample) -> list[Alert]:
        alerts: list[Alert] = []
        for metric in metrics_of(sample, self.thresholds):
            alert = self._update(metric)
            if alert is not None:
                alerts.append(alert)
        return alerts

    def _update(self, metric: Metric) -> Alert | None:
        previous = self._levels.get(metric.key, "ok")
        raised = metric.level()
        if raised != "ok" and _RANK[raised] > _RANK[previous]:
            self._levels[metric.key] = raised
            return Alert(
                metric.key,
                raised,
                f"{metric.subject}: {raised}",
                f"{metric.describe()} (the {raised} threshold is {metric.limit(raised)}).",
            )
        cooled = metric.level(slack=metric.margin)
        if _RANK[cooled] < _RANK[previous]:
            self._levels[metric.key] = cooled
            if cooled == "ok":
                return Alert(
                    metric.key,
                    "recovered",
                    f"{metric.subject}: back to normal",
                    f"{metric.describe()}, below the warning threshold again.",
                )
        return None
