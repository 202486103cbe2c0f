"""Questionnaires (instruments) and their items, loaded from the data files in the package."""

import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.core.extensions import db
from survey_app.models.types import value_enum

OVERALL_ITEM = "CHUNG"
SCALE = (1, 2, 3, 4, 5)
SATISFIED_FROM = 4
FLAG_AT_OR_BELOW = 3


class Factor(enum.StrEnum):
    """The five SIPAS factors, in the order the survey shows them."""

    ACCESS = "TC"
    PROCEDURES = "TT"
    OFFICERS = "CC"
    RESULTS = "KQ"
    FEEDBACK = "PA"


class Instrument(db.Model):
    __tablename__ = "instruments"
    __table_args__ = (sa.UniqueConstraint("code", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40))
    version: Mapped[int]
    name_vi: Mapped[str] = mapped_column(sa.String(300))
    name_en: Mapped[str] = mapped_column(sa.String(300))
    source: Mapped[str] = mapped_column(sa.String(300), default="")

    items: Mapped[list["Item"]] = relationship(
        back_populates="instrument", order_by="Item.position", cascade="all, delete-orphan"
    )

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_vi


class Item(db.Model):
    """A question; CHUNG (overall) is the one item without a factor."""

    __tablename__ = "items"
    __table_args__ = (sa.UniqueConstraint("instrument_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(sa.ForeignKey("instruments.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(20))
    factor: Mapped[Factor | None] = mapped_column(value_enum(Factor, 2))
    position: Mapped[int]
    text_vi: Mapped[str] = mapped_column(sa.String(500))
    text_en: Mapped[str] = mapped_column(sa.String(500))

    instrument: Mapped[Instrument] = relationship(back_populates="items")

    def text(self, locale: str) -> str:
        return self.text_en if locale == "en" else self.text_vi
