"""The report aggregates in SQL: its number of queries is fixed, whatever the volume."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from mobility.models import Budget
from mobility.reports.definition import prorated_budget, usage_report
from mobility.reports.queries import Scope, budget_lines
from tests.conftest import logged_in
from tests.factories import OrganisationFactory

# One aggregate per indicator group, the budget lines and the names on the cover (plus
# one for the funder's or prescriber's name when the report names one), of which seven
# are the accompaniment's (accompaniment/report.py).
REPORT_QUERIES = 29


def count_queries(scope) -> int:
    with CaptureQueriesContext(connection) as context:
        usage_report(scope)
    return len(context.captured_queries)


def test_the_query_count_does_not_grow_with_the_rows(world, no_secrecy, other_platform):
    empty = Scope(
        start=world.start,
        end=world.end,
        platform_ids=(other_platform.pk,),
        today=world.today,
    )
    assert count_queries(empty) == REPORT_QUERIES
    assert count_queries(world.scope()) == REPORT_QUERIES
    assert count_queries(world.scope(funder_id=world.funder_org.pk)) == REPORT_QUERIES + 1
    with_filters = world.scope(prescriber_id=world.organisations["Z"].pk, postal_code="08")
    # The fleet's capacity and the workshop sessions held are not asked when the report is
    # about some people only; the prescriber's name is.
    assert count_queries(with_filters) == REPORT_QUERIES - 1


def test_the_pages_query_count_is_fixed_too(world, no_secrecy, django_assert_max_num_queries):
    client = logged_in(world.admin)
    with django_assert_max_num_queries(REPORT_QUERIES + 12):
        assert client.get("/rapports/", world.query()).status_code == 200


def test_a_budget_line_counts_for_its_days_in_the_period(db, platform):
    funder = OrganisationFactory(platform=platform, funder=True)
    Budget.objects.create(
        platform=platform,
        funder=funder,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        amount=Decimal("36500.00"),
    )
    Budget.objects.create(
        platform=platform,
        period_start=dt.date(2026, 3, 1),
        period_end=dt.date(2026, 3, 31),
        amount=Decimal("310.00"),
    )
    Budget.objects.create(  # outside the period: not read at all
        platform=platform,
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31),
        amount=Decimal("99999.00"),
    )
    scope = Scope(
        start=dt.date(2026, 3, 15),
        end=dt.date(2026, 4, 13),  # 30 days: 17 in March, 13 in April
        platform_ids=(platform.pk,),
        today=dt.date(2026, 6, 1),
        funder_id=funder.pk,
    )
    total, share = prorated_budget(budget_lines(scope), scope)
    assert share == Decimal("3000")  # 100.00 a day over 30 days
    assert total == Decimal("3000") + Decimal("170")  # 10.00 a day over 17 days of March


def test_no_budget_line_means_an_unknown_cost_not_zero(db, platform):
    scope = Scope(
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 1, 31),
        platform_ids=(platform.pk,),
        today=dt.date(2026, 6, 1),
    )
    assert prorated_budget(budget_lines(scope), scope) == (None, None)


def test_a_budget_cannot_be_negative_or_end_before_it_starts(db, platform):
    with pytest.raises(IntegrityError):
        Budget.objects.create(
            platform=platform,
            period_start=dt.date(2026, 2, 1),
            period_end=dt.date(2026, 1, 1),
            amount=Decimal("1.00"),
        )


def test_a_budget_names_a_funder_of_its_own_platform(db, platform, other_platform):
    budget = Budget(
        platform=platform,
        funder=OrganisationFactory(platform=other_platform, funder=True),
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        amount=Decimal("1.00"),
    )
    with pytest.raises(ValidationError) as error:
        budget.full_clean()
    assert "funder" in error.value.message_dict
