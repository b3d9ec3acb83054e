"""The statistical secrecy rules (mobility.reports.secrecy), by example and by property."""

from itertools import product

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mobility.reports import secrecy


@pytest.mark.parametrize(
    ("count", "shown"),
    [(0, 0), (1, None), (2, None), (3, None), (4, None), (5, 5), (6, 6), (120, 120)],
)
def test_a_count_of_one_to_four_people_is_masked_and_zero_is_shown(count, shown):
    assert secrecy.mask_count(count) == shown


def test_the_threshold_is_a_parameter():
    assert secrecy.mask_count(9, threshold=10) is None
    assert secrecy.mask_count(10, threshold=10) == 10
    assert secrecy.mask_count(1, threshold=1) == 1


def test_a_negative_count_is_a_programming_error():
    with pytest.raises(ValueError):
        secrecy.is_secret(-1)


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        # Nothing secret: nothing masked.
        ({"f": 7, "m": 6, "x": 0}, {"f": 7, "m": 6, "x": 0}),
        # One secret part: the next smallest non-zero part goes too.
        ({"f": 10, "m": 3, "x": 0}, {"f": None, "m": None, "x": 0}),
        ({"a": 20, "b": 6, "c": 2, "d": 9}, {"a": 20, "b": None, "c": None, "d": 9}),
        # Two secret parts already hide each other.
        ({"a": 20, "b": 1, "c": 2}, {"a": 20, "b": None, "c": None}),
        # Ties go to the part listed first.
        ({"a": 3, "b": 7, "c": 7}, {"a": None, "b": None, "c": 7}),
        # Zeros are never a hiding place: they reveal nothing and stay zero.
        ({"a": 0, "b": 2, "c": 0, "d": 8}, {"a": 0, "b": None, "c": 0, "d": None}),
        # A lone non-zero secret part: nothing else to mask (the total is secret too).
        ({"a": 0, "b": 4}, {"a": 0, "b": None}),
        ({}, {}),
    ],
)
def test_breakdown_examples(parts, expected):
    assert secrecy.mask_breakdown(parts) == expected


def test_the_breakdown_keeps_its_keys_and_order():
    parts = {"z": 9, "a": 2, "m": 30}
    assert list(secrecy.mask_breakdown(parts)) == ["z", "a", "m"]


def test_every_small_breakdown_exhaustively():
    """All breakdowns of three parts from 0 to 12 people: the rules hold on each."""
    for values in product(range(13), repeat=3):
        parts = dict(zip("abc", values, strict=True))
        check_breakdown(parts, secrecy.mask_breakdown(parts), threshold=5)


def check_breakdown(parts, shown, threshold):
    masked = {key for key, value in shown.items() if value is None}
    total = sum(parts.values())
    for key, value in parts.items():
        # A shown value is the true one and never a secret count.
        if shown[key] is not None:
            assert shown[key] == value
            assert not 0 < value < threshold
        # Every secret count is masked; zeros never are.
        if 0 < value < threshold:
            assert key in masked
        if value == 0:
            assert key not in masked
    # A single masked part could be read back from the total: only when the total is
    # itself a secret count (then nothing else is non-zero).
    if len(masked) == 1:
        assert 0 < total < threshold
        assert all(parts[k] == 0 for k in parts if k not in masked)
    # Secondary masking takes one part, no more.
    primary = {key for key, value in parts.items() if 0 < value < threshold}
    assert len(masked - primary) <= 1


breakdowns = st.dictionaries(
    st.text(alphabet="abcdefgh", min_size=1, max_size=3),
    st.integers(min_value=0, max_value=60),
    max_size=8,
)


@given(parts=breakdowns, threshold=st.integers(min_value=1, max_value=11))
def test_breakdown_rules_hold_for_any_breakdown(parts, threshold):
    check_breakdown(parts, secrecy.mask_breakdown(parts, threshold), threshold)


@given(parts=breakdowns, threshold=st.integers(min_value=1, max_value=11))
def test_the_total_minus_the_shown_parts_never_gives_one_secret_part_back(parts, threshold):
    shown = secrecy.mask_breakdown(parts, threshold)
    total = sum(parts.values())
    if secrecy.is_secret(total, threshold):
        return  # the total itself is masked in the report
    hidden = [parts[k] for k, v in shown.items() if v is None]
    # What a reader can compute: the sum of the hidden parts. It must not be one part.
    assert len(hidden) != 1
    if hidden:
        assert total - sum(v for v in shown.values() if v is not None) == sum(hidden)


@given(
    numerator=st.integers(min_value=0, max_value=100),
    extra=st.integers(min_value=0, max_value=100),
    threshold=st.integers(min_value=1, max_value=11),
)
def test_a_rate_is_shown_only_over_enough_people_with_a_shown_numerator(
    numerator, extra, threshold
):
    denominator = numerator + extra
    masked_numerator = secrecy.is_secret(numerator, threshold)
    rate = secrecy.mask_rate(
        numerator,
        denominator,
        people=denominator,
        threshold=threshold,
        numerator_masked=masked_numerator,
    )
    if denominator < threshold or masked_numerator or denominator == 0:
        assert rate is None
    else:
        assert rate == numerator / denominator
        assert 0 <= rate <= 1


@given(people=st.integers(min_value=0, max_value=20), value=st.floats(0, 1000))
def test_a_mean_or_a_sum_over_too_few_people_is_masked(people, value):
    shown = secrecy.mask_over_people(value, people=people)
    assert shown == (None if 0 < people < 5 else value)


def test_volumes_follow_the_masking_of_the_people_behind_them():
    days = {"bike": 5, "ebike": 0, "car": 178, "scooter": 40}
    people = {"bike": 1, "ebike": 0, "car": 5, "scooter": 9}
    assert secrecy.mask_by_people(days, people) == {
        "bike": None,
        "ebike": 0,
        "car": None,
        "scooter": 40,
    }


# Killing the surviving mutants of mutation/survivors.md: the threshold passed in, not the
# default, decides every mask; a part an enclosing breakdown lacks counts zero people.


def test_means_and_volumes_follow_the_threshold_passed_in():
    assert secrecy.mask_over_people(12.5, people=4, threshold=3) == 12.5
    assert secrecy.mask_over_people(12.5, people=2, threshold=3) is None
    shown = secrecy.mask_by_people({"car": 40, "bike": 9}, {"car": 4, "bike": 3}, 3)
    assert shown == {"car": 40, "bike": 9}


def test_a_part_missing_from_an_enclosing_breakdown_counts_nobody():
    # "bike" counts nobody here nor in the enclosing report: nothing to hide.
    assert secrecy.masked_parts({"car": 6, "bike": 0}, 5, enclosing=[{"car": 12}]) == set()
    assert secrecy.mask_breakdown({"car": 6, "bike": 0}, 5, enclosing=[{"car": 12}]) == {
        "car": 6,
        "bike": 0,
    }


def test_a_rate_over_exactly_the_threshold_is_shown():
    assert secrecy.mask_rate(3, 5, people=5, threshold=5) == 0.6
    assert secrecy.mask_rate(3, 4, people=4, threshold=5) is None


def test_volumes_follow_the_enclosing_reports_too():
    # 6 cars here, 8 in the enclosing report: the 2 left out are a secret group, so the
    # car's volume goes, and the bike's with it (secondary masking).
    shown = secrecy.mask_by_people(
        {"car": 40, "bike": 9}, {"car": 6, "bike": 6}, 5, enclosing=[{"car": 8, "bike": 12}]
    )
    assert shown == {"car": None, "bike": None}
