"""The accompaniment actions in the Django admin: read the records and their history.

Every write (catalogue entry, session, registration, attendance, action and its follow-up)
goes through the services behind the pages and the API, so the rows are read-only here;
an administrator may retire a catalogue entry (archive), never delete it.
"""

from django.contrib import admin

from accompaniment.models import Action, ActionType, WorkshopRegistration, WorkshopSession
from mobility.admin import HistoryAdmin, NoAddMixin, NoDeleteMixin


class ReadOnlyMixin(NoAddMixin, NoDeleteMixin):
    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ActionType)
class ActionTypeAdmin(NoAddMixin, NoDeleteMixin, HistoryAdmin):
    list_display = ["label", "code", "kind", "platform", "archived_at"]
    list_filter = ["kind", "platform"]
    list_select_related = ["platform"]
    # Code, kind and platform are what recorded actions and reports rely on.
    readonly_fields = ["platform", "code", "kind", "created_at"]
    fields = ["platform", "code", "kind", "label", "answers", "archived_at", "created_at"]


@admin.register(WorkshopSession)
class WorkshopSessionAdmin(ReadOnlyMixin, HistoryAdmin):
    list_display = ["__str__", "platform", "place", "capacity", "facilitator"]
    list_filter = ["platform", "action_type__kind"]
    list_select_related = ["platform", "action_type", "facilitator"]
    date_hierarchy = "start"


@admin.register(WorkshopRegistration)
class WorkshopRegistrationAdmin(ReadOnlyMixin, HistoryAdmin):
    list_display = ["session", "pathway", "attendance", "registered_at", "recorded_at"]
    list_filter = ["attendance", "platform"]
    list_select_related = ["session__action_type", "pathway__beneficiary"]


@admin.register(Action)
class ActionAdmin(ReadOnlyMixin, HistoryAdmin):
    list_display = ["__str__", "platform", "kind", "pathway", "outcome", "decision", "amount"]
    list_filter = ["kind", "outcome", "decision", "platform"]
    list_select_related = ["platform", "action_type", "pathway__beneficiary"]
    search_fields = ["pathway__beneficiary__last_name", "pathway__beneficiary__first_name"]
