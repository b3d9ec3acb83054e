"""Pure rules of rentals, pinned exactly: the French sentences people read, the boundaries
(an odometer that did not move, a due day that is today) and the rounding of km and money.
Written so that the small realistic bugs mutation testing plants fail (issue 16)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fleet import rules
from fleet.enums import EntryKind

D = Decimal
NBSP = "\u00a0"
NNBSP = "\u202f"

# ---- km allowance and odometer


def test_a_negative_home_work_distance_is_refused_in_french():
    with pytest.raises(ValueError) as refused:
        rules.daily_km_allowance(home_work_km=D("-0.1"), percent=D("120"))
    assert str(refused.value) == "Une distance ne peut pas être négative."


def test_the_allowance_is_rounded_half_up_to_a_tenth_of_a_km():
    # 2 × 0.25 × 10 % = 0.05 km: half up (to the person's benefit) gives 0.1, not 0.0.
    assert rules.daily_km_allowance(home_work_km=D("0.25"), percent=D("10")) == D("0.1")
    # 2 × 7.3 × 115 % = 16.79 → 16.8
    assert rules.daily_km_allowance(home_work_km=D("7.3"), percent=D("115")) == D("16.8")
    # 2 × 12.5 × 100 % = 25.0 exactly
    assert rules.daily_km_allowance(home_work_km=D("12.5"), percent=D("100")) == D("25.0")


@given(
    km=st.decimals(min_value=0, max_value=500, places=1),
    percent=st.integers(min_value=0, max_value=300),
)
def test_the_allowance_is_percent_of_the_round_trip(km, percent):
    allowance = rules.daily_km_allowance(home_work_km=km, percent=D(percent))
    exact = 2 * km * percent / D(100)
    assert abs(allowance - exact) <= D("0.05")
    assert allowance.as_tuple().exponent == -1


def test_an_odometer_going_backwards_is_refused_in_french():
    with pytest.raises(ValueError) as refused:
        rules.km_check(previous_km=1000, odometer_km=999, daily_allowance=D(1), days=1)
    assert str(refused.value) == "Le compteur ne peut pas reculer."


def test_an_odometer_that_did_not_move_is_a_valid_reading():
    check = rules.km_check(previous_km=1000, odometer_km=1000, daily_allowance=D("43.2"), days=7)
    assert (check.km_driven, check.km_allowance, check.km_over) == (0, D("302.4"), D("0.0"))
    assert not check.exceeded


def test_driving_exactly_the_allowance_is_not_exceeding_it():
    check = rules.km_check(previous_km=0, odometer_km=50, daily_allowance=D("10.0"), days=5)
    assert check.km_over == 0 and not check.exceeded
    one_more = rules.km_check(previous_km=0, odometer_km=51, daily_allowance=D("10.0"), days=5)
    assert one_more.km_over == D("1.0") and one_more.exceeded


# ---- check-in schedule


def test_the_next_checkin_counts_from_the_previous_one_else_from_the_start():
    start = date(2026, 3, 2)
    assert rules.next_checkin_due(last_checkin=None, rental_start=start, interval_days=14) == date(
        2026, 3, 16
    )
    assert rules.next_checkin_due(
        last_checkin=date(2026, 3, 20), rental_start=start, interval_days=14
    ) == date(2026, 4, 3)


def test_a_checkin_due_on_the_last_day_of_the_week_is_due_that_week():
    monday = date(2026, 1, 5)
    sunday = monday + timedelta(days=6)
    assert rules.checkin_state(due_on=sunday, week_start=monday, today=monday) == "due"
    assert (
        rules.checkin_state(due_on=sunday + timedelta(days=1), week_start=monday, today=monday)
        is None
    )


def test_a_checkin_due_on_monday_is_due_on_monday_and_overdue_on_tuesday():
    monday = date(2026, 1, 5)
    assert rules.checkin_state(due_on=monday, week_start=monday, today=monday) == "due"
    assert (
        rules.checkin_state(due_on=monday, week_start=monday, today=monday + timedelta(days=1))
        == "overdue"
    )


def test_a_checkin_due_before_the_week_is_overdue_even_looking_back():
    # Looking at a past week from an earlier "today" (a report): before the week is overdue.
    monday = date(2026, 1, 12)
    assert (
        rules.checkin_state(due_on=date(2026, 1, 11), week_start=monday, today=date(2026, 1, 1))
        == "overdue"
    )


# ---- balances


@pytest.mark.parametrize(
    ("kind", "charged", "paid", "deposit"),
    [
        (EntryKind.CHARGE, "10.00", "0.00", "0.00"),
        (EntryKind.DAMAGE, "10.00", "0.00", "0.00"),
        (EntryKind.PAYMENT, "0.00", "10.00", "0.00"),
        (EntryKind.DEPOSIT_RETAINED, "0.00", "10.00", "-10.00"),
        (EntryKind.REFUND, "0.00", "-10.00", "0.00"),
        (EntryKind.DEPOSIT_IN, "0.00", "0.00", "10.00"),
        (EntryKind.DEPOSIT_REFUND, "0.00", "0.00", "-10.00"),
    ],
)
def test_each_kind_of_row_moves_its_own_column(kind, charged, paid, deposit):
    balance = rules.balance([(kind, D("10"))])
    assert (balance.charged, balance.paid, balance.deposit_held) == (
        D(charged),
        D(paid),
        D(deposit),
    )


def test_a_deposit_returned_or_retained_leaves_nothing_held():
    held = [(EntryKind.DEPOSIT_IN, D("150.00"))]
    assert rules.balance([*held, (EntryKind.DEPOSIT_REFUND, D("150.00"))]).deposit_held == 0
    retained = rules.balance([*held, (EntryKind.DEPOSIT_RETAINED, D("150.00"))])
    assert retained.deposit_held == 0 and retained.paid == D("150.00")


def test_balances_are_in_cents_rounded_half_up():
    balance = rules.balance([(EntryKind.CHARGE, D("10.005")), (EntryKind.PAYMENT, D("0.004"))])
    assert (balance.charged, balance.paid, balance.due) == (D("10.01"), D("0.00"), D("10.01"))
    assert balance.overpaid == D("0.00")
    assert rules.Balance(D("10"), D("12.5"), D("0")).overpaid == D("2.50")


# ---- ledger corrections: the exact sentences


@pytest.mark.parametrize(
    ("kind", "is_reversal", "already_reversed", "rental_open", "message"),
    [
        (
            EntryKind.PAYMENT,
            True,
            True,
            True,
            "Cette écriture est une contre-passation : elle ne se contre-passe pas. Si la "
            "correction était une erreur, enregistrez à nouveau l'écriture juste.",
        ),
        (
            EntryKind.DEPOSIT_REFUND,
            False,
            True,
            True,
            "Cette écriture est déjà contre-passée.",
        ),
        (
            EntryKind.DEPOSIT_REFUND,
            False,
            False,
            True,
            "La caution rendue ou retenue au retour ne se contre-passe pas : ce qui a été "
            "retenu en trop apparaît comme un trop-perçu, qui se rembourse.",
        ),
        (
            EntryKind.DEPOSIT_RETAINED,
            False,
            False,
            True,
            "La caution rendue ou retenue au retour ne se contre-passe pas : ce qui a été "
            "retenu en trop apparaît comme un trop-perçu, qui se rembourse.",
        ),
        (
            EntryKind.DEPOSIT_IN,
            False,
            False,
            False,
            "La caution d'une location rendue ne se contre-passe plus : elle a été rendue ou "
            "retenue au retour.",
        ),
    ],
)
def test_why_an_entry_cannot_be_reversed(kind, is_reversal, already_reversed, rental_open, message):
    assert (
        rules.reversal_problem(
            kind=kind,
            is_reversal=is_reversal,
            already_reversed=already_reversed,
            rental_open=rental_open,
        )
        == message
    )


@pytest.mark.parametrize(
    "kind",
    [EntryKind.CHARGE, EntryKind.DAMAGE, EntryKind.PAYMENT, EntryKind.REFUND, EntryKind.DEPOSIT_IN],
)
def test_the_reversible_kinds_are_reversible_while_the_rental_is_open(kind):
    assert (
        rules.reversal_problem(
            kind=kind, is_reversal=False, already_reversed=False, rental_open=True
        )
        is None
    )


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (D("0"), "Le montant correct doit être positif (sans montant : l'écriture est annulée)."),
        (D("-3"), "Le montant correct doit être positif (sans montant : l'écriture est annulée)."),
        (D("5000.01"), f"Le montant correct ne peut pas dépasser 5{NNBSP}000,00{NBSP}€."),
        (D("304.004"), "C'est déjà le montant de l'écriture : il n'y a rien à corriger."),
        (D("303.995"), "C'est déjà le montant de l'écriture : il n'y a rien à corriger."),
        (D("0.01"), None),
        (D("304.01"), None),
        (D("5000"), None),
    ],
)
def test_the_correct_amount_exactly(amount, message):
    assert rules.correct_amount_problem(amount=amount, original=D("304.00")) == message


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (D("0"), "Le montant remboursé doit être positif."),
        (D("-1"), "Le montant remboursé doit être positif."),
        (D("65.01"), f"Le remboursement ne peut pas dépasser le trop-perçu (65,00{NBSP}€)."),
        (D("65.004"), None),  # rounds to 65.00: the whole overpayment
        (D("65"), None),
    ],
)
def test_a_refund_exactly(amount, message):
    balance = rules.Balance(D("35.00"), D("100.00"), D("0.00"))
    assert rules.refund_problem(amount=amount, balance=balance) == message


@pytest.mark.parametrize("paid", ["35.00", "20.00"])
def test_nothing_to_refund_said_exactly(paid):
    balance = rules.Balance(D("35.00"), D(paid), D("0.00"))
    assert (
        rules.refund_problem(amount=D("1"), balance=balance)
        == "La personne n'a rien payé en trop : il n'y a rien à rembourser."
    )


def test_a_one_cent_overpayment_may_be_refunded():
    balance = rules.Balance(D("35.00"), D("35.01"), D("0.00"))
    assert rules.refund_problem(amount=D("0.01"), balance=balance) is None


# ---- payment and odometer bounds, exactly


def test_payment_problems_exactly():
    assert rules.payment_problem(D("0")) == "Le montant payé doit être positif."
    assert rules.payment_problem(D("0.01")) is None
    assert rules.payment_problem(D("5000.00")) is None
    assert rules.payment_problem(D("5000.01")) == (
        f"Un paiement ne peut pas dépasser 5{NNBSP}000,00{NBSP}€ : vérifiez le montant "
        "(un montant plus élevé se règle en plusieurs paiements)."
    )


def test_odometer_problems_exactly():
    assert rules.odometer_problem(-1) == "Le compteur ne peut pas être négatif."
    assert rules.odometer_problem(0) is None
    assert rules.odometer_problem(2_000_000) is None
    assert rules.odometer_problem(2_000_001) == (
        f"Le compteur ne peut pas dépasser 2{NNBSP}000{NNBSP}000{NBSP}km : vérifiez le relevé."
    )


# ---- situation and condition checklist


@pytest.mark.parametrize("flag", ["rsa", "qpv", "ass", "aah", "rqth"])
def test_each_situation_flag_gives_its_own_code(flag):
    flags = dict.fromkeys(["rsa", "qpv", "ass", "aah", "rqth"], False)
    flags[flag] = True
    on = date(2026, 6, 1)
    assert rules.situation(**flags, birth_date=date(1980, 1, 1), on=on) == {flag}


def test_youth_is_a_situation_until_the_26th_birthday():
    flags = dict.fromkeys(["rsa", "qpv", "ass", "aah", "rqth"], False)
    born = date(2000, 6, 1)
    assert rules.situation(**flags, birth_date=born, on=date(2026, 5, 31)) == {"youth"}
    assert rules.situation(**flags, birth_date=born, on=date(2026, 6, 1)) == frozenset()
    everything = dict.fromkeys(flags, True)
    assert rules.situation(**everything, birth_date=born, on=date(2026, 5, 31)) == {
        "rsa",
        "qpv",
        "ass",
        "aah",
        "rqth",
        "youth",
    }


REQUIRED = ("tyres", "brakes", "lights", "body", "cleanliness")


def test_a_complete_checklist_has_no_problem():
    full = dict.fromkeys(REQUIRED, "ok") | {"accessories": "worn"}
    assert rules.condition_problems(full, required=REQUIRED) == {}


def test_each_checklist_problem_is_said_on_its_item():
    condition = {
        "tyres": "ok",
        "brakes": "broken",
        "lights": "damaged",
        "body": "worn",
        "wheels": "ok",
    }
    assert rules.condition_problems(condition, required=REQUIRED) == {
        "condition.cleanliness": "Indiquez l'état de cet élément.",
        "condition.brakes": "L'état vaut ok, worn ou damaged.",
        "condition.wheels": "Élément inconnu de la liste de contrôle.",
    }


def test_an_empty_checklist_names_every_required_item():
    assert rules.condition_problems({}, required=REQUIRED) == {
        f"condition.{item}": "Indiquez l'état de cet élément." for item in REQUIRED
    }


def test_damage_is_any_item_damaged():
    assert rules.has_damage({"tyres": "ok", "body": "damaged"})
    assert not rules.has_damage({"tyres": "worn", "body": "ok"})
    assert not rules.has_damage({})
