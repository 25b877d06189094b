"""inspection: structures, inspections, their images (scale, position), reports and crack growth

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "structures",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("marker_side_mm", sa.Float(), nullable=True),
        sa.Column("marker_dictionary", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_structures")),
    )
    op.create_table(
        "inspections",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("structure_id", sa.String(length=32), nullable=False),
        sa.Column("inspected_on", sa.Date(), nullable=False),
        sa.Column("inspector", sa.String(length=200), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("marker_side_mm", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["structure_id"],
            ["structures.id"],
            name=op.f("fk_inspections_structure_id_structures"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspections")),
    )
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inspections_structure_id"), ["structure_id"], unique=False)

    op.create_table(
        "inspection_reports",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("inspection_id", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("job_id", sa.String(length=32), nullable=True),
        sa.Column("pdf_path", sa.String(length=500), nullable=True),
        sa.Column("html_path", sa.String(length=500), nullable=True),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_inspection_reports_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_reports")),
    )
    with op.batch_alter_table("inspection_reports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inspection_reports_inspection_id"), ["inspection_id"], unique=False
        )

    op.create_table(
        "inspection_images",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("inspection_id", sa.String(length=32), nullable=False),
        sa.Column("prediction_id", sa.String(length=32), nullable=False),
        sa.Column("element_label", sa.String(length=100), nullable=True),
        sa.Column("photo_metadata", sa.JSON(), nullable=True),
        sa.Column("gps_lat", sa.Float(), nullable=True),
        sa.Column("gps_lon", sa.Float(), nullable=True),
        sa.Column("gps_alt_m", sa.Float(), nullable=True),
        sa.Column("distance_m", sa.Float(), nullable=True),
        sa.Column("scale_candidates", sa.JSON(), nullable=False),
        sa.Column("scale_notes", sa.JSON(), nullable=False),
        sa.Column("scale_auto_source", sa.String(length=10), nullable=True),
        sa.Column("scale_conflict", sa.Boolean(), nullable=False),
        sa.Column("scale_choice", sa.String(length=10), nullable=False),
        sa.Column("manual_mm_per_px", sa.Float(), nullable=True),
        sa.Column("analysis_status", sa.String(length=20), nullable=False),
        sa.Column("analysis_job_id", sa.String(length=32), nullable=True),
        sa.Column("analysis_error", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_inspection_images_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["prediction_id"],
            ["predictions.id"],
            name=op.f("fk_inspection_images_prediction_id_predictions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_images")),
        sa.UniqueConstraint(
            "inspection_id", "prediction_id", name=op.f("uq_inspection_images_inspection_id")
        ),
    )
    with op.batch_alter_table("inspection_images", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inspection_images_inspection_id"), ["inspection_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inspection_images_prediction_id"), ["prediction_id"], unique=False
        )

    op.create_table(
        "growth_comparisons",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("inspection_id", sa.String(length=32), nullable=False),
        sa.Column("old_image_id", sa.String(length=32), nullable=False),
        sa.Column("new_image_id", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("job_id", sa.String(length=32), nullable=True),
        sa.Column("quality", sa.Float(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("overlay_path", sa.String(length=500), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_growth_comparisons_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["new_image_id"],
            ["inspection_images.id"],
            name=op.f("fk_growth_comparisons_new_image_id_inspection_images"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["old_image_id"],
            ["inspection_images.id"],
            name=op.f("fk_growth_comparisons_old_image_id_inspection_images"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_growth_comparisons")),
    )
    with op.batch_alter_table("growth_comparisons", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_growth_comparisons_inspection_id"), ["inspection_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_growth_comparisons_new_image_id"), ["new_image_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_growth_comparisons_old_image_id"), ["old_image_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("growth_comparisons", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_growth_comparisons_old_image_id"))
        batch_op.drop_index(batch_op.f("ix_growth_comparisons_new_image_id"))
        batch_op.drop_index(batch_op.f("ix_growth_comparisons_inspection_id"))

    op.drop_table("growth_comparisons")
    with op.batch_alter_table("inspection_images", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspection_images_prediction_id"))
        batch_op.drop_index(batch_op.f("ix_inspection_images_inspection_id"))

    op.drop_table("inspection_images")
    with op.batch_alter_table("inspection_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspection_reports_inspection_id"))

    op.drop_table("inspection_reports")
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspections_structure_id"))

    op.drop_table("inspections")
    op.drop_table("structures")
