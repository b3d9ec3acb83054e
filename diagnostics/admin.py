"""Admin: questionnaire versions (duplicate into a draft, edit, publish) and diagnostics
(read only: they change through the interview pages and the API only)."""

import json

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from diagnostics import scoring, services
from diagnostics.models import Diagnostic, Questionnaire
from mobility.admin import HistoryAdmin
from mobility.admin_site import READ, PlatformScoped
from mobility.errors import DomainError


class PrettyJSONField(forms.JSONField):
    def prepare_value(self, value):
        if isinstance(value, str):
            return value
        return json.dumps(value, ensure_ascii=False, indent=2)


class QuestionnaireForm(forms.ModelForm):
    definition = PrettyJSONField(
        label=_("définition"),
        widget=forms.Textarea(attrs={"rows": 30, "style": "font-family: monospace; width: 95%"}),
        help_text=Questionnaire._meta.get_field("definition").help_text,
    )

    class Meta:
        model = Questionnaire
        fields = ["title", "notes", "definition"]


@admin.register(Questionnaire)
class QuestionnaireAdmin(PlatformScoped, SimpleHistoryAdmin):
    """Shared by every platform: the operator's (no platform path, nothing granted)."""

    form = QuestionnaireForm
    list_display = ["version", "title", "is_current", "published_at", "diagnostic_count"]
    ordering = ["-version"]
    actions = ["duplicate", "publish"]
    readonly_fields = ["version", "is_current", "published_at", "created_by", "overview"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(diagnostic_total=Count("diagnostics"))

    @admin.display(description=_("diagnostics"), ordering="diagnostic_total")
    def diagnostic_count(self, obj):
        return obj.diagnostic_total

    def get_readonly_fields(self, request, obj=None):
        # A published version never changes: diagnostics keep the version they used.
        if obj is not None and obj.is_published:
            return [*self.readonly_fields, "title", "notes"]
        return self.readonly_fields

    def get_fields(self, request, obj=None):
        if obj is not None and obj.is_published:
            return ["version", "title", "notes", "is_current", "published_at", "overview"]
        return ["version", "title", "notes", "definition", "overview"]

    def has_add_permission(self, request):
        return False  # a new version starts as a copy: action « Dupliquer »

    def has_delete_permission(self, request, obj=None):
        return obj is not None and not obj.is_published

    def save_model(self, request, obj, form, change):
        obj.created_by = obj.created_by or request.user
        obj._history_user = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("aperçu"))
    def overview(self, obj):
        try:
            definition = obj.parsed
        except scoring.DefinitionError as error:
            return format_html_join("", "<p>{}</p>", ((p,) for p in error.problems))
        rows = []
        for dimension in definition.dimensions:
            rows.append((f"■ {dimension.label} (poids {dimension.weight})", ""))
            for question in definition.questions_of(dimension.code):
                choices = ", ".join(f"{c.label} [{c.weight}]" for c in question.choices)
                mark = " *" if question.required else ""
                rows.append((f"{question.code}{mark} — {question.text}", choices))
        return format_html_join("", "<p><strong>{}</strong><br>{}</p>", rows)

    @admin.action(description=_("Dupliquer en nouvelle version (brouillon)"))
    def duplicate(self, request, queryset):
        for questionnaire in queryset.order_by("version"):
            copy = services.questionnaire_duplicate(questionnaire=questionnaire, by=request.user)
            self.message_user(
                request,
                _("Version %(version)s créée (brouillon) : modifiez-la puis publiez-la.")
                % {"version": copy.version},
                messages.SUCCESS,
            )

    @admin.action(description=_("Publier et mettre en service"))
    def publish(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Publiez une seule version à la fois."), messages.ERROR)
            return
        try:
            questionnaire = services.questionnaire_publish(
                questionnaire=queryset.get(), by=request.user
            )
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)
            return
        self.message_user(
            request,
            _("La version %(version)s est en service.") % {"version": questionnaire.version},
            messages.SUCCESS,
        )


@admin.register(Diagnostic)
class DiagnosticAdmin(HistoryAdmin):
    platform_path = "platform"
    platform_admin_may = READ

    list_display = ["pk", "kind", "status", "pathway", "taken_on", "mobility_potential"]
    list_filter = ["kind", "status", "orientation_group"]
    list_select_related = ["pathway__beneficiary"]
    search_fields = ["pathway__beneficiary__last_name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
