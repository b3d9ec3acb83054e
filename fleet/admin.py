"""The fleet in the Django admin: grids and settings edited here, the rest read-only.

A grid used by a rental is frozen (its rentals keep the version they were signed on):
the action "nouvelle version" copies it into an editable one. Rentals, check-ins and
ledger rows are written by the services (pages and API) and only read here.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from fleet import services
from fleet.models import (
    CheckIn,
    EligibilityRule,
    FleetSettings,
    LedgerEntry,
    Rental,
    TariffDeposit,
    TariffGrid,
    TariffReduction,
    TariffStep,
    Vehicle,
)
from mobility.admin import HistoryAdmin, NoAddMixin, NoDeleteMixin
from mobility.admin_site import (
    MANAGE,
    READ,
    ScopedInline,
    administered_platform_ids,
    is_operator,
)
from mobility.errors import InvalidInput
from mobility.models import Platform


def _grid_in_use(grid) -> bool:
    return grid is not None and grid.pk is not None and grid.rentals.exists()


class FrozenWhenUsedInline(ScopedInline, admin.TabularInline):
    """Steps and reductions are edited with their grid, while no rental uses it."""

    extra = 0
    platform_admin_edits = True

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not _grid_in_use(obj)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not _grid_in_use(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not _grid_in_use(obj)


class TariffStepInline(FrozenWhenUsedInline):
    model = TariffStep
    fields = ["kind", "month", "daily_rate"]


class TariffDepositInline(FrozenWhenUsedInline):
    model = TariffDeposit
    fields = ["kind", "amount"]


class TariffReductionInline(FrozenWhenUsedInline):
    model = TariffReduction
    fields = ["position", "code", "label", "condition", "percent", "until_month"]


@admin.register(TariffGrid)
class TariffGridAdmin(NoDeleteMixin, HistoryAdmin):
    """A platform administrator reads the shipped grids (no platform), edits their
    platform's and copies either into a new version of their own."""

    platform_path = "platform"
    shared_when_empty = True
    platform_admin_may = MANAGE
    list_display = [
        "name",
        "version",
        "platform",
        "max_months",
        "microcredit_month",
        "visit_frequency",
        "created_at",
    ]
    list_filter = ["platform", "code"]
    list_select_related = ["platform"]
    inlines = [TariffStepInline, TariffReductionInline, TariffDepositInline]
    readonly_fields = ["created_at", "created_by"]
    actions = ["new_version"]

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not _grid_in_use(obj)

    def _target_platform(self, request, grid):
        """Where the copy goes: the grid's platform; a shipped grid copied by a platform
        administrator becomes their platform's (a shared grid is the operator's)."""
        if grid.platform is not None or is_operator(request.user):
            return grid.platform
        platform_ids = administered_platform_ids(request.user)
        if len(platform_ids) != 1:
            return None
        return Platform.objects.get(pk=next(iter(platform_ids)))

    @admin.action(description=_("Créer une nouvelle version modifiable"))
    def new_version(self, request, queryset):
        for grid in queryset.prefetch_related("steps", "reductions", "deposits"):
            platform = self._target_platform(request, grid)
            if platform is None and not is_operator(request.user):
                self.message_user(
                    request,
                    _(
                        "« %(name)s » est une grille fournie avec le logiciel et vous "
                        "administrez plusieurs plateformes : copiez-la depuis une grille "
                        "de la plateforme voulue."
                    )
                    % {"name": grid.name},
                    messages.ERROR,
                )
                continue
            copy = services.grid_new_version(by=request.user, grid=grid, platform=platform)
            self.message_user(
                request,
                _(
                    "Version %(version)s de « %(name)s » créée : modifiez-la puis choisissez-la "
                    "dans les réglages de la flotte."
                )
                % {"version": copy.version, "name": copy.name},
                messages.SUCCESS,
            )


class FleetSettingsForm(forms.ModelForm):
    class Meta:
        model = FleetSettings
        fields = [
            "platform",
            "tariff_grid",
            "km_allowance_percent",
            "checkin_interval_days",
            "km_alert_margin_percent",
            "overdue_alert_days",
        ]

    def clean_tariff_grid(self):
        """The grid chosen must price every vehicle kind (the rule of grid_choose)."""
        grid = self.cleaned_data.get("tariff_grid")
        if grid is not None:
            try:
                services.grid_check_complete(grid)
            except InvalidInput as error:
                raise ValidationError(error.message) from error
        return grid


@admin.register(FleetSettings)
class FleetSettingsAdmin(NoDeleteMixin, HistoryAdmin):
    platform_path = "platform"
    platform_admin_may = MANAGE
    form = FleetSettingsForm
    list_display = ["platform", "tariff_grid", "km_allowance_percent", "checkin_interval_days"]
    list_select_related = ["platform", "tariff_grid"]


@admin.register(EligibilityRule)
class EligibilityRuleAdmin(NoDeleteMixin, HistoryAdmin):
    platform_path = "platform"
    platform_admin_may = MANAGE
    list_display = [
        "platform",
        "kind",
        "minimum_age",
        "licence_required",
        "licence_minimum_months",
        "contract_required",
        "contract_minimum_days",
    ]
    list_filter = ["platform", "kind"]
    list_select_related = ["platform"]


@admin.register(Vehicle)
class VehicleAdmin(NoDeleteMixin, HistoryAdmin):
    platform_path = "platform"
    platform_admin_may = MANAGE
    list_display = ["label", "kind", "registration", "status", "odometer_km", "site", "platform"]
    list_filter = ["platform", "kind", "status"]
    list_select_related = ["platform"]
    search_fields = ["label", "registration"]
    # Status and odometer change through hand-overs, check-ins and returns.
    readonly_fields = ["status", "odometer_km", "created_at"]


class ReadOnlyAdmin(NoAddMixin, NoDeleteMixin, HistoryAdmin):
    platform_path = "platform"
    platform_admin_may = READ

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Rental)
class RentalAdmin(ReadOnlyAdmin):
    list_display = ["pk", "beneficiary", "vehicle", "status", "start_date", "end_date", "platform"]
    list_filter = ["platform", "status", "vehicle__kind"]
    list_select_related = ["beneficiary", "vehicle", "platform"]
    date_hierarchy = "start_date"


@admin.register(CheckIn)
class CheckInAdmin(ReadOnlyAdmin):
    list_display = ["rental", "date", "odometer_km", "amount_due", "km_over"]
    list_select_related = ["rental__vehicle", "rental__beneficiary"]
    date_hierarchy = "date"


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["rental", "date", "kind", "amount", "method", "receipt_number", "label"]
    list_filter = ["kind", "method", "platform"]
    list_select_related = ["rental__vehicle", "rental__beneficiary"]
    date_hierarchy = "date"
