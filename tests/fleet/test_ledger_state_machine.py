"""The ledger always balances: random sequences of hand-overs, check-ins, payments,
corrections, refunds and returns, on the real services and the real database, on two
platforms (the standard grid and the graduated one).

After every step: each rental's balance, as the product computes it (SQL annotation and
pure rule), equals the sum of its entries computed here from the rows; no entry was changed
or deleted; each reversal exactly cancels its entry; each platform's receipts are numbered
1, 2, 3… without gaps; a returned rental holds no deposit.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from fleet import defaults, services
from fleet.enums import EntryKind, VehicleKind
from fleet.models import LedgerEntry, ReceiptCounter, Rental
from mobility.enums import Role
from mobility.errors import Conflict
from tests.factories import OrganisationFactory, PlatformFactory, member
from tests.fleet.conftest import CONDITION_OK, VehicleFactory, days_ago, hand_over, open_pathway

pytestmark = pytest.mark.django_db

# Rentals start 60 to 130 days ago and every reading stays within 140 days of the start:
# the graduated grid's five months are never reached.
LONGEST_DAYS = 140
MAX_RENTALS = 6

# How each kind moves the balance due and the deposit held, written here independently
# of fleet.rules: a reversal is an entry of the same kind, its amount negative.
DUE_SIGN = {
    EntryKind.CHARGE: 1,
    EntryKind.DAMAGE: 1,
    EntryKind.REFUND: 1,
    EntryKind.PAYMENT: -1,
    EntryKind.DEPOSIT_RETAINED: -1,
    EntryKind.DEPOSIT_IN: 0,
    EntryKind.DEPOSIT_REFUND: 0,
}
DEPOSIT_SIGN = {
    EntryKind.DEPOSIT_IN: 1,
    EntryKind.DEPOSIT_REFUND: -1,
    EntryKind.DEPOSIT_RETAINED: -1,
}

amounts = st.decimals(
    min_value=Decimal("0.01"),
    max_value=Decimal("400"),
    places=2,
    allow_nan=False,
    allow_infinity=False,
)
fractions = st.sampled_from([Decimal("0.25"), Decimal("0.5"), Decimal("1")])
ENTRY_FIELDS = [field.attname for field in LedgerEntry._meta.fields]


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        # Each example runs in a savepoint rolled back at its end: a clean slate each time.
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.today = days_ago(0)
        self.worlds = []
        graduated = services.shipped_grid(defaults.GRADUATED_GRID)
        for grid in (None, graduated):
            platform = PlatformFactory()
            admin = member(Role.ADMIN, platform)
            if grid is not None:
                services.fleet_settings(platform)
                services.grid_choose(by=admin, platform=platform, grid=grid)
            self.worlds.append(
                {
                    "platform": platform,
                    "staff": [admin, member(Role.ADVISER, platform), member(Role.FLEET, platform)],
                    "organisation": OrganisationFactory(platform=platform),
                }
            )
        self.platform_ids = [world["platform"].pk for world in self.worlds]
        self.readings = {}  # rental id -> (last reading day, last odometer)
        self.seen = {}  # entry id -> its fields when first seen

    def teardown(self):
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    # ---- helpers

    def rentals(self, *, is_open=None):
        rentals = Rental.objects.filter(platform_id__in=self.platform_ids).order_by("pk")
        if is_open is not None:
            rentals = rentals.filter(status="open" if is_open else "returned")
        return list(rentals.select_related("vehicle", "beneficiary", "tariff_grid"))

    def staff(self, data, rental):
        world = self.worlds[self.platform_ids.index(rental.platform_id)]
        return data.draw(st.sampled_from(world["staff"]), label="by")

    def next_reading(self, data, rental):
        """A day after the previous reading (None if the rental's time is used up) and an
        odometer reading forward."""
        last_day, last_km = self.readings[rental.pk]
        limit = min(self.today, rental.start_date + timedelta(days=LONGEST_DAYS))
        if last_day >= limit:
            return None, None
        day = min(last_day + timedelta(days=data.draw(st.integers(1, 21), label="days")), limit)
        return day, last_km + data.draw(st.integers(0, 900), label="km")

    def entries(self):
        return LedgerEntry.objects.filter(platform_id__in=self.platform_ids).order_by("pk")

    # ---- rules

    @precondition(lambda self: len(self.readings) < MAX_RENTALS)
    @rule(
        world=st.integers(0, 1),
        kind=st.sampled_from([VehicleKind.CAR, VehicleKind.SCOOTER, VehicleKind.BIKE]),
        started_days_ago=st.integers(60, 130),
        deposit=st.sampled_from(["150.00", "200.00", "300.00"]),
        qpv=st.booleans(),
        rsa=st.booleans(),
    )
    def start_rental(self, world, kind, started_days_ago, deposit, qpv, rsa):
        world = self.worlds[world]
        adviser = world["staff"][1]
        pathway = open_pathway(
            adviser, world["organisation"], opened_days_ago=150, qpv=qpv, rsa=rsa
        )
        vehicle = VehicleFactory(platform=world["platform"], kind=kind)
        rental = hand_over(
            adviser, pathway, vehicle, start=days_ago(started_days_ago), deposit=deposit
        )
        self.readings[rental.pk] = (rental.start_date, rental.start_odometer_km)

    @precondition(lambda self: self.readings)
    @rule(data=st.data(), paid=st.one_of(st.none(), amounts))
    def check_in(self, data, paid):
        rentals = self.rentals(is_open=True)
        if not rentals:
            return
        rental = data.draw(st.sampled_from(rentals), label="rental")
        day, km = self.next_reading(data, rental)
        if day is None:
            return
        services.checkin_record(
            by=self.staff(data, rental),
            rental=rental,
            day=day,
            odometer_km=km,
            condition=CONDITION_OK,
            payment_amount=paid,
            payment_method="cash" if paid else "",
        )
        self.readings[rental.pk] = (day, km)

    @precondition(lambda self: self.readings)
    @rule(data=st.data(), amount=amounts, method=st.sampled_from(["cash", "card", "cheque"]))
    def pay(self, data, amount, method):
        rentals = self.rentals(is_open=True)
        if not rentals:
            return
        rental = data.draw(st.sampled_from(rentals), label="rental")
        services.payment_record(
            by=self.staff(data, rental),
            rental=rental,
            day=self.readings[rental.pk][0],
            amount=amount,
            method=method,
        )

    @precondition(lambda self: self.seen)
    @rule(data=st.data(), correct_amount=st.one_of(st.none(), amounts))
    def reverse(self, data, correct_amount):
        candidates = [
            entry
            for entry in self.entries().select_related("rental", "reversal")
            if services.reversal_refusal(entry, rental=entry.rental) is None
        ]
        if not candidates:
            return
        entry = data.draw(st.sampled_from(candidates), label="entry")
        if correct_amount == entry.amount:
            correct_amount = None
        services.ledger_entry_reverse(
            entry=entry,
            by=self.staff(data, entry.rental),
            reason="Erreur de saisie (test).",
            correct_amount=correct_amount,
        )

    @precondition(lambda self: self.seen)
    @rule(data=st.data())
    def reversal_refused(self, data):
        """A reversal, the deposit settled at a return, an entry already reversed: refused,
        and nothing written."""
        refused = [
            entry
            for entry in self.entries().select_related("rental", "reversal")
            if services.reversal_refusal(entry, rental=entry.rental) is not None
        ]
        if not refused:
            return
        entry = data.draw(st.sampled_from(refused), label="entry")
        count = self.entries().count()
        with pytest.raises(Conflict):
            services.ledger_entry_reverse(
                entry=entry, by=self.staff(data, entry.rental), reason="Encore (test)."
            )
        assert self.entries().count() == count

    @precondition(lambda self: self.readings)
    @rule(
        data=st.data(),
        damages=st.lists(amounts, max_size=2),
        paid=st.one_of(st.none(), amounts),
        retain=st.one_of(st.none(), fractions),
    )
    def give_back(self, data, damages, paid, retain):
        rentals = self.rentals(is_open=True)
        if not rentals:
            return
        rental = data.draw(st.sampled_from(rentals), label="rental")
        day, km = self.next_reading(data, rental)
        if day is None:
            day, km = self.readings[rental.pk]
        retained = Decimal("0.00")
        if retain is not None:
            # At most the deposit held and what the person will owe after this return.
            balance = services.rental_balance(rental)
            last = services.rental_quote(rental, self.readings[rental.pk][0], day).total
            owed = balance.due + last + sum(damages, Decimal(0)) - (paid or 0)
            retained = (min(balance.deposit_held, max(owed, 0)) * retain).quantize(Decimal("0.01"))
        services.rental_return(
            by=self.staff(data, rental),
            rental=rental,
            day=day,
            odometer_km=km,
            condition=CONDITION_OK,
            damages=[services.Damage(f"Dommage {i}", cost) for i, cost in enumerate(damages)],
            deposit_retained=retained,
            deposit_retained_reason="Retenue (test)." if retained else "",
            payment_amount=paid,
            payment_method="cash" if paid else "",
        )
        self.readings[rental.pk] = (day, km)

    @precondition(lambda self: self.readings)
    @rule(data=st.data(), part=fractions)
    def refund(self, data, part):
        overpaid = [
            r
            for r in Rental.objects.with_balance()
            .filter(platform_id__in=self.platform_ids, status="returned")
            .order_by("pk")
            if r.refundable > 0
        ]
        if not overpaid:
            return
        rental = data.draw(st.sampled_from(overpaid), label="rental")
        amount = max((rental.refundable * part).quantize(Decimal("0.01")), Decimal("0.01"))
        services.rental_refund(
            rental=rental,
            amount=amount,
            by=self.staff(data, rental),
            reason="Trop-perçu rendu (test).",
            method="transfer",
        )
        assert services.rental_balance(rental).due <= 0  # never refunded beyond

    # ---- invariants

    @invariant()
    def each_balance_is_the_sum_of_its_entries(self):
        due, held = {}, {}
        for kind, amount, rental_id in self.entries().values_list("kind", "amount", "rental_id"):
            due[rental_id] = due.get(rental_id, Decimal(0)) + DUE_SIGN[kind] * amount
            held[rental_id] = held.get(rental_id, Decimal(0)) + DEPOSIT_SIGN.get(kind, 0) * amount
        for rental in Rental.objects.with_balance().filter(platform_id__in=self.platform_ids):
            expected_due = due.get(rental.pk, Decimal(0))
            expected_held = held.get(rental.pk, Decimal(0))
            assert rental.balance_due == expected_due, rental
            assert rental.deposit_held == expected_held, rental
            balance = services.rental_balance(rental)
            assert (balance.due, balance.deposit_held) == (expected_due, expected_held)
            assert expected_held >= 0
            if not rental.is_open:
                assert expected_held == 0, "a returned rental holds no deposit"

    @invariant()
    def no_entry_was_changed_or_deleted(self):
        now = {row["id"]: row for row in self.entries().values(*ENTRY_FIELDS)}
        for pk, fields in self.seen.items():
            assert now.get(pk) == fields, f"écriture n° {pk} modifiée ou supprimée"
        self.seen.update(now)

    @invariant()
    def each_reversal_exactly_cancels_its_entry(self):
        rows = list(self.entries().values(*ENTRY_FIELDS))
        by_key = {row["reversal_key"]: row for row in rows if row["reversal_key"]}
        reversed_keys = []
        for row in rows:
            if row["reverses_id"] is None:
                continue
            original = by_key[row["reverses_id"]]
            assert original["reverses_id"] is None, "a reversal of a reversal"
            assert row["amount"] == -original["amount"]
            for field in ("rental_id", "platform_id", "kind", "method", "date", "checkin_id"):
                assert row[field] == original[field], field
            assert row["reason"].strip()
            assert row["reversal_key"] is None and row["receipt_number"] is None
            reversed_keys.append(row["reverses_id"])
        assert len(reversed_keys) == len(set(reversed_keys)), "an entry reversed twice"

    @invariant()
    def receipts_are_numbered_without_gaps_on_each_platform(self):
        for platform_id in self.platform_ids:
            payments = self.entries().filter(
                platform_id=platform_id, kind=EntryKind.PAYMENT, reverses__isnull=True
            )
            numbers = sorted(payments.values_list("receipt_number", flat=True))
            assert numbers == list(range(1, len(numbers) + 1))
            counter = ReceiptCounter.objects.filter(platform_id=platform_id).first()
            assert (counter.last_number if counter else 0) == len(numbers)


def test_the_ledger_always_balances(db):
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=30,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
