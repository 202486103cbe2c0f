"""What a unit's signed report needs besides its figures: the document settings of the unit
(who issues it, under whom, who signs, who receives it; Nghị định 30/2020/NĐ-CP) and the
narrative a manager edited for a period."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.core.extensions import db
from survey_app.models.org import Unit
from survey_app.models.staff import User
from survey_app.models.types import UTCDateTime, utcnow


class UnitDocument(db.Model):
    """A unit's document settings; a unit without a row uses defaults drawn from its name."""

    __tablename__ = "unit_documents"

    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), primary_key=True)
    governing_body: Mapped[str] = mapped_column(sa.String(200), default="")  # cơ quan chủ quản
    issuing_body: Mapped[str] = mapped_column(sa.String(200), default="")  # cơ quan ban hành
    symbol: Mapped[str] = mapped_column(sa.String(40), default="")  # "BC-UBND"
    place: Mapped[str] = mapped_column(sa.String(100), default="")  # "An Bình"
    signer_authority: Mapped[str] = mapped_column(sa.String(120), default="")  # "TM. UBND"
    signer_title: Mapped[str] = mapped_column(sa.String(120), default="")  # "CHỦ TỊCH"
    signer_name: Mapped[str] = mapped_column(sa.String(120), default="")
    # One recipient a line ("UBND tỉnh Lâm Đồng (để b/c)"); "Lưu: VT" is always added.
    recipients: Mapped[str] = mapped_column(sa.Text, default="")

    unit: Mapped[Unit] = relationship()


class ReportNarrative(db.Model):
    """The three parts of a report's text a manager edits before signing, for one unit and
    one period ("2026-11", "2026-Q3", "2026-H1", "2026-9M", "2026"). Frozen with a closed month:
    closing stores the text in force, and it is not edited after."""

    __tablename__ = "report_narratives"
    __table_args__ = (sa.UniqueConstraint("unit_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    period: Mapped[str] = mapped_column(sa.String(10))
    assessment: Mapped[str] = mapped_column(sa.Text, default="")  # Đánh giá chung
    shortcomings: Mapped[str] = mapped_column(sa.Text, default="")  # Hạn chế, nguyên nhân
    proposals: Mapped[str] = mapped_column(sa.Text, default="")  # Đề xuất, kiến nghị
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    frozen: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    unit: Mapped[Unit] = relationship()
    updated_by: Mapped[User | None] = relationship()
