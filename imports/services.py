"""Import of a platform's existing files: read the spreadsheet, plan each row (dry run),
then write every importable row in one transaction.

A row is one person and one pathway, with optionally the fiche that brought them, a past
rental and a driving-school enrolment. Every record keeps its natural key, so importing
the same file twice creates nothing twice:

- person: the platform, the name key (`mobility.rules.identity_key`) and the birth date;
- fiche: the person, the reception date and the prescriber;
- pathway: the person and the opening date;
- rental: the pathway, the vehicle and the start date;
- enrolment: the pathway and the start date.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, time
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from drivingschool.imports import enrolment_import_past
from drivingschool.services import programme_for
from fleet.imports import rental_import_past
from fleet.models import Vehicle
from fleet.services import fleet_settings
from imports.columns import COLUMNS, HEADERS
from imports.models import ImportBatch
from imports.rules import Row, plain, read_row
from mobility.enums import OrganisationKind, PathwayStatus, ReferralStatus
from mobility.errors import InvalidInput
from mobility.models import Beneficiary, Organisation, Pathway, Platform, Referral, User
from mobility.rules import identity_key
from mobility.services import save_with_author

PERSON_FIELDS = [
    "first_name", "last_name", "birth_date", "sex", "phone", "email",
    "postal_code", "commune", "licence_held",
]  # fmt: skip


class FileRefused(InvalidInput):
    """The whole file is refused (format, size, columns): said in French."""


# --- reading the file ----------------------------------------------------------------------


def read_table(filename: str, content: bytes) -> list[dict]:
    """The rows of an XLSX or CSV file as {column key: cell}, the header row mapped by
    the template's column names (case, accents and spaces do not count)."""
    max_bytes = settings.IMPORT_MAX_BYTES
    if len(content) > max_bytes:
        raise FileRefused(
            f"Le fichier dépasse {max_bytes // 1000} ko : découpez-le en plusieurs fichiers."
        )
    name = filename.lower()
    if name.endswith(".xlsx"):
        table = _xlsx_rows(content)
    elif name.endswith(".csv"):
        table = _csv_rows(content)
    else:
        raise FileRefused("Déposez un fichier XLSX ou CSV (le modèle de cette page).")
    table = [row for row in table if any(str(c or "").strip() for c in row)]
    if not table:
        raise FileRefused("Le fichier est vide.")
    header, *rows = table
    known = {plain(h): key for h, key in HEADERS.items()}
    keys = [known.get(plain(str(cell or ""))) for cell in header]
    missing = [c.header for c in COLUMNS[:5] if c.key not in keys]
    if missing:
        raise FileRefused(
            "La première ligne doit nommer les colonnes du modèle ; il manque : "
            + ", ".join(f"« {m} »" for m in missing)
            + "."
        )
    max_rows = settings.IMPORT_MAX_ROWS
    if len(rows) > max_rows:
        raise FileRefused(
            f"Le fichier compte {len(rows)} lignes ; {max_rows} au plus par import : "
            "découpez-le en plusieurs fichiers."
        )
    return [
        {key: cell for key, cell in zip(keys, row, strict=False) if key is not None} for row in rows
    ]


def _xlsx_rows(content: bytes) -> list[tuple]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise FileRefused("Ce fichier XLSX est illisible : enregistrez-le de nouveau.") from error
    try:
        sheet = workbook.worksheets[0]
        return [tuple(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _csv_rows(content: bytes) -> list[tuple]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if "\x00" in text:
        raise FileRefused("Ce fichier CSV contient des caractères illisibles.")
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
        dialect.delimiter = ";"
    return [tuple(row) for row in csv.reader(io.StringIO(text), dialect)]


# --- the plan (dry run) ----------------------------------------------------------------------


@dataclass
class RowPlan:
    row: Row
    creates: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    # What the confirmation needs (ids of what exists, objects to reuse).
    beneficiary_id: int | None = None
    prescriber: Organisation | None = None
    vehicle: Vehicle | None = None

    @property
    def number(self) -> int:
        return self.row.number

    @property
    def problems(self) -> list[str]:
        return self.row.problems

    @property
    def person(self) -> str:
        values = self.row.values
        return f"{values.get('first_name', '')} {values.get('last_name', '').upper()}".strip()


@dataclass
class Plan:
    rows: list[RowPlan]

    @property
    def refused(self) -> list[RowPlan]:
        return [r for r in self.rows if r.problems]

    @property
    def importable(self) -> list[RowPlan]:
        return [r for r in self.rows if not r.problems]

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for row in self.importable:
            for what in row.creates:
                counts[what] = counts.get(what, 0) + 1
        return counts


PERSON, REFERRAL, PATHWAY, RENTAL, ENROLMENT = (
    "personne",
    "fiche de liaison",
    "parcours",
    "location",
    "inscription à l'auto-école",
)


def plan(platform: Platform, table: list[dict], *, today) -> Plan:
    """What each row would create, or why it is refused; reads, never writes. The
    lookups are one query per kind whatever the number of rows."""
    rows = [read_row(number, raw, today=today) for number, raw in enumerate(table, start=2)]
    organisations = {
        plain(o.name): o
        for o in Organisation.objects.filter(
            platform=platform, kind=OrganisationKind.PRESCRIBER, archived_at__isnull=True
        )
    }
    vehicles = {}
    for vehicle in Vehicle.objects.filter(platform=platform):
        for name in (vehicle.registration, vehicle.label):
            if name:
                vehicles.setdefault(plain(name), vehicle)
    keys = {
        (identity_key(r.values["first_name"], r.values["last_name"]), r.values["birth_date"])
        for r in rows
        if not r.refused
    }
    people: dict[tuple, list[Beneficiary]] = {}
    if keys:
        candidates = Beneficiary.objects.filter(
            platform=platform,
            identity_key__in={k for k, _ in keys},
            birth_date__in={b for _, b in keys},
            anonymised_at__isnull=True,
        ).only("pk", "identity_key", "birth_date")
        for person in candidates:
            people.setdefault((person.identity_key, person.birth_date), []).append(person)
    ids = [p.pk for found in people.values() for p in found]
    pathways: dict[int, list[Pathway]] = {}
    for pathway in Pathway.objects.filter(beneficiary_id__in=ids).only(
        "pk", "beneficiary_id", "opened_on", "status"
    ):
        pathways.setdefault(pathway.beneficiary_id, []).append(pathway)
    referral_keys = set(
        Referral.objects.filter(beneficiary_id__in=ids).values_list(
            "beneficiary_id", "received_on", "prescriber_id"
        )
    )
    rental_keys = set()
    enrolment_keys = set()
    if ids:
        from drivingschool.models import Enrolment
        from fleet.models import Rental

        rental_keys = set(
            Rental.objects.filter(beneficiary_id__in=ids).values_list(
                "pathway__opened_on", "beneficiary_id", "vehicle_id", "start_date"
            )
        )
        enrolment_keys = set(
            Enrolment.objects.filter(pathway__beneficiary_id__in=ids).values_list(
                "pathway__opened_on", "pathway__beneficiary_id", "start_date"
            )
        )

    seen_in_file: dict[tuple, int] = {}
    people_in_file: set[tuple] = set()
    open_in_file: dict[tuple, int] = {}
    plans = []
    for row in rows:
        row_plan = RowPlan(row=row)
        plans.append(row_plan)
        values = row.values
        if values.get("prescriber"):
            row_plan.prescriber = organisations.get(plain(values["prescriber"]))
            if row_plan.prescriber is None:
                row.problems.append(
                    f"Structure prescriptrice inconnue de la plateforme : {values['prescriber']} "
                    "(créez-la d'abord dans l'administration, sous ce nom exact)."
                )
        if values.get("vehicle"):
            row_plan.vehicle = vehicles.get(plain(values["vehicle"]))
            if row_plan.vehicle is None:
                row.problems.append(
                    f"Véhicule inconnu de la flotte de la plateforme : {values['vehicle']}."
                )
        if row.refused:
            continue
        key = (identity_key(values["first_name"], values["last_name"]), values["birth_date"])
        found = people.get(key, [])
        if len(found) > 1:
            row.problems.append(
                "La plateforme suit plusieurs personnes de même nom née le même jour "
                f"(bénéficiaires n° {', '.join(str(p.pk) for p in found)}) : "
                "fusionnez-les avant d'importer."
            )
            continue
        person = found[0] if found else None
        row_plan.beneficiary_id = person.pk if person else None
        opened, closed = values["opened_on"], values["closed_on"]
        same_pathway = next(
            (p for p in pathways.get(row_plan.beneficiary_id, []) if p.opened_on == opened), None
        )
        if closed is None and same_pathway is None:
            other_open = [
                p for p in pathways.get(row_plan.beneficiary_id, []) if p.status == "open"
            ]
            if other_open or key in open_in_file:
                row.problems.append(
                    "Cette personne a déjà un parcours en cours : un seul parcours ouvert "
                    "par personne (indiquez la date de clôture de l'ancien)."
                )
                continue
            open_in_file[key] = row.number
        pathway_key = (key, opened)
        if pathway_key in seen_in_file:
            row.problems.append(
                f"Même personne et même ouverture de parcours que la ligne "
                f"{seen_in_file[pathway_key]} : une ligne par parcours."
            )
            continue
        seen_in_file[pathway_key] = row.number
        if person is None and key not in people_in_file:
            row_plan.creates.append(PERSON)
            people_in_file.add(key)
        else:
            row_plan.existing.append(PERSON)
        if values["received_on"]:
            exists = (
                row_plan.beneficiary_id,
                values["received_on"],
                row_plan.prescriber.pk,
            ) in referral_keys
            (row_plan.existing if exists else row_plan.creates).append(REFERRAL)
        (row_plan.existing if same_pathway else row_plan.creates).append(PATHWAY)
        if values["vehicle"]:
            exists = (
                opened,
                row_plan.beneficiary_id,
                row_plan.vehicle.pk,
                values["rental_start"],
            ) in rental_keys
            (row_plan.existing if exists else row_plan.creates).append(RENTAL)
        if values["school_start"]:
            exists = (opened, row_plan.beneficiary_id, values["school_start"]) in enrolment_keys
            (row_plan.existing if exists else row_plan.creates).append(ENROLMENT)
    return Plan(plans)


# --- upload, confirmation ----------------------------------------------------------------------


def batch_upload(*, by: User, platform: Platform, filename: str, content: bytes) -> ImportBatch:
    """Keep the file server-side for its confirmation; an earlier unconfirmed upload of the
    same person on the platform is dropped (its content is personal data)."""
    read_table(filename, content)  # refuses a file that cannot be read, before keeping it
    ImportBatch.objects.filter(
        platform=platform, uploaded_by=by, confirmed_at__isnull=True
    ).delete()
    return ImportBatch.objects.create(
        platform=platform,
        uploaded_by=by,
        filename=filename[:255],
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
    )


def batch_plan(batch: ImportBatch, *, today=None) -> Plan:
    table = read_table(batch.filename, bytes(batch.content))
    return plan(batch.platform, table, today=today or timezone.localdate())


def _moment(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


@transaction.atomic
def batch_confirm(*, by: User, batch: ImportBatch, sha256: str) -> dict[str, int]:
    """Write every importable row of the dry run, in one transaction; the refused rows
    write nothing. Run again on the same file, it creates nothing (natural keys)."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.confirmed_at is not None:
        raise InvalidInput("Ce fichier a déjà été importé.")
    if batch.sha256 != sha256 or hashlib.sha256(bytes(batch.content)).hexdigest() != sha256:
        raise InvalidInput("Le fichier a changé depuis la simulation : déposez-le de nouveau.")
    # Imports of one platform take turns (two would both find a person missing).
    Platform.objects.select_for_update().filter(pk=batch.platform_id).first()
    platform = batch.platform
    result = batch_plan(batch)
    fleet = fleet_settings(platform) if any(r.vehicle for r in result.importable) else None
    programme = (
        programme_for(platform)
        if any(r.row.values["school_start"] for r in result.importable)
        else None
    )
    created_people: dict[tuple, Beneficiary] = {}
    for row_plan in result.importable:
        values = row_plan.row.values
        key = (identity_key(values["first_name"], values["last_name"]), values["birth_date"])
        if row_plan.beneficiary_id:
            beneficiary = Beneficiary(pk=row_plan.beneficiary_id, platform=platform)
        elif key in created_people:
            beneficiary = created_people[key]
        else:
            beneficiary = save_with_author(
                Beneficiary(
                    platform=platform,
                    identity_key=key[0],
                    **{name: values[name] for name in PERSON_FIELDS},
                ),
                by=by,
            )
            created_people[key] = beneficiary
        pathway = None
        if PATHWAY in row_plan.existing:
            pathway = (
                Pathway.objects.filter(beneficiary_id=beneficiary.pk, opened_on=values["opened_on"])
                .order_by("pk")
                .first()
            )
        else:
            closed = values["closed_on"]
            pathway = save_with_author(
                Pathway(
                    platform=platform,
                    beneficiary_id=beneficiary.pk,
                    opened_on=values["opened_on"],
                    opened_by=by,
                    status=PathwayStatus.CLOSED if closed else PathwayStatus.OPEN,
                    closed_on=closed,
                    outcome=values["outcome"] if closed else "",
                    durable_solution=values["durable_solution"] if closed else None,
                    closed_by=by if closed else None,
                ),
                by=by,
            )
        if REFERRAL in row_plan.creates:
            save_with_author(
                Referral(
                    platform=platform,
                    prescriber=row_plan.prescriber,
                    referent_name=values["referent_name"],
                    referent_email=values["referent_email"],
                    job_kind=values["job_kind"],
                    received_on=values["received_on"],
                    status=(
                        ReferralStatus.CLOSED if values["closed_on"] else ReferralStatus.ACCEPTED
                    ),
                    beneficiary_id=beneficiary.pk,
                    pathway=pathway,
                    decided_by=by,
                    decided_at=_moment(values["opened_on"]),
                    comment=f"Importée de « {batch.filename} », ligne {row_plan.number}.",
                    **{name: values[name] for name in PERSON_FIELDS},
                ),
                by=by,
            )
        pathway.beneficiary = beneficiary
        pathway.platform = platform
        if RENTAL in row_plan.creates:
            rental_import_past(
                by=by,
                pathway=pathway,
                vehicle=row_plan.vehicle,
                start_date=values["rental_start"],
                end_date=values["rental_end"],
                deposit=values["deposit"] or Decimal("0"),
                home_work_km=values["home_work_km"] or Decimal("0"),
                settings=fleet,
            )
        if ENROLMENT in row_plan.creates:
            enrolment_import_past(
                by=by,
                pathway=pathway,
                start_date=values["school_start"],
                theory_hours=values["theory_hours"],
                driving_hours=values["driving_hours"],
                programme=programme,
            )
    counts = result.counts()
    batch.confirmed_at = timezone.now()
    batch.summary = {
        "created": counts,
        "rows": len(result.rows),
        "refused": [r.number for r in result.refused],
    }
    batch.content = b""  # the rows now live in their records; the file is not kept
    batch.save(update_fields=["confirmed_at", "summary", "content"])
    return counts


# --- the template --------------------------------------------------------------------------


def template_rows() -> list[list[str]]:
    return [
        [c.header for c in COLUMNS],
        [c.example for c in COLUMNS],
    ]
