"""Dashboard figures: counts, recent trainings and the overall system status with its issues."""

from __future__ import annotations

from datetime import datetime

from app.config import Settings
from app.core.monitoring.readings import Sample
from app.core.monitoring.thresholds import Thresholds, current_issues
from app.db.session import check_database, session_scope
from app.domain.status import JobStatus
from app.repositories import dashboard as repo
from app.repositories import notifications as notifications_repo
from app.schemas.dashboard import (
    DashboardSummary,
    GpuHealth,
    GpuSummary,
    SystemIssue,
    SystemStatus,
    TrainingCounts,
    TrainingHistoryItem,
)
from app.utils.clock import as_utc, as_utc_or_none, utc_now

NO_GPU_MESSAGE = "No NVIDIA GPU found: training runs on the CPU"


def gpu_summary(sample: Sample, thresholds: Thresholds) -> GpuSummary:
    if not sample.gpu_available:
        return GpuSummary(available=False, count=0, status="unavailable", reason=sample.gpu_reason, names=[])
    levels = {issue.level for issue in current_issues(sample, thresholds) if issue.source == "gpu"}
    status: GpuHealth = "critical" if "critical" in levels else "warning" if levels else "ok"
    return GpuSummary(
        available=True, count=len(sample.gpus), status=status, names=[gpu.name for gpu in sample.gpus]
    )


def counts_for_metrics(settings: Settings) -> tuple[dict[str, int], int]:
    """(training sessions by status, unread notifications), in one read (the /metrics scrape)."""
    with session_scope(settings.resolved_database_url) as session:
        return repo.training_counts(session), notifications_repo.unread_count(session)


def summary(settings: Settings, sample: Sample, thresholds: Thresholds) -> DashboardSummary:
    with session_scope(settings.resolved_database_url) as session:
        by_status = repo.training_counts(session)
        datasets, models = repo.dataset_count(session), repo.model_count(session)
        unread = notifications_repo.unread_count(session)
    return DashboardSummary(
        trainings=TrainingCounts(
            active=by_status.get(JobStatus.RUNNING, 0),
            queued=by_status.get(JobStatus.QUEUED, 0),
            completed=by_status.get(JobStatus.COMPLETED, 0),
            failed=by_status.get(JobStatus.FAILED, 0),
            total=sum(by_status.values()),
            by_status=by_status,
        ),
        datasets=datasets,
        models=models,
        gpu=gpu_summary(sample, thresholds),
        unread_notifications=unread,
        last_updated=utc_now(),
    )


def _duration_s(started: datetime | None, finished: datetime | None, now: datetime) -> float | None:
    if started is None:
        return None
    end = as_utc(finished) if finished else now
    return round(max(0.0, (end - as_utc(started)).total_seconds()), 1)


def training_history(settings: Settings, limit: int) -> list[TrainingHistoryItem]:
    now = utc_now()
    with session_scope(settings.resolved_database_url) as session:
        rows = repo.recent_trainings(session, limit)
        return [
            TrainingHistoryItem(
                id=run.id,
                name=run.name,
                framework=run.framework,
                model_arch=run.model_arch,
                dataset_id=run.dataset_id,
                dataset_name=dataset_name,
                status=run.status,
                current_epoch=run.current_epoch,
                total_epochs=run.total_epochs,
                progress=run.progress,
                best_metric=run.best_metric,
                best_epoch=run.best_epoch,
                created_at=as_utc(run.created_at),
                started_at=as_utc_or_none(run.started_at),
                finished_at=as_utc_or_none(run.finished_at),
                duration_s=_duration_s(run.started_at, run.finished_at, now),
            )
            for run, dataset_name in rows
        ]


def _gpu_issue(sample: Sample) -> SystemIssue | None:
    if sample.gpu_available:
        return None
    if sample.gpu_failing:
        return SystemIssue(level="warning", source="gpu", message=sample.gpu_reason or "GPU readings failed")
    detail = sample.gpu_reason or ""
    message = NO_GPU_MESSAGE if detail.startswith("No NVIDIA GPU found") or not detail else detail
    return SystemIssue(level="info", source="gpu", message=message)


def system_status(settings: Settings, sample: Sample, thresholds: Thresholds, *, stale: bool) -> SystemStatus:
    issues: list[SystemIssue] = []
    ok, detail = check_database(settings.resolved_database_url)
    if not ok:
        issues.append(
            SystemIssue(level="critical", source="database", message=f"Database unreachable: {detail}")
        )
    if stale:
        issues.append(
            SystemIssue(
                level="warning",
                source="monitoring",
                message="Monitoring has stopped sampling; readings are out of date",
            )
        )
    if (gpu_issue := _gpu_issue(sample)) is not None:
        issues.append(gpu_issue)
    issues += [
        SystemIssue(level=i.level, source=i.source, message=i.message)
        for i in current_issues(sample, thresholds)
    ]
    levels = {issue.level for issue in issues}
    temperatures = [g.temperature_c for g in sample.gpus if g.temperature_c is not None]
    utilisations = [g.utilization_gpu_percent for g in sample.gpus if g.utilization_gpu_percent is not None]
    return SystemStatus(
        status="critical" if "critical" in levels else "warning" if "warning" in levels else "ok",
        issues=issues,
        gpu_available=sample.gpu_available,
        gpu_count=len(sample.gpus),
        max_gpu_temperature_c=max(temperatures) if temperatures else None,
        avg_gpu_utilization_percent=round(sum(utilisations) / len(utilisations), 1) if utilisations else None,
        cpu_percent=sample.host.cpu_percent,
        memory_percent=sample.host.memory_percent,
        disk_percent=sample.host.disk_percent,
        timestamp=sample.timestamp,
    )
