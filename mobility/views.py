"""The HTML pages, as thin as the API handlers.

Each view parses a form, calls one service, and turns a DomainError into a form error or
a message. Every queryset goes through the model's `for_user` scope: an object outside it
is a 404; a role that may not act on a page gets the 403 page.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from mobility import form_tokens, referral_delays, services, tokens
from mobility.enums import (
    API_TOKEN_ROLES,
    CASEWORK_ROLES,
    STAFF_ROLES,
    FileAccessChannel,
    Need,
    ReferralStatus,
    Role,
)
from mobility.errors import DomainError, DuplicatePerson, InvalidInput
from mobility.form_tokens import one_time_form
from mobility.forms import (
    AcceptForm,
    ApiTokenForm,
    BeneficiaryFilterForm,
    DeclineForm,
    ErasureRequestForm,
    PathwayCloseForm,
    ReferralFilterForm,
    ReferralForm,
    add_domain_errors,
)
from mobility.history import beneficiary_history
from mobility.models import ApiToken, Beneficiary, FileAccess, Notification, Pathway, Referral
from mobility.registry import registry
from mobility.rules import can_transition
from mobility.visibility import visible_sections

PAGE_SIZE = 25
# The file shows an administrator its latest consultations; the admin lists them all.
FILE_ACCESSES_SHOWN = 30
REFERRAL_ROLES = (*CASEWORK_ROLES, Role.PRESCRIBER)
# The inbox tabs name groups of fiches, hence plural labels of their own.
STATUS_TABS = {
    ReferralStatus.SUBMITTED: gettext_lazy("À traiter"),
    ReferralStatus.ACCEPTED: gettext_lazy("Acceptées"),
    ReferralStatus.DECLINED: gettext_lazy("Refusées"),
    ReferralStatus.CLOSED: gettext_lazy("Clôturées"),
    ReferralStatus.EXPIRED: gettext_lazy("Expirées"),
}
# A prescriber waits for the platform's answer rather than handles the fiche.
PRESCRIBER_TABS = {ReferralStatus.SUBMITTED: gettext_lazy("En attente")}


def role_required(*roles):
    """Signed in (else the login page) and holding one of `roles` (else the 403 page)."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.has_role(*roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def favicon(request):
    # Browsers ask for /favicon.ico whatever the page's <link rel="icon"> says.
    return redirect(static("img/logo.svg"), permanent=True)


@login_required
def home(request):
    """Each role starts where its work is; funders only ever see aggregates."""
    user = request.user
    if user.has_role(*CASEWORK_ROLES):
        # Advisers open on what waits for them, not on every fiche ever received.
        return redirect(f"{reverse('referral_list')}?status={ReferralStatus.SUBMITTED}")
    if user.has_role(Role.PRESCRIBER):
        return redirect("referral_list")
    if user.has_role(Role.FLEET):
        return redirect("fleet:board")
    if user.has_role(Role.INSTRUCTOR):
        return redirect("drivingschool:week")
    if user.has_role(*STAFF_ROLES):
        return redirect("beneficiary_list")
    funded = [m for m in user.active_memberships() if m.role == Role.FUNDER]
    if funded:
        return render(request, "mobility/home_funder.html", {"memberships": funded})
    return render(request, "mobility/home_no_role.html")


# Referrals ---------------------------------------------------------------------------------


@role_required(*REFERRAL_ROLES)
def referral_list(request):
    user = request.user
    filters = ReferralFilterForm(request.GET, user=user)
    scoped = Referral.objects.for_user(user)
    # The platform's advisers see which pending fiches are past their delay to answer.
    casework_platforms = sorted(user.platform_ids(CASEWORK_ROLES))
    today = timezone.localdate()
    delays = referral_delays.settings_for(casework_platforms)
    cutoffs = referral_delays.late_cutoffs(casework_platforms, today=today, delays=delays)
    counts, late_count = filters.filter(scoped, with_status=False).count_by_status_and_waiting(
        cutoffs
    )
    referrals = filters.filter(scoped, late_cutoffs=cutoffs).select_related("prescriber")
    page = Paginator(referrals, PAGE_SIZE).get_page(request.GET.get("page"))
    for referral in page:
        referral.due_on, referral.is_late = None, False
        if referral.status == ReferralStatus.SUBMITTED and referral.platform_id in delays:
            referral.due_on = referral_delays.due_on(referral, delays[referral.platform_id])
            referral.is_late = today > referral.due_on
    is_prescriber_only = not user.has_role(*CASEWORK_ROLES)
    labels = {**STATUS_TABS, **(PRESCRIBER_TABS if is_prescriber_only else {})}
    tabs = [
        {"value": value, "label": label, "count": counts.get(value, 0)}
        for value, label in labels.items()
    ]
    return render(
        request,
        "mobility/referral_list.html",
        {
            "filters": filters,
            "page": page,
            "tabs": tabs,
            "total": sum(counts.values()),
            "current_status": filters.cleaned_data.get("status", ""),
            "late_only": bool(filters.cleaned_data.get("late")),
            "late_count": late_count if cutoffs else None,
            "is_prescriber_only": is_prescriber_only,
        },
    )


@role_required(*REFERRAL_ROLES)
def referral_create(request):
    form = ReferralForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_submit(
                by=request.user,
                prescriber=form.cleaned_data["prescriber"],
                data=form.referral_data(),
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(
                request,
                _("Fiche de liaison n° %(pk)s envoyée. La plateforme en est informée.")
                % {"pk": referral.pk},
            )
            return redirect("referral_detail", pk=referral.pk)
    return render(request, "mobility/referral_form.html", {"form": form})


def _referral_for(request, pk) -> Referral:
    return get_object_or_404(
        Referral.objects.for_user(request.user).select_related(
            "prescriber", "platform", "submitted_by", "decided_by", "pathway"
        ),
        pk=pk,
    )


def _accept_form(referral, data=None) -> AcceptForm:
    # Only a pending fiche asks who the person is; for any other, the service says why
    # it cannot be accepted (a double click must not end on a silent form error).
    pending = can_transition(referral.status, ReferralStatus.ACCEPTED)
    candidates = services.duplicate_candidates(referral) if pending else []
    return AcceptForm(data, candidates=candidates, received_on=referral.received_on)


def _render_referral(request, referral, *, accept_form=None, decline_form=None):
    user = request.user
    may_decide = referral.platform_id in user.platform_ids(CASEWORK_ROLES) and can_transition(
        referral.status, ReferralStatus.ACCEPTED
    )
    if may_decide and accept_form is None:
        accept_form = _accept_form(referral)
    due_on = None
    if may_decide:
        delays = referral_delays.settings_for([referral.platform_id])[referral.platform_id]
        due_on = referral_delays.due_on(referral, delays)
    trail = (
        Notification.objects.for_user(user)
        .filter(referral=referral)
        .select_related("created_by")
        .order_by("created_at", "pk")
    )
    return render(
        request,
        "mobility/referral_detail.html",
        {
            "referral": referral,
            "may_decide": may_decide,
            "due_on": due_on,
            "is_late": due_on is not None and timezone.localdate() > due_on,
            "accept_form": accept_form,
            "decline_form": decline_form or DeclineForm(),
            "trail": trail,
            "may_resend": referral.platform_id in user.platform_ids(CASEWORK_ROLES),
            "needs": [label for value, label in Need.choices if value in referral.needs],
            "may_resend_fiche": referral.status == ReferralStatus.EXPIRED
            and referral_delays.may_resend(user, referral),
            # Before the handover: what a rental would need, while it can still be asked.
            "shows_eligibility": referral.status
            in (ReferralStatus.SUBMITTED, ReferralStatus.ACCEPTED),
            "shows_beneficiary": referral.beneficiary_id
            and referral.platform_id in user.platform_ids(STAFF_ROLES),
        },
    )


@role_required(*REFERRAL_ROLES)
def referral_detail(request, pk):
    return _render_referral(request, _referral_for(request, pk))


@require_POST
@role_required(*CASEWORK_ROLES)
def referral_accept(request, pk):
    referral = _referral_for(request, pk)
    form = _accept_form(referral, request.POST)
    if not form.is_valid():
        return _render_referral(request, referral, accept_form=form)
    try:
        accepted = services.referral_accept(referral=referral, by=request.user, **form.choice())
    except DuplicatePerson as error:
        # Someone with the same identity appeared meanwhile: the page now offers the choice.
        messages.warning(request, error.message)
    except InvalidInput as error:
        add_domain_errors(form, error)
        return _render_referral(request, referral, accept_form=form)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Fiche acceptée : le parcours est ouvert et le ou la référent·e informé·e.")
        )
        # The adviser's next step (the entry diagnostic) starts from the person's file.
        return redirect("beneficiary_detail", pk=accepted.beneficiary_id)
    return redirect("referral_detail", pk=referral.pk)


@require_POST
@role_required(*CASEWORK_ROLES)
def referral_decline(request, pk):
    referral = _referral_for(request, pk)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.referral_decline(
                referral=referral, by=request.user, reason=form.cleaned_data["reason"]
            )
        except InvalidInput as error:
            add_domain_errors(form, error)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("referral_detail", pk=referral.pk)
        else:
            messages.success(request, _("Fiche refusée : le ou la référent·e en est informé·e."))
            return redirect("referral_detail", pk=referral.pk)
    return _render_referral(request, referral, decline_form=form)


@require_POST
@role_required(*REFERRAL_ROLES)
def referral_resend(request, pk):
    """The referent (or the platform) sends an expired fiche again."""
    referral = _referral_for(request, pk)
    try:
        referral_delays.referral_resend(referral=referral, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _(
                "Fiche renvoyée : la plateforme la reçoit à nouveau, "
                "ses délais repartent d'aujourd'hui."
            ),
        )
    return redirect("referral_detail", pk=referral.pk)


@require_POST
@role_required(*CASEWORK_ROLES)
def notification_resend(request, pk, notification_pk):
    """Staff send again a notification in "échec" (or stuck), from the referral's trail."""
    notification = get_object_or_404(
        Notification.objects.for_user(request.user).filter(
            platform_id__in=request.user.platform_ids(CASEWORK_ROLES)
        ),
        pk=notification_pk,
        referral_id=pk,
    )
    try:
        services.notification_resend(notification=notification, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("La notification repart : son envoi s'affichera dans quelques instants.")
        )
    return redirect("referral_detail", pk=pk)


# Beneficiaries and pathways ----------------------------------------------------------------


@role_required(*STAFF_ROLES)
def beneficiary_list(request):
    filters = BeneficiaryFilterForm(request.GET)
    beneficiaries = filters.filter(
        Beneficiary.objects.for_user(request.user).active().with_open_pathway()
    )
    page = Paginator(beneficiaries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "mobility/beneficiary_list.html", {"filters": filters, "page": page})


def _render_beneficiary(request, beneficiary, *, close_form=None):
    user = request.user
    # Every reading of the file is logged; the administrators read the log on the file.
    services.file_access_record(beneficiary=beneficiary, by=user, channel=FileAccessChannel.PAGE)
    is_admin = beneficiary.platform_id in services.user_admin_platform_ids(user)
    sees = visible_sections(user.roles_on(beneficiary.platform_id))
    pathways = list(
        beneficiary.pathways.select_related("opened_by", "closed_by")
        .prefetch_related(*registry.all_pathway_prefetches())
        .order_by("-opened_on", "-pk")
    )
    may_close = beneficiary.platform_id in user.platform_ids(CASEWORK_ROLES)
    accesses = (
        FileAccess.objects.for_user(user)
        .filter(beneficiary=beneficiary)
        .select_related("user")[:FILE_ACCESSES_SHOWN]
        if is_admin
        else None
    )
    return render(
        request,
        "mobility/beneficiary_detail.html",
        {
            "beneficiary": beneficiary,
            "pathways": pathways,
            "referrals": beneficiary.referrals.select_related("prescriber"),
            "history": beneficiary_history(beneficiary) if "history" in sees else (),
            # One time line of what each module did with the person (mobility/registry.py).
            "timeline": registry.timeline_for(user, beneficiary, pathways, sees),
            "sees": sees,
            "may_close": may_close,
            "close_form": close_form or PathwayCloseForm(),
            "is_admin": is_admin,
            "accesses": accesses,
        },
    )


@role_required(*STAFF_ROLES)
def beneficiary_detail(request, pk):
    beneficiary = get_object_or_404(Beneficiary.objects.for_user(request.user), pk=pk)
    return _render_beneficiary(request, beneficiary)


def _beneficiary_for_admin(request, pk) -> Beneficiary:
    """A person of the user's platforms (else 404) whose platform they administer (else
    the 403 page)."""
    beneficiary = get_object_or_404(
        Beneficiary.objects.for_user(request.user).select_related("platform"), pk=pk
    )
    if beneficiary.platform_id not in services.user_admin_platform_ids(request.user):
        raise PermissionDenied
    return beneficiary


@role_required(Role.ADMIN)
def beneficiary_erase(request, pk):
    """The deletion request for one person: a reason, a confirmation, then the erasure."""
    beneficiary = _beneficiary_for_admin(request, pk)
    form = ErasureRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.beneficiary_erase_on_request(
                beneficiary=beneficiary, by=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(
                request,
                _("Les données personnelles de la personne n° %(pk)s sont effacées.")
                % {"pk": beneficiary.pk},
            )
            return redirect("beneficiary_detail", pk=beneficiary.pk)
    return render(
        request, "mobility/beneficiary_erase.html", {"beneficiary": beneficiary, "form": form}
    )


@role_required(Role.ADMIN)
def beneficiary_personal_data(request, pk, extension):
    """Right of access: everything the platform holds on the person, JSON or PDF."""
    from mobility import personal_data  # WeasyPrint loads only when a PDF is asked for

    beneficiary = _beneficiary_for_admin(request, pk)
    channel = {"json": FileAccessChannel.EXPORT_JSON, "pdf": FileAccessChannel.EXPORT_PDF}
    services.file_access_record(
        beneficiary=beneficiary, by=request.user, channel=channel[extension]
    )
    data = personal_data.personal_data(beneficiary, requested_by=request.user)
    if extension == "json":
        response = HttpResponse(data.to_json_bytes(), content_type="application/json")
    else:
        response = HttpResponse(personal_data.to_pdf(data), content_type="application/pdf")
    name = personal_data.filename(beneficiary, extension)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@role_required(*CASEWORK_ROLES)
def pathway_close(request, pk):
    pathway = get_object_or_404(
        Pathway.objects.for_user(request.user).select_related("beneficiary"), pk=pk
    )
    form = PathwayCloseForm(request.POST)
    if form.is_valid():
        try:
            services.pathway_close(pathway=pathway, by=request.user, **form.cleaned_data)
        except InvalidInput as error:
            add_domain_errors(form, error, aliases=PathwayCloseForm.ERROR_ALIASES)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("beneficiary_detail", pk=pathway.beneficiary_id)
        else:
            messages.success(
                request, _("Parcours clôturé : les référent·es concerné·es sont informé·es.")
            )
            return redirect("beneficiary_detail", pk=pathway.beneficiary_id)
    return _render_beneficiary(request, pathway.beneficiary, close_form=form)


# ---- API tokens: each person's own, and an administrator's platform members'


@role_required(*API_TOKEN_ROLES)
@one_time_form
def api_tokens(request):
    """List the tokens one may revoke, and create one for oneself (shown this once)."""
    form = ApiTokenForm(request.POST or None)
    created = raw = None
    if request.method == "POST" and form.is_valid():
        try:
            with form_tokens.submission(request, form, result_url=reverse("api_tokens")):
                created, raw = tokens.api_token_create(
                    user=request.user,
                    by=request.user,
                    label=form.cleaned_data["label"],
                    days=form.cleaned_data["days"],
                )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            form = ApiTokenForm()
    listed = (
        ApiToken.objects.for_user(request.user)
        .select_related("user", "revoked_by")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    return render(
        request,
        "mobility/api_tokens.html",
        {
            "form": form,
            "created": created,
            "raw_token": raw,
            "page": page,
            "rows": [(token, token.state(now)) for token in page],
            "shows_others": bool(request.user.platform_ids({Role.ADMIN})),
        },
        status=422 if form.errors else 200,
    )


@require_POST
@role_required(*API_TOKEN_ROLES)
def api_token_revoke(request, pk):
    token = get_object_or_404(ApiToken.objects.for_user(request.user), pk=pk)
    try:
        tokens.api_token_revoke(token=token, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Jeton « %(label)s » révoqué : il ne donne plus accès à l'API.")
            % {"label": token.label or token.key_hash[:8]},
        )
    return redirect("api_tokens")
