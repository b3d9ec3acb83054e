"""The pure rules of a funder's audit of signed sheets: hours per person, what is missing."""

from datetime import UTC, datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from mobility.attendance_audit import (
    PersonHours,
    SheetProof,
    attended_minutes,
    hours_per_person,
    missing_signatures,
)
from mobility.registry import FundedSession, SheetLine

START = datetime(2026, 3, 2, 9, tzinfo=UTC)


def line(pk, status="present", *, late=None, funded=True, name=None):
    return SheetLine(
        key=f"attendance:{pk}",
        person_id=pk,
        person=name or f"Personne {pk}",
        status=status,
        status_label=status,
        attended=status in ("present", "late"),
        late_minutes=late,
        funded=funded,
    )


def session(*lines, minutes=120, leader="Nadia Moniteur"):
    return FundedSession(
        kind="lesson_sheet",
        session=None,
        label="Auto-école : séance de code",
        start=START,
        duration_minutes=minutes,
        leader=leader,
        lines=tuple(lines),
    )


def test_present_counts_the_whole_session_late_less_its_minutes_absent_nothing():
    assert attended_minutes(line(1), 120) == 120
    assert attended_minutes(line(1, "late", late=30), 120) == 90
    assert attended_minutes(line(1, "late", late=None), 120) == 120
    assert attended_minutes(line(1, "late", late=500), 120) == 0
    assert attended_minutes(line(1, "excused"), 120) == 0
    assert attended_minutes(line(1, "unexcused"), 120) == 0
    assert attended_minutes(line(1, ""), 120) == 0


def test_hours_add_up_per_person_over_sessions_funded_lines_only_by_name():
    sessions = [
        session(line(1, name="Zoé Petit"), line(2, "late", late=15, name="Ali Ben"), minutes=120),
        session(line(1, "unexcused", name="Zoé Petit"), line(3, funded=False), minutes=90),
        session(line(2, name="Ali Ben"), minutes=90),
    ]
    assert hours_per_person(sessions) == [
        PersonHours(person_id=2, person="Ali Ben", sessions=2, minutes=105 + 90),
        PersonHours(person_id=1, person="Zoé Petit", sessions=1, minutes=120),
    ]
    assert hours_per_person(sessions)[0].hours == Decimal("3.25")


def test_a_person_booked_but_never_present_is_listed_with_no_hours():
    (row,) = hours_per_person([session(line(1, "excused"))])
    assert (row.sessions, row.minutes, row.hours) == (0, 0, Decimal("0.00"))


def test_no_session_no_hours():
    assert hours_per_person([]) == []


statuses = st.sampled_from(["present", "late", "excused", "unexcused", ""])


@given(
    st.lists(
        st.tuples(
            st.integers(1, 600),
            st.lists(
                st.tuples(st.integers(1, 5), statuses, st.none() | st.integers(1, 600)),
                max_size=6,
                unique_by=lambda x: x[0],
            ),
        ),
        max_size=8,
    )
)
def test_totals_equal_the_sum_of_each_attended_line(spec):
    sessions = [
        session(
            *(
                line(pk, status, late=late if status == "late" else None)
                for pk, status, late in rows
            ),
            minutes=minutes,
        )
        for minutes, rows in spec
    ]
    totals = {row.person_id: row for row in hours_per_person(sessions)}
    for pk in {pk for _m, rows in spec for pk, _s, _l in rows}:
        expected = sum(
            attended_minutes(one, s.duration_minutes)
            for s in sessions
            for one in s.lines
            if one.person_id == pk
        )
        assert totals[pk].minutes == expected
        assert 0 <= totals[pk].minutes <= sum(s.duration_minutes for s in sessions)
        assert totals[pk].sessions == sum(
            1 for s in sessions for one in s.lines if one.person_id == pk and one.attended
        )


def test_nothing_signed_misses_each_present_or_late_person_and_the_closing():
    sheet = session(line(1), line(2, "late", late=5), line(3, "excused"), line(4, ""))
    missing = missing_signatures(sheet, SheetProof())
    assert [(m.key, m.who, m.what) for m in missing] == [
        ("attendance:1", "Personne 1", "signature de la personne"),
        ("attendance:2", "Personne 2", "signature de la personne"),
        ("attendance:4", "Personne 4", "émargement non fait"),
        ("closing", "Nadia Moniteur", "signature de clôture"),
    ]


def test_a_closed_sheet_signed_by_everyone_present_misses_nothing():
    sheet = session(line(1), line(3, "unexcused"))
    proof = SheetProof(proof="tablet", signed_keys=frozenset({"attendance:1"}), closed=True)
    assert missing_signatures(sheet, proof) == []


def test_a_closed_sheet_still_names_a_present_person_who_did_not_sign():
    sheet = session(line(1), line(2))
    proof = SheetProof(proof="tablet", signed_keys=frozenset({"attendance:1"}), closed=True)
    assert [m.key for m in missing_signatures(sheet, proof)] == ["attendance:2"]


def test_a_scanned_paper_sheet_is_the_whole_proof():
    sheet = session(line(1), line(2))
    assert missing_signatures(sheet, SheetProof(proof="paper")) == []


def test_a_sheet_without_leader_says_so_for_the_closing():
    (closing,) = missing_signatures(session(leader=""), SheetProof())
    assert closing.who == "animateur·rice non désigné·e"
