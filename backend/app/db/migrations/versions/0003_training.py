"""training: index for tailing a session's events by id

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # WebSocket tails poll "session_id = ? AND id > ?" every 100 ms per watched session.
    op.create_index("ix_training_events_session_id_id", "training_events", ["session_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_training_events_session_id_id", table_name="training_events")
