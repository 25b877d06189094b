"""prediction: batch, source and display columns of predictions

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = (
    ("batch_id", sa.String(length=32)),
    ("image_name", sa.String(length=255)),
    ("source", sa.String(length=10)),
    ("source_url", sa.String(length=2048)),
    ("display_path", sa.String(length=500)),
    ("width", sa.Integer()),
    ("height", sa.Integer()),
    ("instance_count", sa.Integer()),
    ("summary", sa.JSON()),
    ("model_name", sa.String(length=200)),
)


def upgrade() -> None:
    with op.batch_alter_table("predictions", schema=None) as batch_op:
        for name, column_type in _COLUMNS:
            batch_op.add_column(sa.Column(name, column_type, nullable=True))
        batch_op.create_index(batch_op.f("ix_predictions_batch_id"), ["batch_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("predictions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_predictions_batch_id"))
        for name, _column_type in reversed(_COLUMNS):
            batch_op.drop_column(name)
