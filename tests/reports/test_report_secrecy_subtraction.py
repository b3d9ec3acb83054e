"""Secrecy that survives subtraction: the two attacks of issue 10, replayed.

A reader who gets two reports, one enclosing the other, subtracts them. Before, each report
masked its own small counts, but `postal_code=082` minus `postal_code=0820` gave 3 people,
and `prescriber=P1` minus `prescriber=P1&commune=Sedan` gave 4. Now a count is masked when
what it leaves out of an enclosing report is 1 to 4 people, so no difference of shown
counts is 1 to 4.

People (fiches received and accepted on the same day, all through the services):
  P1 (Mission locale): 10 in Sedan (08200), 3 in Mouzon (08210), 1 in Douzy (08140)
  P2 (CCAS): 6 in Sedan (08200), 8 in Charleville-Mézières (08000)
So 082 counts 19 and 0820 counts 16 (the 3 of Mouzon between them); P1 counts 14 and
P1 in Sedan 10 (the 4 outside Sedan between them).
"""

import datetime as dt

import pytest
from django.utils import timezone

from mobility import services as core_services
from mobility.enums import Role
from mobility.reports.definition import Report, rows, usage_report
from mobility.reports.queries import Scope
from tests.api.conftest import ApiClient
from tests.factories import OrganisationFactory, ReferralFactory, member

URL = "/api/v1/reports/usage"
PLACES = {
    "Sedan": "08200",
    "Mouzon": "08210",
    "Douzy": "08140",
    "Charleville-Mézières": "08000",
}


@pytest.fixture
def town(platform, secrecy_5):
    day = timezone.localdate() - dt.timedelta(days=10)
    adviser = member(Role.ADVISER, platform)
    p1 = OrganisationFactory(platform=platform, name="Mission locale")
    p2 = OrganisationFactory(platform=platform, name="CCAS")
    for prescriber, commune, count in (
        (p1, "Sedan", 10),
        (p1, "Mouzon", 3),
        (p1, "Douzy", 1),
        (p2, "Sedan", 6),
        (p2, "Charleville-Mézières", 8),
    ):
        for index in range(count):
            referral = ReferralFactory(
                prescriber=prescriber,
                commune=commune,
                postal_code=PLACES[commune],
                sex="f" if index % 2 else "m",
                received_on=day,
            )
            core_services.referral_accept(referral=referral, by=adviser, opened_on=day)
    return {"day": day, "platform": platform, "p1": p1, "admin": member(Role.ADMIN, platform)}


def report(town, threshold=None, **filters):
    scope = Scope(
        start=town["day"],
        end=town["day"],
        platform_ids=(town["platform"].pk,),
        today=timezone.localdate(),
        **filters,
    )
    return usage_report(scope, threshold_value=threshold).data


def shown_counts(data) -> dict[str, int]:
    """Every count of people a reader sees (the prescribers by id: their order varies)."""
    counts = {
        row.code: row.value
        for row in rows(Report(data=data, masked=data["secrecy"]["masked"]))
        if row.unit == "count"
        and row.value is not None
        and not row.code.startswith("referrals.by_prescriber")
        # A number of organisations, not of people.
        and row.code != "referrals.organisations"
    }
    for item in data["referrals"]["by_prescriber"]:
        if item["count"] is not None:
            counts[f"prescriber {item['organisation_id']}"] = item["count"]
    return counts


def assert_no_small_difference(wide: dict, narrow: dict) -> None:
    """What a reader computes from two reports: no shown count differs by 1 to 4."""
    for code in wide.keys() & narrow.keys():
        assert not 0 < wide[code] - narrow[code] < 5, (code, wide[code], narrow[code])


def test_the_data_would_give_the_people_away_without_the_complement_rule(town):
    """The raw figures (no secrecy): the attacks of the issue are there to be made."""
    assert report(town, 1, postal_code="082")["people"]["met"] == 19
    assert report(town, 1, postal_code="0820")["people"]["met"] == 16
    p1 = town["p1"].pk
    assert report(town, 1, prescriber_id=p1)["people"]["met"] == 14
    assert report(town, 1, prescriber_id=p1, commune="Sedan")["people"]["met"] == 10


def test_a_postal_code_prefix_minus_a_longer_one_reveals_no_small_group(town):
    wide = report(town, postal_code="082")
    narrow = report(town, postal_code="0820")
    # 082 leaves out the 9 people of 08000 and 08140: nothing to hide, it shows.
    assert wide["people"]["met"] == 19
    # 0820 leaves out the 3 people of Mouzon from 082: it is masked.
    assert narrow["people"]["met"] is None
    assert "people.met" in narrow["secrecy"]["masked"]
    assert_no_small_difference(shown_counts(wide), shown_counts(narrow))
    assert_no_small_difference(shown_counts(report(town)), shown_counts(narrow))


def test_a_prescriber_minus_the_same_prescriber_in_a_commune_reveals_no_small_group(town):
    p1 = town["p1"].pk
    wide = report(town, prescriber_id=p1)
    narrow = report(town, prescriber_id=p1, commune="Sedan")
    assert wide["people"]["met"] == 14
    # The 4 people of P1 outside Sedan would be the difference: masked.
    assert narrow["people"]["met"] is None
    assert narrow["referrals"]["total"] is None
    assert_no_small_difference(shown_counts(wide), shown_counts(narrow))
    # Nor against the other reports that enclose it (Sedan for everyone, the whole).
    assert_no_small_difference(shown_counts(report(town, commune="Sedan")), shown_counts(narrow))
    assert_no_small_difference(shown_counts(report(town)), shown_counts(narrow))


def test_a_report_whose_complement_is_large_enough_still_shows_its_figures(town):
    # Sedan is 16 of 28 people: 12 left out, each side large enough.
    data = report(town, commune="Sedan")
    assert data["people"]["met"] == 16
    assert data["people"]["women"] == 8
    assert data["people"]["men"] == 8


def test_the_attacks_through_the_api(town):
    admin = ApiClient(town["admin"])
    query = {"start": town["day"].isoformat(), "end": town["day"].isoformat()}
    wide = admin.get(URL, **query, postal_code="082").json()
    narrow = admin.get(URL, **query, postal_code="0820").json()
    assert (wide["people"]["met"], narrow["people"]["met"]) == (19, None)
    p1 = town["p1"].pk
    wide = admin.get(URL, **query, prescriber=p1).json()
    narrow = admin.get(URL, **query, prescriber=p1, commune="Sedan").json()
    assert (wide["people"]["met"], narrow["people"]["met"]) == (14, None)
    assert_no_small_difference(shown_counts(wide), shown_counts(narrow))
