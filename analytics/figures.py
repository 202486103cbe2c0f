"""The figures of domain.md §2 "Formulas", built from counts: item, factor and SIPAS indices,
overall satisfaction, mean scores and flagged responses.

Everything here is derived from additive counts (responses, flagged, and per item: answers,
satisfied answers, sum of values), so the figures of a whole are the figures of the summed
counts of its parts (`sum_figures`): a province is the sum of its communes.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from survey_app.models import OVERALL_ITEM, Factor


@dataclass(frozen=True)
class ItemFigure:
    """One question of one instrument (CC1 of sipas-2017 is not CC1 of sipas-2023)."""

    instrument: str
    code: str
    factor: Factor | None
    answers: int
    satisfied: int
    total: int  # sum of the values, for the mean
    position: int = 0  # order on the questionnaire, for tables

    @property
    def index(self) -> float:
        return 100 * self.satisfied / self.answers

    @property
    def mean(self) -> float:
        return self.total / self.answers


@dataclass(frozen=True)
class FactorFigure:
    """index and mean are None when no item of the factor was answered (no data is not 0)."""

    index: float | None
    mean: float | None
    answers: int


@dataclass(frozen=True)
class Figures:
    responses: int
    flagged: int
    overall_pct: float | None
    mean_overall: float | None
    sipas_index: float | None
    sipas_mean: float | None
    factors: dict[Factor, FactorFigure]
    items: tuple[ItemFigure, ...]

    def has_sample(self, minimum: int) -> bool:
        return self.responses >= minimum

    @property
    def flagged_pct(self) -> float | None:
        return _ratio(100 * self.flagged, self.responses)


def build_figures(responses: int, flagged: int, items: Iterable[ItemFigure]) -> Figures:
    items = tuple(items)
    factors = {
        factor: _factor_figure(item for item in items if item.factor is factor) for factor in Factor
    }
    with_data = [figure for figure in factors.values() if figure.index is not None]
    overall = [item for item in items if item.code == OVERALL_ITEM]
    return Figures(
        responses=responses,
        flagged=flagged,
        overall_pct=_ratio(100 * sum(item.satisfied for item in overall), responses),
        mean_overall=_ratio(sum(item.total for item in overall), sum(i.answers for i in overall)),
        sipas_index=_mean([figure.index for figure in with_data]),
        sipas_mean=_mean([figure.mean for figure in with_data]),
        factors=factors,
        items=items,
    )


def sum_figures(parts: Iterable[Figures]) -> Figures:
    """The figures of the union of disjoint sets of responses, from their counts."""
    responses = flagged = 0
    items: dict[tuple, list[int]] = {}
    for part in parts:
        responses += part.responses
        flagged += part.flagged
        for item in part.items:
            key = (item.instrument, item.code, item.factor)
            found = items.setdefault(key, [0, 0, 0, item.position])
            found[0] += item.answers
            found[1] += item.satisfied
            found[2] += item.total
            found[3] = min(found[3], item.position)
    merged = [ItemFigure(*key, *counts) for key, counts in items.items()]
    merged.sort(key=lambda item: (item.instrument, item.position, item.code))
    return build_figures(responses, flagged, merged)


def is_below_average(own: Figures, reference: Figures, minimum: int) -> bool | None:
    """Whether an officer's SIPAS index is under the unit's; None when the officer's sample is
    too small to say anything ("chưa đủ mẫu" flags nothing) or either index has no data."""
    if not own.has_sample(minimum) or own.sipas_index is None or reference.sipas_index is None:
        return None
    # Rounded so that two computations of equal data never differ by floating-point noise.
    return round(own.sipas_index, 9) < round(reference.sipas_index, 9)


def _factor_figure(items: Iterable[ItemFigure]) -> FactorFigure:
    """The mean of the item indices (and of the item means) of the items that were answered."""
    answered = [item for item in items if item.answers]
    return FactorFigure(
        index=_mean([item.index for item in answered]),
        mean=_mean([item.mean for item in answered]),
        answers=sum(item.answers for item in answered),
    )


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


# Built last: it needs the helpers above.
EMPTY_FIGURES = build_figures(0, 0, ())
