"""Reads of the fleet: the board, the check-ins due in a week. Bounded queries: one per
list, whatever the number of vehicles and rentals (a test pins the count)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber

from fleet import defaults, rules
from fleet.enums import OVERRIDE_ROLES, RentalStatus, VehicleStatus
from fleet.models import LedgerEntry, Rental, Vehicle
from mobility import weeks
from mobility.errors import NotFound
from mobility.models import User


@dataclass(frozen=True)
class DueRental:
    rental: Rental
    due_on: date
    state: str  # "due" or "overdue"


def due_on(rental: Rental) -> date:
    """The next point étape of a rental (annotated `with_last_checkin()`), at the rhythm of
    its grid: weekly or monthly."""
    return rules.next_checkin_due(
        last_checkin=rental.last_checkin_date,
        rental_start=rental.start_date,
        interval_days=rental.checkin_interval_days,
        frequency=rental.visit_frequency,
    )


_due_on = due_on


def reaching_max_length(rental: Rental, *, today: date) -> bool:
    """An open rental whose service (grid maximum or extension) ends within the warning
    period or has ended: it must come back (board, page)."""
    horizon = today + timedelta(days=defaults.MAX_LENGTH_WARNING_DAYS)
    end = rental.service_end
    return bool(rental.is_open and end and end <= horizon)


def microcredit_to_propose(rental: Rental, *, today: date) -> bool:
    """The board's task: the grid's microcredit month has come, nothing recorded yet."""
    return bool(
        rental.is_open
        and rental.microcredit_from
        and rental.microcredit_from <= today
        and rental.microcredit_proposed_on is None
    )


@dataclass(frozen=True)
class FollowUps:
    """What the rental's page offers to do about the grid's limits, for one reader."""

    microcredit_due: bool  # the month has come, nothing recorded yet
    max_length_near: bool  # the service ends within the warning period, or has ended
    may_extend: bool  # an adviser or admin, when the end is near or already extended
    microcredit_open: bool  # the month has come, or a proposal is to follow up


def follow_ups(rental: Rental, user: User, *, today: date) -> FollowUps:
    near = reaching_max_length(rental, today=today)
    return FollowUps(
        microcredit_due=microcredit_to_propose(rental, today=today),
        max_length_near=near,
        may_extend=bool(
            rental.is_open
            and rental.max_end_date is not None
            and (near or rental.extended_until)
            and rental.platform_id in user.platform_ids(OVERRIDE_ROLES)
        ),
        microcredit_open=bool(
            rental.microcredit_from
            and (rental.microcredit_from <= today or rental.microcredit_proposed_on)
        ),
    )


def km_overage(rental: Rental) -> bool:
    """The last point étape of the rental went beyond the km allowance."""
    return bool(rental.last_km_over and rental.last_km_over > 0)


def due_checkins(open_rentals, *, week_start: date, today: date) -> list[DueRental]:
    """The open rentals (from `Rental.objects.for_board()`) due or overdue in the week."""
    found = []
    for rental in open_rentals:
        if rental.start_date > week_start + timedelta(days=6):
            continue
        due_on = _due_on(rental)
        state = rules.checkin_state(due_on=due_on, week_start=week_start, today=today)
        if state:
            found.append(DueRental(rental, due_on, state))
    found.sort(key=lambda item: (item.state != "overdue", item.due_on, item.rental.pk))
    return found


@dataclass
class Board:
    today: date
    week: str
    # The first BOARD_VEHICLES_PER_STATUS vehicles of each state, and how many there are:
    # the whole fleet is on the vehicle list, page by page.
    vehicles_by_status: dict[str, list[Vehicle]]
    vehicle_counts: dict[str, int]
    status_labels: dict[str, str]
    open_rentals: list[Rental]
    overdue: list[DueRental] = field(default_factory=list)
    due: list[DueRental] = field(default_factory=list)
    reaching_max: list[Rental] = field(default_factory=list)
    microcredit: list[Rental] = field(default_factory=list)
    km_over: list[Rental] = field(default_factory=list)
    unpaid: list[Rental] = field(default_factory=list)

    @property
    def week_days(self) -> tuple[date, date]:
        """The week's Monday and Sunday: people read a week as dates, not "2026-W49"."""
        monday = weeks.week_start(self.today)
        return monday, monday + timedelta(days=6)

    @property
    def vehicles_more(self) -> dict[str, int]:
        """Vehicles of each state the board does not name (on the vehicle list)."""
        return {
            status: self.vehicle_counts[status] - len(shown)
            for status, shown in self.vehicles_by_status.items()
        }

    @property
    def unpaid_total(self) -> Decimal:
        return sum((rental.balance_due for rental in self.unpaid), Decimal("0.00"))


# A board of 2,000 vehicles listed them all: 90 % of its time went into that HTML.
BOARD_VEHICLES_PER_STATUS = 12


def board(user: User, *, today: date) -> Board:
    """Everything the fleet board shows, in four queries whatever the size of the fleet."""
    fleet = Vehicle.objects.for_user(user)
    counts = dict.fromkeys(VehicleStatus.values, 0)
    counts.update(fleet.order_by().values_list("status").annotate(count=Count("pk")))
    first = fleet.annotate(
        rank=Window(RowNumber(), partition_by=F("status"), order_by=["kind", "label", "pk"])
    ).filter(rank__lte=BOARD_VEHICLES_PER_STATUS)
    by_status = {status: [] for status in VehicleStatus.values}
    for vehicle in first.select_related("platform").order_by("kind", "label", "pk"):
        by_status[vehicle.status].append(vehicle)
    open_rentals = list(Rental.objects.for_user(user).open().for_board())
    week_start = weeks.week_start(today)
    due_list = due_checkins(open_rentals, week_start=week_start, today=today)
    # Returned rentals still owing money stay on the board until settled.
    returned_unpaid = list(
        Rental.objects.for_user(user)
        .filter(status=RentalStatus.RETURNED)
        .for_board()
        .filter(charged__gt=F("paid"))
    )
    return Board(
        today=today,
        week=weeks.iso_week(today),
        vehicles_by_status=by_status,
        vehicle_counts=counts,
        status_labels=dict(VehicleStatus.choices),
        open_rentals=open_rentals,
        overdue=[item for item in due_list if item.state == "overdue"],
        due=[item for item in due_list if item.state == "due"],
        reaching_max=[r for r in open_rentals if reaching_max_length(r, today=today)],
        microcredit=[r for r in open_rentals if microcredit_to_propose(r, today=today)],
        km_over=[r for r in open_rentals if km_overage(r)],
        unpaid=[r for r in open_rentals + returned_unpaid if r.balance_due > 0],
    )


@dataclass(frozen=True)
class Receipt:
    payment: LedgerEntry
    # The rental's balance just after this payment, in the order the entries were
    # recorded: a receipt printed again later says the same.
    balance: rules.Balance
    # The reversal that cancelled the payment, if it was a mistake.
    reversal: LedgerEntry | None


def receipt(entries, entry_id: int) -> Receipt:
    """The receipt of a payment among `entries` (a scoped LedgerEntry queryset)."""
    payment = (
        entries.filter(pk=entry_id)
        .select_related(
            "platform", "rental__vehicle", "rental__beneficiary", "created_by", "reversal"
        )
        .first()
    )
    if payment is None:
        raise NotFound("Écriture introuvable.")
    if payment.receipt_number is None:
        raise NotFound("Cette écriture n'est pas un paiement : elle n'a pas de reçu.")
    rows = LedgerEntry.objects.filter(rental_id=payment.rental_id, pk__lte=payment.pk)
    return Receipt(
        payment=payment,
        balance=rules.balance(rows.order_by().values_list("kind", "amount")),
        reversal=payment.reversed_by,
    )
