"""Who sees which part of a person's file: the one rule of least privilege per role.

Pure (no ORM): the beneficiary page, its template and the API's choice of schema all ask
`visible_sections` with the roles the user holds on the person's platform. Fleet staff see
what a rental needs, instructors what lessons need; the casework roles see the whole file
and only administrators see the consultation log and the personal-data actions.
"""

from __future__ import annotations

from collections.abc import Iterable

from mobility.enums import Role

IDENTITY = "identity"  # name and file number
CONTACT = "contact"  # phone, e-mail
ELIGIBILITY = "eligibility"  # birth date (age), licence, work contract
ADDRESS = "address"  # address, QPV, sex
SOCIAL = "social"  # RSA, ASS, AAH, RQTH
PATHWAYS = "pathways"  # pathways, their outcome and closing
DIAGNOSTICS = "diagnostics"  # the diagnostic answers and scores
REFERRALS = "referrals"  # the fiches de liaison and their free text
RENTALS = "rentals"
DRIVING_SCHOOL = "driving_school"
ACTIONS = "actions"  # accompaniment: workshops, coaching, orientations, aids
HISTORY = "history"  # changes of every field, hence of the address and status too
ADMINISTRATION = "administration"  # consultation log, right of access, erasure

WHOLE_FILE = frozenset(
    {
        IDENTITY,
        CONTACT,
        ELIGIBILITY,
        ADDRESS,
        SOCIAL,
        PATHWAYS,
        DIAGNOSTICS,
        REFERRALS,
        RENTALS,
        DRIVING_SCHOOL,
        ACTIONS,
        HISTORY,
    }
)

SECTIONS_BY_ROLE: dict[str, frozenset[str]] = {
    Role.ADMIN: WHOLE_FILE | {ADMINISTRATION},
    Role.ADVISER: WHOLE_FILE,
    Role.FLEET: frozenset({IDENTITY, CONTACT, ELIGIBILITY, RENTALS}),
    Role.INSTRUCTOR: frozenset({IDENTITY, CONTACT, DRIVING_SCHOOL}),
}


def user_sees(user, platform_id: int, section: str) -> bool:
    """Whether `user` sees `section` of the files of one platform."""
    return section in visible_sections(user.roles_on(platform_id))


def visible_sections(roles: Iterable[str]) -> frozenset[str]:
    """The parts of a file shown to someone holding `roles` on the file's platform."""
    sections: frozenset[str] = frozenset()
    for role in roles:
        sections |= SECTIONS_BY_ROLE.get(role, frozenset())
    return sections
