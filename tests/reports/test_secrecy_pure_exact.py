"""The secrecy rules' refusals pinned exactly: a negative count of people, or an enclosing
report counting fewer people than the report it encloses, is a programming error that
names itself (issue 16: the mutants of its message survived)."""

import pytest

from mobility.reports.secrecy import is_disclosive, is_secret

MESSAGE = "A count of people cannot be negative."


def test_a_negative_count_is_refused_with_its_reason():
    with pytest.raises(ValueError) as refused:
        is_secret(-1)
    assert str(refused.value) == MESSAGE


def test_an_enclosing_count_below_the_count_is_refused_with_the_same_reason():
    with pytest.raises(ValueError) as refused:
        is_disclosive(7, enclosing=[12, 6])
    assert str(refused.value) == MESSAGE


@pytest.mark.parametrize(
    ("count", "threshold", "secret"),
    [(0, 5, False), (1, 5, True), (4, 5, True), (5, 5, False), (1, 1, False), (1, 2, True)],
)
def test_secret_is_one_to_threshold_minus_one(count, threshold, secret):
    assert is_secret(count, threshold) is secret
