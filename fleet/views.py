"""The fleet pages (tablet first), as thin as the API handlers: parse a form, call one
service, show a DomainError as a form error or a message."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from fleet import photos, selectors, services
from fleet import signing as fleet_signing
from fleet.enums import (
    FLEET_ROLES,
    OVERRIDE_ROLES,
    ConditionItem,
    PhotoMoment,
    VehicleKind,
    VehicleStatus,
)
from fleet.forms import (
    CheckInForm,
    ExtensionForm,
    MicrocreditForm,
    PaymentForm,
    RefundForm,
    RentalForm,
    ReturnForm,
    ReversalForm,
    VehicleForm,
    VehicleStatusForm,
)
from fleet.handover import handover_choices
from fleet.models import LedgerEntry, Rental, Vehicle, VehiclePhoto
from fleet.pdf import (
    contract_pdf,
    receipt_filename,
    receipt_pdf,
    return_report_filename,
    return_report_pdf,
)
from fleet.tariffs import euros
from fleet.templatetags.fleet_tags import balance as balance_text
from mobility import form_tokens
from mobility.errors import DomainError, InvalidInput, NotFound
from mobility.file_downloads import stored_file_response
from mobility.form_tokens import one_time_form
from mobility.forms import HandoverSignatureForm, PaperScanForm, add_domain_errors
from mobility.models import Platform
from mobility.signing_pages import signed_document_panel
from mobility.views import role_required

FLEET = tuple(FLEET_ROLES)
VEHICLES_PER_PAGE = 50
# API error keys that name a form field differently.
ERROR_ALIASES = {
    "payment.amount": "payment_amount",
    "payment.method": "payment_method",
    "pathway_id": "pathway",
    "vehicle_id": "vehicle",
    "day": "date",
    **{f"condition.{item.value}": f"condition_{item.value}" for item in ConditionItem},
}


def _rentals(request):
    return (
        Rental.objects.for_user(request.user)
        .select_related("vehicle", "beneficiary", "tariff_grid", "platform", "created_by")
        .with_balance()
    )


@role_required(*FLEET)
def board(request):
    data = selectors.board(request.user, today=timezone.localdate())
    return render(request, "fleet/board.html", {"board": data})


@role_required(*FLEET)
def vehicle_list(request):
    platform_ids = request.user.platform_ids(FLEET_ROLES)
    form = VehicleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        platform = Platform.objects.filter(pk__in=platform_ids).order_by("pk").first()
        try:
            vehicle = services.vehicle_create(
                by=request.user, platform=platform, **form.cleaned_data
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Véhicule « %(v)s » ajouté.") % {"v": vehicle})
            return redirect("fleet:vehicle_list")
    vehicles = Vehicle.objects.for_user(request.user).order_by("status", "kind", "label", "pk")
    kind = request.GET.get("kind")
    if kind in VehicleKind.values:
        vehicles = vehicles.filter(kind=kind)
    status = request.GET.get("statut")
    if status in VehicleStatus.values:
        vehicles = vehicles.filter(status=status)
    # Page by page: a fleet of 2,000 vehicles is no single page.
    page = Paginator(vehicles, VEHICLES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "fleet/vehicle_list.html",
        {
            "vehicles": page.object_list,
            "page": page,
            "current_status": VehicleStatus(status).label
            if status in VehicleStatus.values
            else None,
            "form": form,
            "status_form": VehicleStatusForm(),
            "kinds": VehicleKind.choices,
            "current_kind": kind,
        },
    )


@require_POST
@role_required(*FLEET)
def vehicle_status(request, pk):
    vehicle = get_object_or_404(Vehicle.objects.for_user(request.user), pk=pk)
    form = VehicleStatusForm(request.POST)
    if form.is_valid():
        try:
            services.vehicle_set_status(
                by=request.user, vehicle=vehicle, status=form.cleaned_data["status"]
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("État du véhicule « %(v)s » mis à jour.") % {"v": vehicle})
    return redirect("fleet:vehicle_list")


@role_required(*FLEET)
@one_time_form
def rental_create(request):
    initial = {}
    # From the person's file (?parcours=) or the page's own "who" step (?pathway=).
    picked = request.GET.get("parcours") or request.GET.get("pathway") or ""
    if picked.isdigit():
        initial["pathway"] = int(picked)
    form = RentalForm(
        request.POST or None, request.FILES or None, user=request.user, initial=initial
    )
    if request.method == "POST" and "contract_draft" in request.POST and form.is_valid():
        draft = _contract_draft(request, form)
        if draft is not None:
            return draft
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # Checked and cleaned before anything is written: a refused photo is a form
            # error, and the handover is not saved without it.
            prepared = photos.photos_prepare(form.photo_uploads())
            with form_tokens.submission(request, form) as sent:
                rental = services.rental_create(
                    by=request.user,
                    contract_signed=data["contract_signed"],
                    condition=form.handover_condition(),
                    **_rental_arguments(data),
                )
                kept = photos.photos_attach(
                    by=request.user, rental=rental, moment=PhotoMoment.HANDOVER, photos=prepared
                )
                sent.result_url = reverse("fleet:rental_detail", args=[rental.pk])
        except DomainError as error:
            _refused(form, error)
        else:
            messages.success(
                request,
                _(
                    "Véhicule remis. Faites signer le contrat sur la tablette ci-dessous, ou "
                    "joignez le scan du contrat signé sur papier."
                )
                + _photos_kept(kept),
            )
            return redirect("fleet:rental_detail", pk=rental.pk)
    may_override = bool(request.user.platform_ids(OVERRIDE_ROLES))
    chosen = _chosen_pathway(form, request.POST.get("pathway") or initial.get("pathway"))
    choices = handover_choices(
        request.user,
        pathway=chosen,
        on=timezone.localdate(),
        contract_end_date=form.cleaned_data.get("contract_end_date")
        if hasattr(form, "cleaned_data")
        else None,
    )
    return render(
        request,
        "fleet/rental_form.html",
        {"form": form, "may_override": may_override, "chosen": chosen, "choices": choices},
    )


def _rental_arguments(data: dict) -> dict:
    return {
        name: data[name]
        for name in (
            "pathway",
            "vehicle",
            "start_date",
            "deposit",
            "deposit_method",
            "home_work_km",
            "contract_end_date",
            "override_reason",
            "deposit_waiver_reason",
            "extended_until",
            "extension_reason",
        )
    }


def _photos_kept(kept: list) -> str:
    if not kept:
        return ""
    return " " + (
        _("%(count)s photo gardée.") if len(kept) == 1 else _("%(count)s photos gardées.")
    ) % {"count": len(kept)}


def _refused(form, error: DomainError) -> None:
    if isinstance(error, InvalidInput):
        # Missing eligibility conditions are shown together, above the form.
        for key, message in error.errors.items():
            key = ERROR_ALIASES.get(key, key)
            form.add_error(key if key in form.fields else None, message)
    else:
        form.add_error(None, error.message)


def _contract_draft(request, form):
    """The contract to print and sign before the handover is saved: the handover itself runs
    on the form's data in a transaction rolled back at once, so the paper carries exactly
    what the saved rental will (tariff, deposit, allowance), and nothing is written.
    None, with the reasons on the form, when the handover would be refused."""
    try:
        with transaction.atomic():
            rental = services.rental_create(
                by=request.user,
                contract_signed=True,
                condition=form.handover_condition(),
                **_rental_arguments(form.cleaned_data),
            )
            pdf = contract_pdf(rental, draft=True)
            transaction.set_rollback(True)
    except DomainError as error:
        _refused(form, error)
        return None
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="contrat-location-a-signer.pdf"'
    return response


def _chosen_pathway(form, value):
    """The person picked (in the link or the form), if the form offers them."""
    if not str(value or "").isdigit():
        return None
    return form.fields["pathway"].queryset.filter(pk=int(value)).first()


@role_required(*FLEET)
def rental_detail(request, pk):
    rental = get_object_or_404(_rentals(request), pk=pk)
    return _rental_detail_page(request, rental)


def _rental_detail_page(request, rental, *, bound=None, status=200):
    bound = bound or {}  # the forms sent back with their errors, per document
    checkins = list(rental.checkins.select_related("created_by").order_by("-date", "-pk"))
    # One query for every photo of the rental, shown beside the condition of its step.
    taken = photos.photos_by_step(rental.photos.order_by("taken_at", "pk"))
    for checkin in checkins:
        checkin.photo_list = taken["checkins"].get(checkin.pk, [])
    ledger = list(
        rental.ledger.select_related(
            "created_by", "reverses", "reversal", "receipt_email"
        ).order_by("date", "pk")
    )
    for entry in ledger:
        entry.correctable = services.reversal_refusal(entry, rental=rental) is None
    today = timezone.localdate()
    follow_ups = selectors.follow_ups(rental, request.user, today=today)
    # The receipt of the payment just recorded, offered for printing.
    new_receipt = next(
        (e for e in ledger if str(e.pk) == request.GET.get("recu") and e.receipt_number),
        None,
    )
    return render(
        request,
        "fleet/rental_detail.html",
        {
            "rental": rental,
            "checkins": checkins,
            "handover_photos": taken[PhotoMoment.HANDOVER],
            "return_photos": taken[PhotoMoment.RETURN],
            "ledger": ledger,
            "new_receipt": new_receipt,
            "payment_form": PaymentForm(),
            "today": today,
            "follow_ups": follow_ups,
            "extension_form": ExtensionForm(),
            "microcredit_form": MicrocreditForm(rental=rental)
            if follow_ups.microcredit_open
            else None,
            "contract": _signed_panel(
                request, rental, "contract", **(bound or {}).get("contract", {})
            ),
            # The return report is signed once the vehicle is back.
            "return_report": None
            if rental.is_open
            else _signed_panel(request, rental, "return", **bound.get("return", {})),
        },
        status=status,
    )


def _refused_as_state(request, error: DomainError) -> bool:
    """A refusal that is about the document's state (already signed, a role that may
    not sign), not the form: said above the page, whose panel shows the state."""
    if isinstance(error, InvalidInput):
        return False
    messages.error(request, error.message)
    return True


# The two documents of a rental signed on the tablet: the contract at the handover, the
# return report once the vehicle is back. Their pages' URL names, texts and services.
SIGNED = {
    "contract": {
        "signable": fleet_signing.contract_signable,
        "sign": fleet_signing.contract_sign,
        "scan": fleet_signing.contract_scan,
        "title": _lazy("Contrat de mise à disposition"),
        "signed": _lazy("Contrat signé sur tablette : le PDF signé est figé."),
        "scanned": _lazy("Scan du contrat signé sur papier joint."),
        "print": "fleet:rental_contract",
        "anchor": "signature",
    },
    "return": {
        "signable": fleet_signing.return_signable,
        "sign": fleet_signing.return_sign,
        "scan": fleet_signing.return_scan,
        "title": _lazy("Rapport de retour signé"),
        "signed": _lazy("Rapport de retour signé sur tablette : le PDF signé est figé."),
        "scanned": _lazy("Scan du rapport de retour signé sur papier joint."),
        "print": "fleet:rental_return_report",
        "anchor": "signature-retour",
    },
}


def _signed_panel(request, rental, document: str, *, sign_form=None, scan_form=None):
    spec = SIGNED[document]
    return signed_document_panel(
        user=request.user,
        signable=spec["signable"](rental),
        title=str(spec["title"]),
        person_name=rental.beneficiary.full_name,
        sign_url=reverse(f"fleet:rental_{document}_sign", args=[rental.pk]),
        scan_url=reverse(f"fleet:rental_{document}_scan", args=[rental.pk]),
        print_url=reverse(spec["print"], args=[rental.pk]),
        sign_form=sign_form,
        scan_form=scan_form,
        anchor=spec["anchor"],
    )


def _sign_on_tablet(request, pk, document: str):
    """The person and the staff member sign a rental's document on the tablet."""
    spec = SIGNED[document]
    rental = get_object_or_404(_rentals(request).select_related("beneficiary"), pk=pk)
    user = request.user
    form = HandoverSignatureForm(
        request.POST,
        person_name=rental.beneficiary.full_name,
        staff_name=user.get_full_name() or user.get_username(),
        auto_id=f"{document}_signature_%s",
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            spec["sign"](
                rental=rental,
                by=user,
                beneficiary_image=data["beneficiary_signature"],
                staff_image=data["staff_signature"],
                staff_name=data["staff_name"],
            )
        except DomainError as error:
            if _refused_as_state(request, error):
                return _rental_detail_page(request, rental, status=error.status_code)
            add_domain_errors(form, error)
        else:
            messages.success(request, str(spec["signed"]))
            return redirect(_detail_url(rental) + "#" + spec["anchor"])
    return _rental_detail_page(request, rental, bound={document: {"sign_form": form}}, status=422)


def _attach_scan(request, pk, document: str):
    """A rental's document signed on paper: its scan is attached instead."""
    spec = SIGNED[document]
    rental = get_object_or_404(_rentals(request).select_related("beneficiary"), pk=pk)
    form = PaperScanForm(request.POST, request.FILES, auto_id=f"{document}_scan_%s")
    if form.is_valid():
        try:
            spec["scan"](rental=rental, by=request.user, file=form.cleaned_data["scan"])
        except DomainError as error:
            if _refused_as_state(request, error):
                return _rental_detail_page(request, rental, status=error.status_code)
            add_domain_errors(form, error)
        else:
            messages.success(request, str(spec["scanned"]))
            return redirect(_detail_url(rental) + "#" + spec["anchor"])
    return _rental_detail_page(request, rental, bound={document: {"scan_form": form}}, status=422)


@require_POST
@role_required(*FLEET)
def rental_contract_sign(request, pk):
    return _sign_on_tablet(request, pk, "contract")


@require_POST
@role_required(*FLEET)
def rental_contract_scan(request, pk):
    return _attach_scan(request, pk, "contract")


@require_POST
@role_required(*FLEET)
def rental_return_sign(request, pk):
    return _sign_on_tablet(request, pk, "return")


@require_POST
@role_required(*FLEET)
def rental_return_scan(request, pk):
    return _attach_scan(request, pk, "return")


@role_required(*FLEET)
def rental_contract(request, pk):
    rental = get_object_or_404(_rentals(request), pk=pk)
    response = HttpResponse(contract_pdf(rental), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="contrat-location-{rental.pk}.pdf"'
    return response


def _detail_url(rental) -> str:
    return reverse("fleet:rental_detail", args=[rental.pk])


def _open_rental_or_redirect(request, pk):
    rental = get_object_or_404(_rentals(request), pk=pk)
    if not rental.is_open:
        messages.error(
            request, _("Cette location est rendue : plus de point étape ni de paiement.")
        )
        return rental, redirect("fleet:rental_detail", pk=rental.pk)
    return rental, None


@role_required(*FLEET)
@one_time_form
def checkin_create(request, pk):
    rental, closed = _open_rental_or_redirect(request, pk)
    if closed:
        return closed
    previous = rental.checkins.order_by("-date", "-pk").first()
    # The first check-in starts from the condition noted at the handover.
    form = CheckInForm(
        request.POST or None,
        request.FILES or None,
        last_condition=previous.condition if previous else rental.handover_condition,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            prepared = photos.photos_prepare(form.photo_uploads())
            with form_tokens.submission(request, form, result_url=_detail_url(rental)):
                result = services.checkin_record(
                    by=request.user,
                    rental=rental,
                    day=data["date"],
                    odometer_km=data["odometer_km"],
                    condition=form.condition(),
                    payment_amount=data["payment_amount"],
                    payment_method=data["payment_method"],
                    notes=data["notes"],
                )
                kept = photos.photos_attach(
                    by=request.user,
                    rental=rental,
                    moment=PhotoMoment.CHECKIN,
                    checkin=result.checkin,
                    photos=prepared,
                )
        except DomainError as error:
            add_domain_errors(form, error, aliases=ERROR_ALIASES)
        else:
            text = _("Point étape enregistré : %(due)s dus pour la période, solde %(balance)s.") % {
                "due": euros(result.checkin.amount_due),
                "balance": euros(result.balance.due),
            }
            messages.success(request, text + _photos_kept(kept))
            if result.checkin.km_over > 0:
                messages.warning(
                    request,
                    _("Attention : %(km)s km au-delà du forfait sur la période.")
                    % {"km": result.checkin.km_over},
                )
            return _detail_with_receipt(rental, result.payment)
    since = previous.date if previous else rental.start_date
    today = timezone.localdate()
    preview = services.rental_quote(rental, since, max(today, since))
    return render(
        request,
        "fleet/checkin_form.html",
        {
            "rental": rental,
            "form": form,
            "previous": previous,
            "since": since,
            "previous_km": previous.odometer_km if previous else rental.start_odometer_km,
            "preview": preview,
            "preview_total": euros(preview.total),
        },
    )


@require_POST
@role_required(*FLEET)
@one_time_form
def payment_create(request, pk):
    rental, closed = _open_rental_or_redirect(request, pk)
    if closed:
        return closed
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            with form_tokens.submission(request, form, result_url=_detail_url(rental)):
                payment = services.payment_record(
                    by=request.user,
                    rental=rental,
                    day=form.cleaned_data["date"],
                    amount=form.cleaned_data["amount"],
                    method=form.cleaned_data["method"],
                )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Paiement enregistré."))
            return _detail_with_receipt(rental, payment)
    else:
        messages.error(request, _("Le paiement n'est pas valide : vérifiez le montant et la date."))
    return redirect("fleet:rental_detail", pk=rental.pk)


@require_POST
@role_required(*FLEET)
def rental_extend(request, pk):
    rental = get_object_or_404(_rentals(request), pk=pk)
    form = ExtensionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez la date de fin et le motif de la prolongation."))
        return redirect("fleet:rental_detail", pk=rental.pk)
    try:
        services.rental_extend(
            by=request.user,
            rental=rental,
            until=form.cleaned_data["until"],
            reason=form.cleaned_data["reason"],
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Location prolongée jusqu'au %(date)s.")
            % {"date": form.cleaned_data["until"].strftime("%d/%m/%Y")},
        )
    return redirect("fleet:rental_detail", pk=rental.pk)


@require_POST
@role_required(*FLEET)
def rental_microcredit(request, pk):
    rental = get_object_or_404(_rentals(request), pk=pk)
    form = MicrocreditForm(request.POST, rental=rental)
    if not form.is_valid():
        messages.error(
            request, _("Le microcrédit n'est pas valide : vérifiez la date et la suite.")
        )
        return redirect("fleet:rental_detail", pk=rental.pk)
    try:
        services.microcredit_record(
            by=request.user,
            rental=rental,
            proposed_on=form.cleaned_data["proposed_on"],
            outcome=form.cleaned_data["outcome"],
            partner=form.cleaned_data["partner"],
            notes=form.cleaned_data["notes"],
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Microcrédit enregistré."))
    return redirect("fleet:rental_detail", pk=rental.pk)


def _detail_with_receipt(rental, payment):
    """Back to the rental page, which offers to print the payment's receipt."""
    url = reverse("fleet:rental_detail", args=[rental.pk])
    return redirect(f"{url}?recu={payment.pk}" if payment else url)


@role_required(*FLEET)
@one_time_form
def rental_return(request, pk):
    rental, closed = _open_rental_or_redirect(request, pk)
    if closed:
        return closed
    previous = rental.checkins.order_by("-date", "-pk").first()
    form = ReturnForm(
        request.POST or None,
        request.FILES or None,
        last_condition=previous.condition if previous else rental.handover_condition,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            prepared = photos.photos_prepare(form.photo_uploads())
            with form_tokens.submission(request, form, result_url=_detail_url(rental)):
                services.rental_return(
                    by=request.user,
                    rental=rental,
                    day=data["date"],
                    odometer_km=data["odometer_km"],
                    condition=form.condition(),
                    damages=form.damages(),
                    deposit_retained=data["deposit_retained"] or 0,
                    deposit_retained_reason=data["deposit_retained_reason"],
                    vehicle_status=data["vehicle_status"] or None,
                    end_reason=data["end_reason"],
                    payment_amount=data["payment_amount"],
                    payment_method=data["payment_method"],
                )
                kept = photos.photos_attach(
                    by=request.user, rental=rental, moment=PhotoMoment.RETURN, photos=prepared
                )
        except DomainError as error:
            add_domain_errors(form, error, aliases=ERROR_ALIASES)
        else:
            messages.success(
                request, _("Retour enregistré : la location est close.") + _photos_kept(kept)
            )
            return redirect("fleet:rental_detail", pk=rental.pk)
    return render(
        request, "fleet/return_form.html", {"rental": rental, "form": form, "previous": previous}
    )


@role_required(*FLEET)
def rental_return_report(request, pk):
    rental = get_object_or_404(_rentals(request).select_related("returned_by"), pk=pk)
    if rental.is_open:
        messages.error(request, _("Le rapport de retour s'édite une fois le retour enregistré."))
        return redirect("fleet:rental_detail", pk=rental.pk)
    response = HttpResponse(return_report_pdf(rental), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{return_report_filename(rental)}"'
    return response


@role_required(*FLEET)
def photo_view(request, pk):
    """The full photo, shown in the browser: role and platform checked, the reading
    written in the person's consultation log."""
    photo = get_object_or_404(
        VehiclePhoto.objects.for_user(request.user).select_related("rental__beneficiary"), pk=pk
    )
    return stored_file_response(
        photos.photo_open(photo=photo, by=request.user),
        filename=photo.download_name(),
        content_type="image/jpeg",
        inline=True,
    )


@role_required(*FLEET)
def photo_thumb(request, pk):
    """A photo's thumbnail, for the rental page: role and platform checked like the photo.
    Not written in the consultation log: the page shows a dozen of them, and the log
    would drown in them; opening the photo itself is logged."""
    photo = get_object_or_404(VehiclePhoto.objects.for_user(request.user), pk=pk)
    return stored_file_response(
        photo.thumb.open("rb"),
        filename=f"vignette-{photo.download_name()}",
        content_type="image/jpeg",
        inline=True,
    )


@role_required(*FLEET)
def payment_receipt(request, pk, entry_pk):
    rental = get_object_or_404(_rentals(request), pk=pk)
    try:
        receipt = selectors.receipt(
            LedgerEntry.objects.for_user(request.user).filter(rental=rental), entry_pk
        )
    except NotFound as error:
        raise Http404(error.message) from error
    response = HttpResponse(receipt_pdf(receipt), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{receipt_filename(receipt)}"'
    return response


@role_required(*FLEET)
def ledger_entry_reverse(request, pk, entry_pk):
    """Correct a mistaken entry: a form, then its effect on the balance to confirm."""
    rental = get_object_or_404(_rentals(request), pk=pk)
    entry = get_object_or_404(
        rental.ledger.select_related("reversal", "reverses", "created_by"), pk=entry_pk
    )
    refusal = services.reversal_refusal(entry, rental=rental)
    if refusal:
        messages.error(request, refusal)
        return redirect("fleet:rental_detail", pk=rental.pk)
    form = ReversalForm(request.POST or None)
    context = {"rental": rental, "entry": entry, "form": form}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # « Modifier » goes back to the form with what was typed.
        editing = "edit" in request.POST
        if form.is_confirmed and not editing:
            try:
                result = services.ledger_entry_reverse(
                    entry=entry,
                    by=request.user,
                    reason=data["reason"],
                    correct_amount=data["correct_amount"],
                    seen_last_entry_id=data["seen_last_entry_id"],
                )
            except DomainError as error:
                add_domain_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Écriture n° %(pk)s contre-passée : solde dû %(balance)s.")
                    % {"pk": entry.pk, "balance": balance_text(result.balance.due)},
                )
                return _detail_with_receipt(rental, result.replacement)
        elif not editing:
            before, after = services.reversal_balances(entry, data["correct_amount"])
            context.update(
                confirm=True,
                before=before,
                after=after,
                seen_last_entry_id=services.ledger_last_entry_id(rental),
            )
    return render(request, "fleet/reversal_form.html", context)


@role_required(*FLEET)
def rental_refund(request, pk):
    """Give back what a returned rental overpaid: a form, then its effect to confirm."""
    rental = get_object_or_404(_rentals(request), pk=pk)
    if rental.refundable <= 0:
        messages.error(request, _("Cette location n'a pas de trop-perçu à rembourser."))
        return redirect("fleet:rental_detail", pk=rental.pk)
    form = RefundForm(request.POST or None, initial={"amount": rental.refundable})
    context = {"rental": rental, "form": form}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # « Modifier » goes back to the form with what was typed.
        editing = "edit" in request.POST
        if form.is_confirmed and not editing:
            try:
                services.rental_refund(
                    rental=rental,
                    amount=data["amount"],
                    by=request.user,
                    reason=data["reason"],
                    method=data["method"],
                    day=data["date"],
                    seen_last_entry_id=data["seen_last_entry_id"],
                )
            except DomainError as error:
                add_domain_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Remboursement de %(amount)s enregistré.")
                    % {"amount": euros(data["amount"])},
                )
                return redirect("fleet:rental_detail", pk=rental.pk)
        elif not editing:
            before, after = services.refund_balances(rental, data["amount"])
            context.update(
                confirm=True,
                before=before,
                after=after,
                seen_last_entry_id=services.ledger_last_entry_id(rental),
            )
    return render(request, "fleet/refund_form.html", context)


def beneficiary_rentals(user, beneficiary) -> dict:
    """The rentals shown on a beneficiary's file (two queries, whatever their number) and
    the open pathway a new hand-over would join."""
    if beneficiary.platform_id not in user.platform_ids(FLEET_ROLES):
        return {"visible": False}
    rentals = list(
        Rental.objects.for_user(user)
        .filter(beneficiary=beneficiary)
        .select_related("vehicle")
        .with_balance()
        .order_by("-start_date", "-pk")
    )
    open_pathway = beneficiary.pathways.open().values_list("pk", flat=True).first()
    return {"visible": True, "rentals": rentals, "open_pathway_id": open_pathway}
