"""Statistical secrecy of the funder reports (docs/regles-metier.md): pure, no ORM, no I/O.

The rules, decided here and tested exhaustively in tests/reports/test_secrecy*.py:

1. A count of 1 to `threshold - 1` people is masked (`None`: `null` in JSON, a dash in
   files). Zero is shown: "nobody" reveals no one. The threshold is the setting
   REPORT_SECRECY_THRESHOLD (default 5).
2. Within a breakdown (people by sex, outcomes by kind, referrals by prescriber,
   services by kind...), the parts add up to a total that is shown. If exactly one
   part is masked, the next smallest non-zero part is masked too (secondary masking),
   so the total minus the shown parts cannot reveal it. A breakdown may have parts that
   are not displayed (the people *not* living in a QPV, beside those who do): they take
   part in the rule all the same. Distinct indicators (presented and passed) are not
   breakdowns of each other.
   When exactly one part is masked and no other part counts anyone, that part is the
   breakdown's total: the total is masked with it (`hides_total`).
3. A rate, a mean, or a sum of money, days or km computed over fewer than `threshold`
   people is masked, and so is a rate whose numerator is a masked count (a share of 3
   out of 10 would give the 3 back).
4. Secrecy that survives subtraction. A report restricted to some people (a prescriber,
   a territory, the QPV) is read beside the reports that enclose it (the same platforms
   and period with fewer filters: mobility.reports.rules.enclosing). Subtracting one
   from the other counts the people left out (the complement): a figure is masked when
   its own count OR its complement in any enclosing report counts 1 to `threshold - 1`
   people (even a zero: "none of those 3 lives here" is about those 3). Rules 2 and 3
   apply with this test in place of rule 1. The enclosing counts
   are passed in (`enclosing`); without them the rules are those of a whole report.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

DEFAULT_THRESHOLD = 5

K = TypeVar("K", bound=Hashable)


def is_secret(count: int, threshold: int = DEFAULT_THRESHOLD) -> bool:
    """True for a count of 1 to threshold - 1 people."""
    if count < 0:
        raise ValueError("A count of people cannot be negative.")
    return 0 < count < threshold


def is_disclosive(
    count: int, threshold: int = DEFAULT_THRESHOLD, *, enclosing: Iterable[int] = ()
) -> bool:
    """True when showing `count` singles out 1 to threshold - 1 people: the count itself,
    or what it leaves out of an enclosing report (the enclosing count minus this one).

    An enclosing count below this one is a programming error (ValueError): the enclosing
    report holds every person of this one.
    """
    return is_secret(count, threshold) or any(
        is_secret(outer - count, threshold) for outer in enclosing
    )


def mask_count(
    count: int, threshold: int = DEFAULT_THRESHOLD, *, enclosing: Iterable[int] = ()
) -> int | None:
    """The count, or None when it is secret, or its complement in an enclosing report is."""
    return None if is_disclosive(count, threshold, enclosing=enclosing) else count


def masked_parts(
    parts: Mapping[K, int],
    threshold: int = DEFAULT_THRESHOLD,
    *,
    enclosing: Sequence[Mapping[K, int]] = (),
) -> set[K]:
    """The keys of a breakdown to mask: primary (rule 1, or rule 4 against the same part
    of each enclosing breakdown; a part missing there counts 0) then secondary.

    When exactly one part is masked, the smallest other non-zero part is masked too
    (ties go to the part listed first, so the result does not depend on chance).
    """
    masked = {
        key
        for key, count in parts.items()
        if is_disclosive(count, threshold, enclosing=[outer.get(key, 0) for outer in enclosing])
    }
    if len(masked) == 1:
        others = [
            (count, position, key)
            for position, (key, count) in enumerate(parts.items())
            if count > 0 and key not in masked
        ]
        if others:
            masked.add(min(others, key=lambda item: item[:2])[2])
    return masked


def hides_total(parts: Mapping[K, int], masked: set[K]) -> bool:
    """True when the breakdown's total must be masked too: a single part is masked and
    no other part counts anyone, so the total is that part."""
    return len(masked) == 1 and not any(count for key, count in parts.items() if key not in masked)


def mask_breakdown(
    parts: Mapping[K, int],
    threshold: int = DEFAULT_THRESHOLD,
    *,
    enclosing: Sequence[Mapping[K, int]] = (),
) -> dict[K, int | None]:
    """The breakdown with its masked parts set to None (same keys, same order)."""
    masked = masked_parts(parts, threshold, enclosing=enclosing)
    return {key: None if key in masked else count for key, count in parts.items()}


def mask_rate(
    numerator: int | float,
    denominator: int | float,
    *,
    people: int,
    threshold: int = DEFAULT_THRESHOLD,
    numerator_masked: bool = False,
    enclosing: Iterable[int] = (),
) -> float | None:
    """numerator / denominator as a fraction, or None when it would reveal too little
    a group: fewer than `threshold` people behind it (or left out of an enclosing
    report), a masked numerator, or nothing to divide by."""
    if (
        not denominator
        or people < threshold
        or numerator_masked
        or is_disclosive(people, threshold, enclosing=enclosing)
    ):
        return None
    return numerator / denominator


def mask_over_people(
    value, *, people: int, threshold: int = DEFAULT_THRESHOLD, enclosing: Iterable[int] = ()
):
    """A mean, a sum of money, days or km: masked when 1 to threshold - 1 people are
    behind it, or left out of it by an enclosing report (over nobody, a sum is zero and a
    mean does not exist: nothing to hide)."""
    if value is None or is_disclosive(people, threshold, enclosing=enclosing):
        return None
    return value


def mask_by_people(
    values: Mapping[K, object],
    people: Mapping[K, int],
    threshold: int = DEFAULT_THRESHOLD,
    *,
    enclosing: Sequence[Mapping[K, int]] = (),
) -> dict[K, object | None]:
    """Volumes per part (rental days per vehicle kind) masked where the breakdown of the
    people behind them masks the part (rule 2 applied to the people, rule 3 to the values).
    A part with nobody behind it shows its value (zero)."""
    masked = masked_parts(people, threshold, enclosing=enclosing)
    return {key: None if key in masked else value for key, value in values.items()}
