"""The columns of the import spreadsheet, in the order of the template."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    example: str
    help: str


COLUMNS: tuple[Column, ...] = (
    Column("last_name", "nom", "Dupont", "obligatoire"),
    Column("first_name", "prénom", "Léa", "obligatoire"),
    Column("birth_date", "date de naissance", "14/03/1998", "obligatoire, JJ/MM/AAAA"),
    Column("sex", "sexe", "F", "F, H ou X (non précisé)"),
    Column("commune", "commune", "Sedan", "obligatoire"),
    Column("postal_code", "code postal", "08200", "5 chiffres"),
    Column("phone", "téléphone", "06 12 34 56 78", ""),
    Column("email", "courriel", "lea.dupont@example.org", ""),
    Column("licence_held", "permis B", "non", "oui ou non"),
    Column(
        "prescriber",
        "structure prescriptrice",
        "Mission locale de Sedan",
        "nom exact d'une organisation de la plateforme ; avec « fiche reçue le »",
    ),
    Column("referent_name", "référent·e", "Paul Martin", "avec « fiche reçue le »"),
    Column(
        "referent_email",
        "courriel du ou de la référent·e",
        "p.martin@example.org",
        "avec « fiche reçue le »",
    ),
    Column("job_kind", "situation visée", "emploi", "emploi, formation ou recherche d'emploi"),
    Column("received_on", "fiche reçue le", "02/01/2024", "date de la fiche de liaison"),
    Column("opened_on", "parcours ouvert le", "05/01/2024", "obligatoire"),
    Column("closed_on", "parcours clôturé le", "30/06/2024", "vide si le parcours continue"),
    Column(
        "outcome",
        "situation à la sortie",
        "CDI",
        "CDI, CDD, intérim, contrat aidé, formation, création d'entreprise, sans solution",
    ),
    Column("durable_solution", "solution durable", "oui", "oui ou non, si clôturé"),
    Column(
        "vehicle",
        "véhicule loué (immatriculation)",
        "AB-123-CD",
        "véhicule de la flotte de la plateforme",
    ),
    Column("rental_start", "location du", "08/01/2024", ""),
    Column(
        "rental_end",
        "location rendue le",
        "31/03/2024",
        "les locations en cours se font dans l'application",
    ),
    Column("deposit", "caution (€)", "150", "0 si vide"),
    Column("home_work_km", "km domicile-travail (aller)", "18", "0 si vide"),
    Column("school_start", "auto-école du", "01/02/2024", ""),
    Column("theory_hours", "heures de code", "10", "avec « auto-école du »"),
    Column("driving_hours", "heures de conduite", "20", "avec « auto-école du »"),
)

HEADERS = {column.header: column.key for column in COLUMNS}
