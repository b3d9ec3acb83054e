"""The pure rules of the ledger's corrections: balances with reversals and refunds, what may
be reversed, the correct amount, what may be refunded."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fleet import rules
from fleet.enums import EntryKind

D = Decimal


def test_a_reversal_cancels_its_entry_in_the_balance():
    rows = [(EntryKind.CHARGE, D("35.00")), (EntryKind.PAYMENT, D("304.00"))]
    assert rules.balance(rows).due == D("-269.00")
    assert rules.balance([*rows, (EntryKind.PAYMENT, D("-304.00"))]).due == D("35.00")


def test_a_refund_takes_away_from_what_was_paid():
    balance = rules.balance(
        [
            (EntryKind.CHARGE, D("35.00")),
            (EntryKind.PAYMENT, D("100.00")),
            (EntryKind.REFUND, D("65.00")),
        ]
    )
    assert (balance.charged, balance.paid, balance.due, balance.overpaid) == (
        D("35.00"),
        D("35.00"),
        D("0.00"),
        D("0.00"),
    )


def test_overpaid_is_what_was_paid_beyond_what_is_owed_never_negative():
    assert rules.Balance(D("10"), D("25"), D("0")).overpaid == D("15.00")
    assert rules.Balance(D("25"), D("10"), D("0")).overpaid == D("0.00")


@given(
    st.lists(
        st.tuples(
            st.sampled_from(list(EntryKind)),
            st.decimals(min_value=D("0.01"), max_value=D("5000"), places=2),
        ),
        max_size=12,
    )
)
def test_reversing_every_entry_brings_the_balance_back_to_zero(rows):
    reversed_rows = [(kind, -amount) for kind, amount in rows]
    balance = rules.balance(rows + reversed_rows)
    assert (balance.due, balance.deposit_held) == (D("0.00"), D("0.00"))


@pytest.mark.parametrize(
    ("kind", "is_reversal", "already_reversed", "rental_open", "refused"),
    [
        (EntryKind.PAYMENT, False, False, True, None),
        (EntryKind.PAYMENT, False, False, False, None),  # after the return too
        (EntryKind.CHARGE, False, False, False, None),
        (EntryKind.DAMAGE, False, False, False, None),
        (EntryKind.REFUND, False, False, False, None),
        (EntryKind.DEPOSIT_IN, False, False, True, None),
        (EntryKind.DEPOSIT_IN, False, False, False, "caution d'une location rendue"),
        (EntryKind.DEPOSIT_REFUND, False, False, False, "ne se contre-passe pas"),
        (EntryKind.DEPOSIT_RETAINED, False, False, False, "trop-perçu"),
        (EntryKind.PAYMENT, True, False, True, "est une contre-passation"),
        (EntryKind.PAYMENT, False, True, True, "déjà contre-passée"),
    ],
)
def test_what_may_be_reversed(kind, is_reversal, already_reversed, rental_open, refused):
    problem = rules.reversal_problem(
        kind=kind,
        is_reversal=is_reversal,
        already_reversed=already_reversed,
        rental_open=rental_open,
    )
    if refused is None:
        assert problem is None
    else:
        assert refused in problem


@pytest.mark.parametrize(
    ("amount", "problem"),
    [
        (D("30.40"), None),
        (D("304.00"), "rien à corriger"),
        (D("304"), "rien à corriger"),
        (D("0"), "positif"),
        (D("-1"), "positif"),
        (D("5000.00"), None),
        (D("5000.01"), "dépasser 5"),
    ],
)
def test_the_correct_amount(amount, problem):
    found = rules.correct_amount_problem(amount=amount, original=D("304.00"))
    assert found is None if problem is None else problem in found


@pytest.mark.parametrize(
    ("amount", "problem"),
    [
        (D("65.00"), None),
        (D("0.01"), None),
        (D("65.01"), "65,00"),
        (D("0"), "positif"),
    ],
)
def test_a_refund_is_bounded_by_the_overpaid_balance(amount, problem):
    balance = rules.Balance(D("35.00"), D("100.00"), D("0.00"))
    found = rules.refund_problem(amount=amount, balance=balance)
    assert found is None if problem is None else problem in found


def test_nothing_to_refund_when_nothing_was_overpaid():
    balance = rules.Balance(D("35.00"), D("35.00"), D("0.00"))
    assert "rien à rembourser" in rules.refund_problem(amount=D("1"), balance=balance)
