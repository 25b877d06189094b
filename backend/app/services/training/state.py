"""A session's state and what it reports: status changes with their events and notifications, logs,
epoch metrics, checkpoints and comparisons. Used by the API and by the worker's recorder."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from sqlalchemy.orm import Session

from app.config import Settings
from app.core.training import events
from app.db.session import session_scope
from app.domain.errors import InvalidInput, NotFound
from app.domain.status import ACTIVE_STATUSES, FINISHED_STATUSES, SessionStatus
from app.repositories import notifications as notifications_repo
from app.repositories import training as repo
from app.repositories.training import SessionRow
from app.schemas.training import (
    CheckpointOut,
    CompareEntry,
    CompareResponse,
    EventsResponse,
    LogLine,
    LogsResponse,
    TrainingMetricsResponse,
)
from app.services.training.views import checkpoint_out, event_out, metric_out, require_session, summary
from app.utils.clock import as_utc, utc_now

LOST_LOG_LINES = 20
MAX_COMPARE = 10

# Outcomes the user is told about (toast + notification centre), with their level and title.
_NOTIFIED_STATES = {
    SessionStatus.COMPLETED: ("success", "Training completed"),
    SessionStatus.FAILED: ("error", "Training failed"),
    SessionStatus.INTERRUPTED: ("warning", "Training interrupted"),
}


def set_state(
    db: Session, session: SessionRow, status: SessionStatus, message: str | None = None, **extra: Any
) -> None:
    """Change a session's status and append the matching state event (one transaction)."""
    previous = session.status
    session.status = status
    if status in FINISHED_STATUSES:
        session.finished_at = utc_now()
    payload: dict[str, Any] = {"status": status, "previous": previous, "message": message, **extra}
    repo.add_event(db, session.id, events.STATE, payload)
    if status in _NOTIFIED_STATES and previous != status:
        level, title = _NOTIFIED_STATES[status]
        notifications_repo.insert(
            db,
            level=level,
            title=f"{title}: {session.name}"[:200],
            message=(message or "")[:4000],
            source="training",
        )


def add_log(db: Session, session_id: str, message: str, level: str = "info") -> None:
    repo.add_event(db, session_id, events.LOG, {"level": level, "message": message[:4000]})


def log_tail_text(db: Session, session_id: str, lines: int = LOST_LOG_LINES) -> str:
    return "\n".join(str(e.payload.get("message", "")) for e in repo.log_events(db, session_id, lines))


def mark_lost(
    settings: Settings, session_id: str, reason: str, *, interrupted: bool, job_id: str | None = None
) -> None:
    """The worker died (failed) or the server restarted mid-run (interrupted, resumable)."""
    with session_scope(settings.resolved_database_url) as db:
        session = repo.get_session(db, session_id)
        if session is None or session.status not in ACTIVE_STATUSES:
            return
        latest = repo.latest_job(db, session_id)
        if job_id is not None and latest is not None and latest.id != job_id:
            return  # a stale attempt; a newer one owns the session
        if interrupted:
            message = f"Interrupted: {reason}. Resume it to continue from the last finished epoch."
            session.error = message
            set_state(db, session, SessionStatus.INTERRUPTED, message)
            return
        tail = log_tail_text(db, session_id)
        message = f"Training failed: {reason}."
        session.error = message + (f"\nLast log lines:\n{tail}" if tail else "")
        repo.add_event(db, session_id, events.ERROR, {"message": session.error, "code": "worker_lost"})
        add_log(db, session_id, message, "error")
        set_state(db, session, SessionStatus.FAILED, message)


def get_metrics(settings: Settings, session_id: str, last_n: int | None) -> TrainingMetricsResponse:
    with session_scope(settings.resolved_database_url) as db:
        session = require_session(db, session_id)
        rows = repo.epoch_metrics(db, session_id, last_n)
        return TrainingMetricsResponse(
            session_id=session_id,
            metric_keys=events.ordered_metric_keys([r.metrics for r in rows]),
            best_epoch=session.best_epoch,
            epochs=[metric_out(r) for r in rows],
        )


def metrics_csv(settings: Settings, session_id: str) -> tuple[str, str]:
    """(file name, CSV text): one row per epoch, columns in METRIC_KEYS order."""
    with session_scope(settings.resolved_database_url) as db:
        session = require_session(db, session_id)
        rows = repo.epoch_metrics(db, session_id)
        name = session.name
    keys = events.ordered_metric_keys([r.metrics for r in rows])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["epoch", *keys])
    for row in rows:
        writer.writerow([row.epoch, *("" if row.metrics.get(k) is None else row.metrics[k] for k in keys)])
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_")[:80] or "training"
    return f"{safe}-{session_id[:8]}-metrics.csv", buffer.getvalue()


def get_logs(settings: Settings, session_id: str, tail: int) -> LogsResponse:
    with session_scope(settings.resolved_database_url) as db:
        require_session(db, session_id)
        lines = [
            LogLine(
                id=e.id,
                timestamp=as_utc(e.created_at),
                level=str(e.payload.get("level", "info")),
                message=str(e.payload.get("message", "")),
            )
            for e in repo.log_events(db, session_id, tail)
        ]
    return LogsResponse(session_id=session_id, lines=lines)


def get_events(settings: Settings, session_id: str, after: int, limit: int) -> EventsResponse:
    with session_scope(settings.resolved_database_url) as db:
        session = require_session(db, session_id)
        status = session.status
        items = [event_out(e) for e in repo.events_after(db, session_id, after, limit=limit)]
    return EventsResponse(
        session_id=session_id,
        status=status,
        events=items,
        last_event_id=items[-1].id if items else after,
    )


def list_checkpoints(settings: Settings, session_id: str) -> list[CheckpointOut]:
    with session_scope(settings.resolved_database_url) as db:
        require_session(db, session_id)
        return [checkpoint_out(settings, row) for row in repo.checkpoints(db, session_id)]


def compare_sessions(settings: Settings, ids: list[str]) -> CompareResponse:
    unique = list(dict.fromkeys(i for i in ids if i))
    if not 1 <= len(unique) <= MAX_COMPARE:
        raise InvalidInput(f"ids: give 1 to {MAX_COMPARE} session ids, comma-separated")
    with session_scope(settings.resolved_database_url) as db:
        sessions = repo.sessions_by_ids(db, unique)
        missing = sorted(set(unique) - {s.id for s in sessions})
        if missing:
            raise NotFound(f"Training session {missing[0]} does not exist")
        metrics = repo.metrics_for_sessions(db, unique)
        names = repo.dataset_names(db, {s.dataset_id for s in sessions if s.dataset_id})
        entries = [
            CompareEntry(
                session=summary(settings, s, dataset_name=names.get(s.dataset_id or "")),
                epochs=[metric_out(r) for r in metrics[s.id]],
            )
            for s in sessions
        ]
    keys = events.ordered_metric_keys([e.metrics for entry in entries for e in entry.epochs])
    return CompareResponse(metric_keys=keys, sessions=entries)
