"""The figures of domain.md §2 "Formulas", built from counts: item, factor and SIPAS indices,
overall satisfaction, mean scores and flagged responses.

Everything here is derived from additive counts (responses, flagged, per item: answers,
satisfied answers, sum of values, and per instrument and factor: the responses with an answer in
the factor), so the figures of a whole are the figures of the summed counts of its parts
(`sum_figures`): a province is the sum of its communes.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
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
    # (instrument, factor) → responses of that instrument with an answer in the factor; None:
    # figures frozen before the weighted rule, whose factors are plain means of their items.
    weights: Mapping[tuple[str, Factor], int] | None = None

    def has_sample(self, minimum: int) -> bool:
        return self.responses >= minimum

    @property
    def flagged_pct(self) -> float | None:
        return _ratio(100 * self.flagged, self.responses)


def build_figures(
    responses: int,
    flagged: int,
    items: Iterable[ItemFigure],
    weights: Mapping[tuple[str, Factor], int] | None = None,
) -> Figures:
    """`weights`: see Figures.weights; None keeps the old rule (a snapshot frozen before)."""
    items = tuple(items)
    of_factor: dict[Factor | None, list[ItemFigure]] = {factor: [] for factor in Factor}
    for item in items:  # one pass, not one per factor: a dashboard builds a thousand of these
        if item.factor is not None:
            of_factor[item.factor].append(item)
    factors = {factor: _factor_figure(of_factor[factor], weights) for factor in Factor}
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
        weights=None if weights is None else dict(weights),
    )


def sum_figures(parts: Iterable[Figures]) -> Figures:
    """The figures of the union of disjoint sets of responses, from their counts."""
    total = Counts()
    for part in parts:
        total.add(Counts.of(part))
    return total.figures()


# An item's name across the versions of its instrument: (instrument, code, factor).
ItemName = tuple[str, str, Factor | None]


class Counts:
    """The additive counts behind one cell's figures: responses, flagged, per item [answers,
    satisfied, total, position], and the factor weights (None: frozen under the old rule).
    A breakdown adds up its cells' counts and builds each group's figures once: a province's
    dashboard sums some 3,000 cells, and building figures for each cell first cost more than
    all its queries."""

    __slots__ = ("responses", "flagged", "items", "weights")

    def __init__(
        self,
        responses: int = 0,
        flagged: int = 0,
        items: dict[ItemName, list[int]] | None = None,
        weights: dict[tuple[str, Factor], int] | None = None,
    ) -> None:
        self.responses, self.flagged = responses, flagged
        self.items = {} if items is None else items
        self.weights: dict[tuple[str, Factor], int] | None = defaultdict(int, weights or {})

    @classmethod
    def of(cls, figures: Figures) -> "Counts":
        items = {
            (item.instrument, item.code, item.factor): [
                item.answers,
                item.satisfied,
                item.total,
                item.position,
            ]
            for item in figures.items
        }
        counts = cls(figures.responses, figures.flagged, items, figures.weights)
        if figures.weights is None:
            counts.weights = None
        return counts

    def add(self, other: "Counts") -> "Counts":
        self.responses += other.responses
        self.flagged += other.flagged
        self.weights = _add_weights(self.weights, other.weights)
        for name, (answers, satisfied, total, position) in other.items.items():
            self.add_item(name, answers, satisfied, total, position)
        return self

    def add_item(
        self, name: ItemName, answers: int, satisfied: int, total: int, position: int
    ) -> None:
        found = self.items.get(name)
        if found is None:
            self.items[name] = [answers, satisfied, total, position]
            return
        found[0] += answers
        found[1] += satisfied
        found[2] += total
        found[3] = min(found[3], position)

    def figures(self) -> Figures:
        merged = [ItemFigure(*name, *counts) for name, counts in self.items.items()]
        merged.sort(key=lambda item: (item.instrument, item.position, item.code))
        return build_figures(self.responses, self.flagged, merged, self.weights)


def sum_counts(parts: Iterable[Counts]) -> Counts:
    total = Counts()
    for part in parts:
        total.add(part)
    return total


def _add_weights(
    total: dict[tuple[str, Factor], int] | None, part: Mapping[tuple[str, Factor], int] | None
) -> dict[tuple[str, Factor], int] | None:
    if total is None or part is None:  # a part frozen under the old rule: the old rule
        return None
    for key, count in part.items():
        total[key] += count
    return total


def is_below_average(own: Figures, reference: Figures, minimum: int) -> bool | None:
    """Whether an officer's SIPAS index is under the unit's; None when the officer's sample is
    too small to say anything ("chưa đủ mẫu" flags nothing) or either index has no data."""
    if not own.has_sample(minimum) or own.sipas_index is None or reference.sipas_index is None:
        return None
    # Rounded so that two computations of equal data never differ by floating-point noise.
    return round(own.sipas_index, 9) < round(reference.sipas_index, 9)


def _factor_figure(
    items: list[ItemFigure], weights: Mapping[tuple[str, Factor], int] | None
) -> FactorFigure:
    """Per instrument, the mean of the item indices (and of the item means) of the items that
    were answered; across instruments, the mean of those weighted by each instrument's
    responses with an answer in the factor (domain.md §2, revised). With one instrument, or
    the old rule (`weights` None), the plain mean of the items."""
    answered = [item for item in items if item.answers]
    answers = sum(item.answers for item in answered)
    by_instrument = defaultdict(list)
    for item in answered:
        by_instrument[item.instrument].append(item)
    if weights is None or len(by_instrument) < 2:
        index, mean = _mean([i.index for i in answered]), _mean([i.mean for i in answered])
        return FactorFigure(index=index, mean=mean, answers=answers)
    parts = [
        (_weight(weights, instrument, found), found) for instrument, found in by_instrument.items()
    ]
    return FactorFigure(
        index=_weighted([(w, _mean([i.index for i in found])) for w, found in parts]),
        mean=_weighted([(w, _mean([i.mean for i in found])) for w, found in parts]),
        answers=answers,
    )


def _weight(
    weights: Mapping[tuple[str, Factor], int], instrument: str, items: list[ItemFigure]
) -> int:
    """The instrument's responses with an answer in the factor; for a source without
    questionnaire responses (complaint ratings: one rating each), its most answered item."""
    return weights.get((instrument, items[0].factor)) or max(item.answers for item in items)


def _weighted(pairs: list[tuple[int, float]]) -> float:
    return sum(weight * value for weight, value in pairs) / sum(weight for weight, _ in pairs)


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


# Built last: it needs the helpers above.
EMPTY_FIGURES = build_figures(0, 0, (), {})
