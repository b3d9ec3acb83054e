"""The rules of a funder's audit of signed attendance sheets (pure: no database, no clock).

A European Social Fund or Département control asks, for a period and a funder, for every
sheet of the sessions it paid for, signed by each person who came and by the trainer, and
for the hours each person attended over the period. The sessions come from the modules
(mobility/registry.py `funded_sessions`); what each sheet's proof holds comes from the
signed documents (mobility/signing.py). These functions decide what is missing and count
the hours.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from mobility.registry import FundedSession, SheetLine

CLOSING_KEY = "closing"
PAPER = "paper"


def attended_minutes(line: SheetLine, duration_minutes: int) -> int:
    """The minutes a person attended a session: the whole session if present; if late, the
    session less the minutes of lateness when the sheet records them (a control counts the
    time actually spent, not the time booked), never below zero; nothing if absent."""
    if not line.attended:
        return 0
    late = line.late_minutes or 0
    return max(0, duration_minutes - late)


@dataclass(frozen=True)
class PersonHours:
    person_id: int
    person: str
    sessions: int  # sessions attended
    minutes: int

    @property
    def hours(self) -> Decimal:
        """Hours with two decimals, rounded half up (90 minutes: 1.50)."""
        return (Decimal(self.minutes) / 60).quantize(Decimal("0.01"))


def hours_per_person(sessions: Iterable[FundedSession]) -> list[PersonHours]:
    """The hours each person whose place the funder pays for attended over the sessions,
    ordered by name. A person booked but never present is listed with 0 hours: the
    control sees who was expected."""
    totals: dict[int, list] = {}
    for session in sessions:
        for line in session.lines:
            if not line.funded:
                continue
            total = totals.setdefault(line.person_id, [line.person, 0, 0])
            minutes = attended_minutes(line, session.duration_minutes)
            if line.attended:
                total[1] += 1
            total[2] += minutes
    people = [
        PersonHours(person_id=pk, person=name, sessions=count, minutes=minutes)
        for pk, (name, count, minutes) in totals.items()
    ]
    return sorted(people, key=lambda row: (row.person.casefold(), row.person_id))


@dataclass(frozen=True)
class SheetProof:
    """What a session's sheet holds as proof: `proof` "tablet", "paper" or "" (nothing
    yet), the line keys signed on the tablet, and whether it is closed."""

    proof: str = ""
    signed_keys: frozenset[str] = frozenset()
    closed: bool = False


@dataclass(frozen=True)
class Missing:
    key: str
    who: str  # the person's name, or the leader's for the closing signature
    what: str  # in French: "signature de la personne", "signature de clôture"


def missing_signatures(session: FundedSession, proof: SheetProof) -> list[Missing]:
    """The signatures a session's sheet still lacks: each present or late person's line,
        then the instructor's or facilitator's closing signature. A scanned, hand-signed
        paper sheet is the whole proof: nothing is missing. Absent people do not sign; a line
    whose attendance is not recorded yet is missing too."""
    if proof.proof == PAPER:
        return []
    missing = []
    for line in session.lines:
        if not line.status:
            missing.append(Missing(key=line.key, who=line.person, what="émargement non fait"))
        elif line.attended and line.key not in proof.signed_keys:
            missing.append(Missing(key=line.key, who=line.person, what="signature de la personne"))
    if not proof.closed:
        missing.append(
            Missing(
                key=CLOSING_KEY,
                who=session.leader or "animateur·rice non désigné·e",
                what="signature de clôture",
            )
        )
    return missing


def sheet_payload(session: FundedSession) -> dict:
    """What a session's attendance sheet says, as signed (the signed document's content and
    the source of its hash): the session, its leader, and each person's line. Whether a
    funder pays a place is not on the sheet: it is not part of what people sign."""
    return {
        "session": session.label,
        "start": session.start.isoformat(),
        "duration_minutes": session.duration_minutes,
        "leader": session.leader,
        "lines": [
            {
                "key": line.key,
                "person": line.person,
                "status": line.status,
                "status_label": line.status_label,
                "late_minutes": line.late_minutes,
            }
            for line in session.lines
        ],
    }
