"""The complement rule (mobility.reports.secrecy, rule 4) and the reports that enclose a
filtered one (mobility.reports.rules.enclosing), by example and by property."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mobility.reports import secrecy
from mobility.reports.rules import PeopleFilters, enclosing


@pytest.mark.parametrize(
    ("count", "outer", "shown"),
    [
        (136, [139], None),  # 3 people left out: the difference would name them
        (136, [136], 136),  # nobody left out
        (136, [141], 136),  # 5 left out: enough
        (136, [300, 137], None),  # any enclosing report can give them away
        (3, [300], None),  # the count itself is still secret
        (0, [0, 9], 0),  # nobody here, and nobody or enough left out
        (0, [4], None),  # nobody here but 4 left out: "none lives here" is about them
    ],
)
def test_a_count_is_masked_when_it_or_what_it_leaves_out_is_one_to_four(count, outer, shown):
    assert secrecy.mask_count(count, enclosing=outer) == shown


def test_an_enclosing_count_below_the_count_is_a_programming_error():
    with pytest.raises(ValueError):
        secrecy.mask_count(10, enclosing=[9])


def test_a_breakdown_part_is_masked_on_its_complement_and_hides_a_second_part():
    # 100 women of 103 in the whole: the 3 women left out are a secret group.
    parts = {"women": 100, "men": 50, "other": 0}
    whole = {"women": 103, "men": 60, "other": 0}
    masked = secrecy.masked_parts(parts, enclosing=[whole])
    assert masked == {"women", "men"}
    assert not secrecy.hides_total(parts, masked)


def test_a_lone_masked_part_takes_the_total_with_it():
    parts = {"women": 100, "men": 0, "other": 0}
    masked = secrecy.masked_parts(parts, enclosing=[{"women": 103, "men": 7, "other": 0}])
    assert masked == {"women"}
    assert secrecy.hides_total(parts, masked)


def test_rates_and_sums_follow_the_people_behind_them():
    assert secrecy.mask_rate(5, 10, people=10, enclosing=[12]) is None
    assert secrecy.mask_rate(5, 10, people=10, enclosing=[15]) == 0.5
    assert secrecy.mask_over_people(42.0, people=10, enclosing=[11]) is None
    assert secrecy.mask_over_people(42.0, people=10, enclosing=[10]) == 42.0


counts = st.integers(min_value=0, max_value=40)
thresholds = st.integers(min_value=1, max_value=11)


@st.composite
def layered_count(draw):
    own = draw(counts)
    outer = draw(st.lists(st.integers(min_value=0, max_value=40), max_size=5))
    return own, [own + extra for extra in outer]


@given(layers=layered_count(), threshold=thresholds)
def test_a_shown_count_never_leaves_out_a_secret_group(layers, threshold):
    own, outer = layers
    shown = secrecy.mask_count(own, threshold, enclosing=outer)
    if shown is not None:
        assert shown == own
        assert not secrecy.is_secret(own, threshold)
        for wider in outer:
            assert not secrecy.is_secret(wider - own, threshold)
    else:
        assert secrecy.is_secret(own, threshold) or any(
            secrecy.is_secret(wider - own, threshold) for wider in outer
        )


@st.composite
def layered_breakdown(draw):
    keys = draw(st.lists(st.sampled_from("abcdefg"), unique=True, max_size=6))
    own = {key: draw(counts) for key in keys}
    outer = [
        {key: value + draw(counts) for key, value in own.items()}
        for _ in range(draw(st.integers(min_value=0, max_value=3)))
    ]
    return own, outer


@given(layers=layered_breakdown(), threshold=thresholds)
def test_breakdowns_hold_both_sides_to_the_threshold(layers, threshold):
    own, outer = layers
    masked = secrecy.masked_parts(own, threshold, enclosing=outer)
    shown = secrecy.mask_breakdown(own, threshold, enclosing=outer)
    assert {key for key, value in shown.items() if value is None} == masked
    for key, value in own.items():
        if key not in masked:
            assert shown[key] == value
            assert not secrecy.is_secret(value, threshold)
            for wider in outer:
                assert not secrecy.is_secret(wider[key] - value, threshold)
        if value == 0 and all(wider[key] == 0 for wider in outer):
            assert key not in masked  # nobody on either side: nothing to hide
    # The total minus the shown parts gives the sum of the hidden ones: never one part,
    # unless the total goes too.
    if len(masked) == 1:
        assert secrecy.hides_total(own, masked)


@given(layers=layered_breakdown(), threshold=thresholds)
def test_without_enclosing_reports_the_rules_are_those_of_a_whole_report(layers, threshold):
    own, _outer = layers
    assert secrecy.masked_parts(own, threshold, enclosing=[]) == secrecy.masked_parts(
        own, threshold
    )


filters = st.builds(
    PeopleFilters,
    prescriber_id=st.one_of(st.none(), st.integers(min_value=1, max_value=9)),
    postal_code=st.one_of(st.just(""), st.from_regex(r"\A[0-9]{2,5}\Z")),
    commune=st.sampled_from(["", "Sedan"]),
    qpv_only=st.booleans(),
)


def encloses(wide: PeopleFilters, narrow: PeopleFilters) -> bool:
    """Every filter of `wide` is one of `narrow`'s, or looser (a shorter prefix)."""
    return (
        wide.prescriber_id in (None, narrow.prescriber_id)
        and narrow.postal_code.startswith(wide.postal_code)
        and wide.commune in ("", narrow.commune)
        and (not wide.qpv_only or narrow.qpv_only)
    )


@given(narrow=filters)
def test_the_enclosing_reports_are_every_loosening_of_the_filters(narrow):
    wider = enclosing(narrow)
    assert narrow not in wider
    assert len(set(wider)) == len(wider)
    assert all(encloses(wide, narrow) for wide in wider)
    if narrow.is_everyone:
        assert wider == ()
        return
    assert wider[0] == PeopleFilters()  # the whole report first
    options = (
        (2 if narrow.prescriber_id else 1)
        * (len(narrow.postal_code) if narrow.postal_code else 1)
        * (2 if narrow.commune else 1)
        * (2 if narrow.qpv_only else 1)
    )
    assert len(wider) == options - 1


def test_the_enclosing_reports_of_the_issues_attacks():
    assert enclosing(PeopleFilters(postal_code="0820")) == (
        PeopleFilters(),
        PeopleFilters(postal_code="08"),
        PeopleFilters(postal_code="082"),
    )
    assert set(enclosing(PeopleFilters(prescriber_id=1, commune="Sedan"))) == {
        PeopleFilters(),
        PeopleFilters(prescriber_id=1),
        PeopleFilters(commune="Sedan"),
    }
