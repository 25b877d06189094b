"""Queries on the jobs table as the API reads it (the runners' own queue queries are in app/jobs)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.db.tables import Job

# The row type services read (they never import app.db.tables themselves).
JobRow = Job


def get(db: Session, job_id: str) -> Job | None:
    return db.get(Job, job_id)
