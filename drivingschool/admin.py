"""The auto-école sociale in the Django admin: read the records and their history.

Every workflow (enrol, schedule, mark attendance, exclude, release a tranche) goes through
the services behind the pages and the API, so here the workflow rows are read-only and
nothing is added or deleted. Only the programme's numbers are edited, through the
service, so the funding gates follow at once.
"""

from django.contrib import admin

from drivingschool import services
from drivingschool.models import (
    Attendance,
    Enrolment,
    ExamAttempt,
    FundingTranche,
    Lesson,
    Programme,
)
from mobility.admin import HistoryAdmin, NoAddMixin, NoDeleteMixin
from mobility.admin_site import EDIT, READ, ScopedInline, administered_platform_ids


class ReadOnlyMixin(NoAddMixin, NoDeleteMixin):
    platform_path = "platform"
    platform_admin_may = READ

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Programme)
class ProgrammeAdmin(NoAddMixin, NoDeleteMixin, HistoryAdmin):
    platform_path = "platform"
    platform_admin_may = EDIT
    list_display = [
        "name",
        "platform",
        "hourly_rate",
        "attendance_threshold",
        "exclusion_threshold",
    ]
    list_select_related = ["platform"]
    readonly_fields = ["platform"]

    def has_change_permission(self, request, obj=None):
        # The numbers are the platform's decision (the service asks for its administrator
        # role): the operator reads a programme here but does not change it.
        if obj is not None and obj.platform_id not in administered_platform_ids(request.user):
            return False
        return super().has_change_permission(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)

        class ProgrammeForm(form_class):
            def clean(self):
                # The service's own checks, as French form errors rather than a 500.
                cleaned = super().clean()
                if not self.errors:
                    for field, message in services.programme_problems(_data(cleaned)).items():
                        self.add_error(field if field in self.fields else None, message)
                return cleaned

        return ProgrammeForm

    def save_model(self, request, obj, form, change):
        services.programme_update(by=request.user, programme=obj, data=_data(form.cleaned_data))


def _data(cleaned: dict) -> services.ProgrammeData:
    return services.ProgrammeData(
        **{
            name: cleaned[name]
            for name in services.ProgrammeData.__dataclass_fields__
            if name in cleaned
        }
    )


class FundingTrancheInline(ScopedInline, admin.TabularInline):
    model = FundingTranche
    extra = 0
    fields = ["kind", "funder", "amount", "status", "released_at", "override_reason", "paid_on"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("funder")


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnlyMixin, HistoryAdmin):
    list_display = ["__str__", "platform", "status", "start_date", "quote_total"]
    list_filter = ["status", "platform"]
    list_select_related = ["platform", "pathway__beneficiary"]
    search_fields = ["pathway__beneficiary__last_name", "pathway__beneficiary__first_name"]
    inlines = [FundingTrancheInline]


@admin.register(FundingTranche)
class FundingTrancheAdmin(ReadOnlyMixin, HistoryAdmin):
    list_display = ["__str__", "platform", "funder", "amount", "status", "paid_on"]
    list_filter = ["status", "kind", "platform"]
    list_select_related = ["platform", "funder"]


@admin.register(Lesson)
class LessonAdmin(ReadOnlyMixin, HistoryAdmin):
    list_display = ["__str__", "platform", "instructor", "duration_minutes", "cancelled_at"]
    list_filter = ["kind", "platform"]
    list_select_related = ["platform", "instructor"]
    date_hierarchy = "start"


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyMixin, HistoryAdmin):
    list_display = ["lesson", "enrolment", "status", "late_minutes", "recorded_by", "recorded_at"]
    list_filter = ["status", "platform"]
    list_select_related = ["lesson", "enrolment__pathway__beneficiary", "recorded_by"]


@admin.register(ExamAttempt)
class ExamAttemptAdmin(ReadOnlyMixin, HistoryAdmin):
    list_display = ["__str__", "enrolment", "kind", "date", "passed"]
    list_filter = ["kind", "passed", "platform"]
    list_select_related = ["enrolment__pathway__beneficiary"]
