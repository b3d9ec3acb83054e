"""The pure rules of the accompaniment actions."""

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from accompaniment import rules
from accompaniment.rules import ActionInput

TODAY = date(2026, 3, 10)
OPENED = date(2026, 2, 1)


def problems(**values):
    return rules.action_problems(ActionInput(**values), today=TODAY, opened_on=OPENED)


def test_an_aid_needs_its_amount_and_its_decision():
    errors = problems(kind="financial_aid", date=TODAY)
    assert set(errors) == {"amount", "decision"}


def test_a_granted_aid_with_an_amount_is_accepted():
    assert not problems(kind="financial_aid", date=TODAY, amount=Decimal("300"), decision="granted")


def test_an_orientation_needs_its_partner():
    assert set(problems(kind="orientation", date=TODAY)) == {"partner_id"}
    assert not problems(kind="orientation", date=TODAY, has_partner=True)


def test_coaching_needs_a_duration_and_transport_its_trips():
    assert set(problems(kind="coaching", date=TODAY)) == {"duration_minutes"}
    assert set(problems(kind="transport", date=TODAY)) == {"trips"}
    assert not problems(kind="transport", date=TODAY, trips=2, km=Decimal("12.5"))


def test_a_field_another_kind_needs_is_refused_rather_than_dropped():
    errors = problems(kind="coaching", date=TODAY, duration_minutes=60, amount=Decimal("10"))
    assert set(errors) == {"amount"}


def test_a_workshop_is_not_an_individual_action():
    assert set(problems(kind="workshop", date=TODAY)) == {"type_id"}


def test_an_action_is_dated_between_the_opening_of_the_pathway_and_today():
    assert "date" in problems(kind="carpool", date=date(2026, 3, 11))
    assert "date" in problems(kind="carpool", date=date(2026, 1, 31))
    assert not problems(kind="carpool", date=OPENED)


def test_a_pending_orientation_takes_any_outcome_and_a_known_one_is_final():
    assert (
        rules.outcome_change_problem(kind="orientation", current="pending", target="done") is None
    )
    assert rules.outcome_change_problem(kind="orientation", current="done", target="done") is None
    assert rules.outcome_change_problem(kind="orientation", current="done", target="refused")
    assert rules.outcome_change_problem(kind="coaching", current="", target="done")


def test_only_a_granted_aid_is_paid_and_not_in_the_future():
    common = {"kind": "financial_aid", "action_date": OPENED, "today": TODAY}
    assert rules.paid_on_problem(decision="refused", paid_on=TODAY, **common)
    assert rules.paid_on_problem(decision="granted", paid_on=date(2026, 3, 11), **common)
    assert rules.paid_on_problem(decision="granted", paid_on=date(2026, 1, 1), **common)
    assert rules.paid_on_problem(decision="granted", paid_on=TODAY, **common) is None


def test_a_session_is_full_when_every_place_is_taken():
    assert not rules.is_full(capacity=8, registered=7)
    assert rules.is_full(capacity=8, registered=8)


def test_an_excused_absence_needs_its_reason():
    assert rules.attendance_row_problems(status="excused", reason=" ") == {
        "reason": "Une absence justifiée demande son motif."
    }
    assert not rules.attendance_row_problems(status="unexcused", reason="")


def test_a_catalogue_code_is_a_lower_case_code_and_answers_are_recommendation_codes():
    assert "code" in rules.type_problems(
        code="Atelier vélo", kind="workshop", label="x", answers=[]
    )
    assert "answers" in rules.type_problems(
        code="bike", kind="workshop", label="Vélo", answers=["bike_school", "bike_school"]
    )
    assert not rules.type_problems(
        code="bike", kind="workshop", label="Vélo", answers=["bike_school"]
    )


def test_recommendations_answered_by_nothing_yet_are_to_engage():
    found = rules.suggestions(
        recommendations=[("coaching", "Accompagnement"), ("bike_school", "Vélo-école"), ("x", "X")],
        types=[(1, ["coaching"]), (2, ["bike_school", "rental_bike"])],
        done_type_ids=[1],
    )
    assert [(s.code, s.type_ids, s.answered) for s in found] == [
        ("coaching", (1,), True),
        ("bike_school", (2,), False),
        ("x", (), False),
    ]
    assert [s.code for s in rules.to_engage(found)] == ["bike_school"]


# ---- places left and cancellation


@given(capacity=st.integers(min_value=0, max_value=500), registered=st.integers(0, 500))
def test_places_left_never_goes_below_zero_and_agrees_with_full(capacity, registered):
    left = rules.places_left(capacity=capacity, registered=registered)
    assert left >= 0
    assert left == max(0, capacity - registered)
    assert (left == 0) == rules.is_full(capacity=capacity, registered=registered)


def test_places_left_counts_what_remains():
    assert rules.places_left(capacity=8, registered=3) == 5
    assert rules.places_left(capacity=8, registered=8) == 0
    assert rules.places_left(capacity=2, registered=5) == 0  # capacity lowered afterwards


@given(
    already_cancelled=st.booleans(),
    attendance_recorded=st.booleans(),
    reason=st.sampled_from(["", "   ", "Salle indisponible"]),
)
def test_a_session_is_cancelled_once_with_a_reason_before_its_sheet(
    already_cancelled, attendance_recorded, reason
):
    errors = rules.cancellation_problems(
        already_cancelled=already_cancelled, attendance_recorded=attendance_recorded, reason=reason
    )
    if already_cancelled:
        assert errors == {"session": "Cette séance est déjà annulée."}
    elif attendance_recorded:
        assert set(errors) == {"session"} and "émargement" in errors["session"]
    elif not reason.strip():
        assert errors == {"reason": "Indiquez le motif de l'annulation."}
    else:
        assert errors == {}
