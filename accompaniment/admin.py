"""The accompaniment actions in the Django admin: read the records and their history.

Every write (catalogue entry, session, registration, attendance, action and its follow-up)
goes through the services behind the pages and the API, so the rows are read-only here;
an administrator may retire a catalogue entry (archive), never delete it.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from accompaniment import rules, services
from accompaniment.models import Action, ActionType, WorkshopRegistration, WorkshopSession
from mobility.admin import HistoryAdmin, NoAddMixin, NoDeleteMixin
from mobility.admin_site import EDIT, READ
from mobility.enums import Role


class ReadOnlyMixin(NoAddMixin, NoDeleteMixin):
    def has_change_permission(self, request, obj=None):
        return False


class ActionTypeAdminForm(forms.ModelForm):
    archived = forms.BooleanField(label="retirée du catalogue", required=False)

    class Meta:
        model = ActionType
        fields = ["label", "answers"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["archived"].initial = bool(self.instance.archived_at)

    def clean(self):
        # The service's rules, said on the form rather than as an error page.
        cleaned = super().clean()
        answers = cleaned.get("answers")
        if not isinstance(answers, list):
            raise ValidationError('Une liste de codes est attendue, par exemple ["coaching"].')
        problems = rules.type_problems(
            code=self.instance.code,
            kind=self.instance.kind,
            label=cleaned.get("label") or "",
            answers=answers,
        )
        if problems:
            raise ValidationError(list(problems.values()))
        return cleaned


@admin.register(ActionType)
class ActionTypeAdmin(NoAddMixin, NoDeleteMixin, HistoryAdmin):
    """Entries are added on the catalogue page; here they are renamed or retired, through
    the same service (code, kind and platform are what actions and reports rely on)."""

    platform_path = "platform"
    platform_admin_may = EDIT

    form = ActionTypeAdminForm
    list_display = ["label", "code", "kind", "platform", "archived_at"]
    list_filter = ["kind", "platform"]
    list_select_related = ["platform"]
    readonly_fields = ["platform", "code", "kind", "archived_at", "created_at"]
    fields = ["platform", "code", "kind", "label", "answers", "archived", "archived_at"]

    def has_change_permission(self, request, obj=None):
        # The service lets a platform's administrators only: others read the entry.
        if obj is not None and obj.platform_id not in request.user.platform_ids({Role.ADMIN}):
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        services.action_type_update(
            by=request.user,
            action_type=obj,
            label=form.cleaned_data["label"],
            answers=form.cleaned_data["answers"],
            archived=form.cleaned_data["archived"],
        )


@admin.register(WorkshopSession)
class WorkshopSessionAdmin(ReadOnlyMixin, HistoryAdmin):
    platform_path = "platform"
    platform_admin_may = READ

    list_display = ["__str__", "platform", "place", "capacity", "facilitator"]
    list_filter = ["platform", "action_type__kind"]
    list_select_related = ["platform", "action_type", "facilitator"]
    date_hierarchy = "start"


@admin.register(WorkshopRegistration)
class WorkshopRegistrationAdmin(ReadOnlyMixin, HistoryAdmin):
    platform_path = "platform"
    platform_admin_may = READ

    list_display = ["session", "pathway", "attendance", "registered_at", "recorded_at"]
    list_filter = ["attendance", "platform"]
    list_select_related = ["session__action_type", "pathway__beneficiary"]


@admin.register(Action)
class ActionAdmin(ReadOnlyMixin, HistoryAdmin):
    platform_path = "platform"
    platform_admin_may = READ

    list_display = ["__str__", "platform", "kind", "pathway", "outcome", "decision", "amount"]
    list_filter = ["kind", "outcome", "decision", "platform"]
    list_select_related = ["platform", "action_type", "pathway__beneficiary"]
    search_fields = ["pathway__beneficiary__last_name", "pathway__beneficiary__first_name"]
