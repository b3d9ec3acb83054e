"""The Django admin: the back office of platform administrators, in French.

Each platform administrator sees there only their platforms' rows, and does only what
their role allows (mobility/admin_site.py: every ModelAdmin below is `PlatformScoped`);
the operator's superuser sees everything. Workflows (submit, accept, decline, close a
referral or a pathway) belong to the services behind the pages and the API, so here
their fields are read-only and their objects cannot be added. Nothing about a person
is hard-deleted by staff: people are archived (`archived_at`), accounts deactivated,
tokens revoked. Every changelist selects its related rows up front, so its query count
does not grow with its rows.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import display_for_field
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

from mobility import invitations, services
from mobility.admin_site import (
    EDIT,
    MANAGE,
    READ,
    PlatformScoped,
    ScopedInline,
    ScopedModelAdmin,
    administered_platform_ids,
    is_operator,
)
from mobility.enums import FileAccessChannel
from mobility.errors import DomainError
from mobility.models import (
    ApiToken,
    Beneficiary,
    Budget,
    ErasureRecord,
    FileAccess,
    JobRun,
    Membership,
    Notification,
    Organisation,
    Pathway,
    Platform,
    Referral,
    ReferralSettings,
    User,
)
from mobility.rules import account_managed_by, identity_key
from mobility.tokens import api_token_revoke


class ReadableChanges(HistoricalRecordContextHelper):
    """Changes as a person reads them: "acceptée" rather than `accepted`, local dates,
    and "—" for an empty link (simple-history says "Deleted ... (pk=None)")."""

    def prepare_delta_change_value(self, change, value):
        if isinstance(value, DeletedObject):
            return "—" if value.pk is None else str(value)
        field = self.model._meta.get_field(change.field)
        return display_for_field(value, field, "—")


class HistoryAdmin(PlatformScoped, SimpleHistoryAdmin):
    """History visible, never reverted: a revert would bypass the services' rules
    (a referral back to "reçue", a pathway reopened without anyone being told)."""

    def _require_in_scope(self, request, object_id) -> None:
        # simple-history reads past versions of any row: another platform's is not found.
        if not is_operator(request.user) and self.get_object(request, object_id) is None:
            raise Http404

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableChanges(self.model, historical_record)

    def revert_disabled(self, request, obj=None):
        return True

    def history_view(self, request, object_id, extra_context=None):
        self._require_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # The revert button is hidden, but simple-history still saves a POSTed form.
        if request.method == "POST":
            raise PermissionDenied
        self._require_in_scope(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


class NoDeleteMixin:
    """Archive instead: nothing the platform is accountable for is hard-deleted."""

    def has_delete_permission(self, request, obj=None):
        return False


class NoAddMixin:
    """Created by a workflow (a page or the API calling a service), not in the admin."""

    def has_add_permission(self, request, obj=None):
        return False


# --- Platforms, organisations, accounts --------------------------------------------------


@admin.register(Platform)
class PlatformAdmin(NoDeleteMixin, HistoryAdmin):
    """The operator's: a platform administrator picks their own platform in forms."""

    platform_path = "pk"
    list_display = ["name", "department", "is_active", "created_at"]
    list_filter = ["is_active", "department"]
    search_fields = ["name"]
    readonly_fields = ["created_at"]


@admin.register(ReferralSettings)
class ReferralSettingsAdmin(NoDeleteMixin, HistoryAdmin):
    """Each platform's delays to answer a fiche (mobility/referral_delays.py); without a
    row, the defaults (5 working days, 30 days) apply."""

    platform_path = "platform"
    platform_admin_may = MANAGE
    list_display = ["platform", "late_after_working_days", "expire_after_days"]
    list_select_related = ["platform"]


@admin.register(Organisation)
class OrganisationAdmin(NoDeleteMixin, HistoryAdmin):
    platform_path = "platform"
    platform_admin_may = MANAGE
    list_display = ["name", "kind", "platform", "siret", "archived_at"]
    list_filter = ["kind", "platform", ("archived_at", admin.EmptyFieldListFilter)]
    list_select_related = ["platform"]
    search_fields = ["name", "siret"]
    autocomplete_fields = ["platform"]
    readonly_fields = ["created_at"]

    def get_readonly_fields(self, request, obj=None):
        # Moving an organisation would carry its referrals into another tenant.
        if obj is not None:
            return [*self.readonly_fields, "platform"]
        return self.readonly_fields

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)

        class OrganisationForm(form_class):
            def clean(self):
                cleaned = super().clean()
                # Once created, the platform is read-only, so the form leaves it out and
                # Django skips the unique-name constraint: the same rule, asked here.
                name = cleaned.get("name")
                if (
                    "platform" not in self.fields
                    and name
                    and services.organisation_name_taken(
                        platform_id=self.instance.platform_id,
                        name=name,
                        exclude_pk=self.instance.pk,
                    )
                ):
                    self.add_error(
                        "name", "Une organisation de ce nom existe déjà sur cette plateforme."
                    )
                return cleaned

        return OrganisationForm


class MembershipInline(ScopedInline, admin.TabularInline):
    """A platform administrator sees and gives roles on their own platforms only."""

    model = Membership
    fk_name = "user"
    extra = 0
    fields = ["platform", "role", "organisation"]
    autocomplete_fields = ["platform", "organisation"]
    platform_path = "platform"
    platform_admin_edits = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("platform", "organisation")

    def get_min_num(self, request, obj=None, **kwargs):
        # An account a platform administrator creates has a role on their platform at
        # once: without one it would be nobody's (and out of their sight).
        if obj is None and not is_operator(request.user):
            return 1
        return super().get_min_num(request, obj, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        return super().get_formset(request, obj, validate_min=True, **kwargs)


@admin.register(User)
class UserAdmin(NoDeleteMixin, HistoryAdmin, BaseUserAdmin):
    """Accounts are deactivated (`is_active`), never deleted: they sign the history.

    A platform administrator creates accounts, gives roles on their platform and edits
    the accounts that belong only to their platforms; of an account that also belongs
    elsewhere (or of the operator's) they change only the roles on their platform. They
    never set superuser or staff status, groups or permissions: those fields are not in
    their form, so a forged POST of them is ignored."""

    platform_path = "memberships__platform"
    platform_admin_may = MANAGE
    inlines = [MembershipInline]
    platform_admin_fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Informations personnelles"), {"fields": ("first_name", "last_name", "email")}),
        (_("Statut"), {"fields": ("is_active",)}),
        (_("Dates importantes"), {"fields": ("last_login", "date_joined")}),
    )
    list_display = [
        "username",
        "first_name",
        "last_name",
        "email",
        "roles",
        "is_active",
        "invitation_state",
    ]
    list_filter = [
        "is_active",
        "is_staff",
        "is_superuser",
        "memberships__role",
        "memberships__platform",
    ]
    search_fields = ["username", "first_name", "last_name", "email"]
    actions = ["resend_invitation"]
    change_list_template = "admin/mobility/user/change_list.html"

    def get_urls(self):
        invite = path(
            "inviter/",
            self.admin_site.admin_view(self.invite_view),
            name="mobility_user_invite",
        )
        return [invite, *super().get_urls()]

    def invite_view(self, request):
        """Name a person and a role; the person receives a link and chooses a password."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = invitations.InvitationForm(request.POST or None, inviter=request.user)
        if request.method == "POST" and form.is_valid():
            user = invitations.invite(inviter=request.user, **form.cleaned_data)
            self.log_addition(request, user, _("Invitation envoyée"))
            messages.success(
                request,
                _("Invitation envoyée à %(email)s : le lien reste valable %(days)s jours.")
                % {"email": user.email, "days": settings.INVITATION_TIMEOUT_DAYS},
            )
            return redirect("admin:mobility_user_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Inviter une personne"),
            "form": form,
            "opts": self.model._meta,
            "days": settings.INVITATION_TIMEOUT_DAYS,
        }
        return TemplateResponse(request, "admin/mobility/user/invite.html", context)

    @admin.action(description=_("Renvoyer l'invitation (nouveau lien)"))
    def resend_invitation(self, request, queryset):
        sent, skipped = 0, []
        for user in queryset:
            if invitations.is_pending(user) and self.managed_fully(request, user):
                invitations.send_invitation(user, invited_by=request.user)
                sent += 1
            else:
                skipped.append(str(user))
        if sent:
            self.message_user(
                request,
                ngettext(
                    "%(count)d invitation renvoyée ; les liens précédents ne servent plus.",
                    "%(count)d invitations renvoyées ; les liens précédents ne servent plus.",
                    sent,
                )
                % {"count": sent},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                _("Pas d'invitation pour %(names)s : mot de passe déjà choisi.")
                % {"names": ", ".join(skipped)},
                messages.WARNING,
            )

    @admin.display(description=_("invitation"))
    def invitation_state(self, user: User) -> str:
        return _("en attente") if invitations.is_pending(user) else "—"

    def get_queryset(self, request):
        memberships = Membership.objects.select_related("platform", "organisation").order_by(
            "platform__name", "role"
        )
        if not is_operator(request.user):
            # Not even the name of another platform an account also works for.
            memberships = memberships.filter(
                platform_id__in=administered_platform_ids(request.user)
            )
        return super().get_queryset(request).prefetch_related(Prefetch("memberships", memberships))

    def managed_fully(self, request, user: User | None) -> bool:
        """Whether the account itself (not only its roles here) is the requester's to edit."""
        if is_operator(request.user) or user is None:
            return True
        return account_managed_by(
            account_platform_ids=set(
                Membership.objects.filter(user=user).values_list("platform_id", flat=True)
            ),
            account_is_operator=user.is_superuser or user.is_staff,
            admin_platform_ids=administered_platform_ids(request.user),
        )

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        if is_operator(request.user):
            return filters
        # Roles and platforms of a shared account would tell of the other platform.
        return ["is_active"]

    def get_fieldsets(self, request, obj=None):
        if obj is None or is_operator(request.user):
            return super().get_fieldsets(request, obj)
        return self.platform_admin_fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is None or is_operator(request.user):
            return readonly
        readonly += ["last_login", "date_joined"]
        if not self.managed_fully(request, obj):
            readonly += ["username", "password", "first_name", "last_name", "email", "is_active"]
        return readonly

    def user_change_password(self, request, id, form_url=""):
        user = self.get_object(request, id)
        if user is not None and not self.managed_fully(request, user):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The last word on a new account: it has a role on one of the requester's
        # platforms (the inline asks for one), or nothing is written.
        if (
            not change
            and not is_operator(request.user)
            and not self.get_queryset(request).filter(pk=form.instance.pk).exists()
        ):
            raise PermissionDenied

    @admin.display(description=_("rôles"))
    def roles(self, user: User) -> str:
        return " ; ".join(
            f"{m.get_role_display()} — {m.organisation or m.platform}"
            for m in user.memberships.all()
        )


# --- People and their pathways -----------------------------------------------------------


class PathwayInline(ScopedInline, admin.TabularInline):
    model = Pathway
    fk_name = "beneficiary"
    extra = 0
    fields = ["status", "opened_on", "closed_on", "outcome", "durable_solution"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # Each row is titled with its person's name (Pathway.__str__): one join, not a query.
        return super().get_queryset(request).select_related("beneficiary")


@admin.register(Beneficiary)
class BeneficiaryAdmin(NoAddMixin, NoDeleteMixin, HistoryAdmin):
    platform_path = "platform"
    platform_admin_may = READ  # corrected by the operator only, as the workflows own them
    list_display = ["full_name", "birth_date", "commune", "platform", "qpv", "rsa", "archived_at"]
    list_filter = [
        "platform",
        "qpv",
        "rsa",
        "ass",
        "aah",
        "rqth",
        "sex",
        ("archived_at", admin.EmptyFieldListFilter),
    ]
    list_select_related = ["platform"]
    search_fields = ["last_name", "first_name", "commune", "postal_code", "email", "phone"]
    readonly_fields = ["platform", "created_at"]
    inlines = [PathwayInline]

    @admin.display(description=_("nom"), ordering="last_name")
    def full_name(self, beneficiary: Beneficiary) -> str:
        return beneficiary.full_name

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        # A file read in /admin/ is in the consultation log, as on the site and the API.
        if request.method == "GET" and response.status_code == 200:
            beneficiary = self.get_object(request, object_id)
            if beneficiary is not None:
                services.file_access_record(
                    beneficiary=beneficiary, by=request.user, channel=FileAccessChannel.ADMIN
                )
        return response

    def save_model(self, request, obj, form, change):
        # Duplicate detection reads identity_key: a corrected name must update it.
        obj.identity_key = identity_key(obj.first_name, obj.last_name)
        super().save_model(request, obj, form, change)


@admin.register(Referral)
class ReferralAdmin(NoAddMixin, NoDeleteMixin, HistoryAdmin):
    platform_path = "platform"
    platform_admin_may = READ
    list_display = ["pk", "full_name", "prescriber", "platform", "received_on", "status"]
    list_display_links = ["pk", "full_name"]
    list_filter = ["status", "platform", "job_kind", "qpv", "rsa", "prescriber__kind"]
    list_select_related = ["platform", "prescriber"]
    search_fields = [
        "last_name",
        "first_name",
        "referent_name",
        "referent_email",
        "prescriber__name",
    ]
    date_hierarchy = "received_on"
    # Status and decision change only through the services, which tell the referent.
    # The needs are codes the services validate (the erasure registry keeps them as such).
    readonly_fields = [
        "platform",
        "prescriber",
        "needs",
        "status",
        "resent_on",
        "decline_reason",
        "beneficiary",
        "pathway",
        "submitted_by",
        "decided_by",
        "decided_at",
        "created_at",
    ]
    fieldsets = [
        (
            _("Suivi"),
            {
                "fields": [
                    "platform",
                    "prescriber",
                    "received_on",
                    "resent_on",
                    "status",
                    "decline_reason",
                    "beneficiary",
                    "pathway",
                    "submitted_by",
                    "decided_by",
                    "decided_at",
                    "created_at",
                ]
            },
        ),
        (_("Référent·e"), {"fields": ["referent_name", "referent_email", "referent_phone"]}),
        (
            _("Personne"),
            {
                "fields": [
                    ("first_name", "last_name"),
                    ("birth_date", "sex"),
                    ("phone", "email"),
                    "address",
                    ("postal_code", "commune", "qpv"),
                    ("rsa", "ass", "aah", "rqth"),
                    "monthly_resources",
                    ("licence_held", "licence_since"),
                ]
            },
        ),
        (
            _("Projet et besoins"),
            {
                "fields": [
                    "project",
                    ("job_kind", "contract", "job_start_date", "job_end_date"),
                    "employer",
                    "job_address",
                    ("job_schedule", "atypical_hours"),
                    "home_work_km",
                    "needs",
                    "comment",
                ]
            },
        ),
    ]

    @admin.display(description=_("personne"), ordering="last_name")
    def full_name(self, referral: Referral) -> str:
        return referral.full_name


class ReferralInline(ScopedInline, admin.TabularInline):
    model = Referral
    fk_name = "pathway"
    extra = 0
    fields = ["prescriber", "referent_name", "received_on", "status"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("prescriber")


@admin.register(Pathway)
class PathwayAdmin(NoAddMixin, NoDeleteMixin, HistoryAdmin):
    """Read-only: a pathway opens on acceptance and closes through the closing service."""

    platform_path = "platform"
    platform_admin_may = READ

    list_display = [
        "pk",
        "beneficiary",
        "platform",
        "status",
        "opened_on",
        "closed_on",
        "outcome",
        "durable_solution",
    ]
    list_display_links = ["pk", "beneficiary"]
    list_filter = ["status", "platform", "outcome", "durable_solution"]
    list_select_related = ["platform", "beneficiary"]
    search_fields = ["beneficiary__last_name", "beneficiary__first_name"]
    date_hierarchy = "opened_on"
    readonly_fields = [
        "platform",
        "beneficiary",
        "status",
        "opened_on",
        "opened_by",
        "closed_on",
        "closed_by",
        "outcome",
        "durable_solution",
    ]
    inlines = [ReferralInline]


@admin.register(Notification)
class NotificationAdmin(NoAddMixin, NoDeleteMixin, ScopedModelAdmin):
    """The referents' feedback trail: a record of what was said, so read-only; a failed
    (or stuck) one can be resent."""

    platform_path = "platform"
    platform_admin_may = READ

    list_display = [
        "created_at",
        "event",
        "recipient",
        "referral",
        "platform",
        "state",
        "attempts",
        "sent_at",
        "send_error",
    ]
    list_filter = ["state", "event", "platform", ("sent_at", admin.EmptyFieldListFilter)]
    list_select_related = ["referral", "platform"]
    search_fields = ["recipient", "subject", "referral__last_name", "referral__first_name"]
    date_hierarchy = "created_at"
    actions = ["resend"]

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Renvoyer les notifications sélectionnées"))
    def resend(self, request, queryset):
        resent, refused = 0, []
        for notification in queryset.order_by("pk"):
            try:
                services.notification_resend(notification=notification, by=request.user)
            except DomainError as error:
                refused.append(f"n° {notification.pk} : {error.message}")
            else:
                resent += 1
        if resent:
            self.message_user(
                request,
                ngettext(
                    "%d notification remise en file d'envoi.",
                    "%d notifications remises en file d'envoi.",
                    resent,
                )
                % resent,
                messages.SUCCESS,
            )
        for reason in refused:
            self.message_user(request, reason, messages.WARNING)


@admin.register(JobRun)
class JobRunAdmin(NoAddMixin, NoDeleteMixin, ScopedModelAdmin):
    """When each daily job ran and what it did (mobility/jobs.py): read-only, the
    operator's (no platform)."""

    list_display = ["job", "day", "started_at", "finished_at", "outcome", "summary", "manual"]
    list_filter = ["outcome", "job", "manual"]
    date_hierarchy = "started_at"

    def has_change_permission(self, request, obj=None):
        return False


# --- API tokens ----------------------------------------------------------------------------


def _labelled(name: str, label: str):
    """Show field `name` under a French label (ApiToken's fields carry none)."""

    @admin.display(description=label, ordering=name)
    def show(model_admin, obj):  # a method of the ModelAdmin it is assigned to
        return getattr(obj, name)

    show.__name__ = name
    return show


@admin.register(ApiToken)
class ApiTokenAdmin(NoAddMixin, NoDeleteMixin, ScopedModelAdmin):
    """Tokens are created by `manage.py create_api_token` (the only time one is shown)
    and revoked here; a revoked token stays listed, as a trace. A platform administrator
    sees and revokes those of their platforms' members, as on the site."""

    platform_path = "user__memberships__platform"
    platform_admin_may = EDIT

    owner = _labelled("user", _("compte"))
    created = _labelled("created_at", _("créé le"))
    expires = _labelled("expires_at", _("expire le"))
    last_used = _labelled("last_used_at", _("dernière utilisation"))
    revoked = _labelled("revoked_at", _("révoqué le"))
    revoker = _labelled("revoked_by", _("révoqué par"))
    key = _labelled("key_hash", _("empreinte SHA-256 (le jeton lui-même n'est pas conservé)"))

    list_display = ["owner", "label", "key_prefix", "created", "expires", "last_used", "revoked"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), "expires_at"]
    list_select_related = ["user"]
    search_fields = ["user__username", "label"]
    fields = ["owner", "label", "key", "created", "expires", "last_used", "revoked", "revoker"]
    readonly_fields = fields
    actions = ["revoke"]

    @admin.display(description=_("début de l'empreinte"))
    def key_prefix(self, token: ApiToken) -> str:
        return f"{token.key_hash[:12]}…"

    @admin.action(description=_("Révoquer les jetons sélectionnés"), permissions=["change"])
    def revoke(self, request, queryset):
        # Through the service, one by one: each revocation is in the token's history.
        count = 0
        for token in queryset.filter(revoked_at__isnull=True):
            api_token_revoke(token=token, by=request.user)
            count += 1
        self.message_user(
            request,
            ngettext("%d jeton révoqué.", "%d jetons révoqués.", count) % count,
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            "subtitle": _(
                "Un jeton se crée sur la page « Jetons d'API » du site, ou en ligne de "
                "commande : python manage.py create_api_token IDENTIFIANT --label LIBELLÉ "
                "[--days JOURS] (il n'est affiché qu'à sa création)."
            ),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)


@admin.register(Budget)
class BudgetAdmin(HistoryAdmin):
    """The budget lines the funder reports divide by the people received (cost per
    beneficiary); a line over a year counts for its share of days in a shorter period."""

    platform_path = "platform"
    platform_admin_may = MANAGE

    list_display = ["platform", "funder", "label", "period_start", "period_end", "amount"]
    list_filter = ["platform"]
    list_select_related = ["platform", "funder"]
    search_fields = ["label", "funder__name", "platform__name"]
    autocomplete_fields = ["platform"]
    date_hierarchy = "period_start"
    readonly_fields = ["created_at"]


# --- Personal data: erasures and consultations ---------------------------------------------


class ReadOnlyAdmin(NoAddMixin, NoDeleteMixin, ScopedModelAdmin):
    """An audit trail: read, never edited; each platform's administrators read theirs."""

    platform_path = "platform"
    platform_admin_may = READ

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ErasureRecord)
class ErasureRecordAdmin(ReadOnlyAdmin):
    """Each erasure of a person's data (daily job or an administrator's request): when,
    why, by whom, how many rows. It names the person by number only."""

    list_display = ["erased_at", "platform", "beneficiary_id", "referral_id", "reason", "by"]
    list_filter = ["reason", "platform"]
    list_select_related = ["platform", "requested_by"]
    date_hierarchy = "erased_at"

    @admin.display(description=_("demandé par"), ordering="requested_by__username")
    def by(self, record: ErasureRecord) -> str:
        if record.requested_by is None:
            return _("Traitement automatique")
        return record.requested_by.get_full_name() or record.requested_by.username


@admin.register(FileAccess)
class FileAccessAdmin(ReadOnlyAdmin):
    """Who read which beneficiary file, when, and how (page, API, download)."""

    list_display = ["accessed_at", "beneficiary_id", "user", "channel", "platform"]
    list_filter = ["channel", "platform"]
    list_select_related = ["platform", "user"]
    search_fields = ["user__username", "user__last_name", "=beneficiary__id"]
    date_hierarchy = "accessed_at"
