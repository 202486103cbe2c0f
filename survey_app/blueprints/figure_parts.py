"""Pieces shared by the figures pages (an officer's own, a unit's dashboard, the public page):
factor bars and the 12-month trend labelled in the reader's language, and comment masks."""

from flask_babel import gettext as _
from markupsafe import Markup

from analytics.charts import Bar, bar_chart, column_chart
from analytics.comments import Masks
from analytics.figures import Figures
from survey_app.display.labels import FACTOR_LABELS
from survey_app.display.numbers import figure
from survey_app.months import Month


def factor_chart(figures: Figures) -> Markup:
    bars = [
        Bar(
            label=factor.value,
            value=figure.index,
            shown=number(figure.index),
            title=f"{FACTOR_LABELS[factor]}: {number(figure.index)}",
        )
        for factor, figure in figures.factors.items()
    ]
    return bar_chart(bars, title=_("Index of each factor, from 0 to 100"))


def trend_chart(
    trend: list[tuple[Month, Figures]], minimum: int, *, show_counts: bool = True
) -> Markup:
    """The SIPAS index month by month; a month under the minimum sample has no bar, and its
    count of responses is told only where `show_counts` (not on public pages)."""
    bars = []
    for month, figures in trend:
        index = figures.sipas_index if figures.has_sample(minimum) else None
        bars.append(
            Bar(
                label=f"{month.month:02d}/{month.year % 100:02d}",
                value=index,
                shown=number(index),
                title=_trend_title(month, figures, index, show_counts),
            )
        )
    return column_chart(bars, title=_("SIPAS index over the last 12 months"))


def number(value: float | None) -> str:
    return "–" if value is None else figure(value, "0.0")


def _trend_title(month: Month, figures: Figures, index: float | None, show_counts: bool) -> str:
    if index is not None:
        return _("%(month)s: SIPAS index %(index)s", month=month.slashed(), index=number(index))
    if not show_counts:
        return _("%(month)s: not enough responses", month=month.slashed())
    if not figures.responses:
        return _("%(month)s: no responses", month=month.slashed())
    return _(
        "%(month)s: %(count)d responses, not enough for an index",
        month=month.slashed(),
        count=figures.responses,
    )


def comment_masks() -> Masks:
    """What replaces personal data in a comment, in the reader's language."""
    return Masks(phone=_("[phone number]"), email=_("[e-mail]"), identity_number=_("[ID number]"))
