"""The demo dataset: its tables (places, organisations, accounts) and the referral plan.

Pure: no ORM and no clock. `referral_plans` draws from a generator seeded with
RANDOM_SEED and counts days back from the `today` it is given, so the same day always
gives the same people, places and decisions. `manage.py seed_demo` plays the plan
through the services. Every person, phone number, SIRET and address here is invented:
phone numbers are in the ranges ARCEP reserves for fiction, email domains end in
`.example` (RFC 2606), so nothing can ever reach a real person.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from mobility.enums import (
    Contract,
    JobKind,
    Need,
    OrganisationKind,
    Outcome,
    ReferralStatus,
    Role,
    Sex,
)
from mobility.rules import CONTRACTS_WITH_AN_END
from mobility.services import PersonData, ReferralData

RANDOM_SEED = 2026
DEMO_PASSWORD = "demo-mobilite"  # demo only, printed by the command
MAIN_PLATFORM = "Plateforme Mobilité Démo"
SECOND_PLATFORM = "Plateforme Mobilité Sud-Ardennes"
DEPARTMENT = "08"
# The platforms' public contacts (the privacy and legal pages print them).
PLATFORM_CONTACTS = {
    MAIN_PLATFORM: {
        "contact_email": "contact@mobilite-demo.example.org",
        "contact_phone": "03 24 00 00 00",
        "postal_address": "12 rue Gambetta, 08200 Sedan",
    },
    SECOND_PLATFORM: {
        "contact_email": "contact@mobilite-sud-ardennes.example.org",
        "contact_phone": "03 24 00 00 01",
        "postal_address": "3 place de la République, 08300 Rethel",
    },
}


@dataclass(frozen=True)
class Referent:
    name: str
    email: str
    phone: str


@dataclass(frozen=True)
class OrganisationSpec:
    name: str
    kind: str
    siret: str
    referents: tuple[Referent, ...] = ()
    # How often this prescriber sends a fiche, relative to the platform's others.
    weight: int = 0
    # Mission locale: young people; insertion RSA: people on RSA.
    audience: str = ""


@dataclass(frozen=True)
class Account:
    username: str
    first_name: str
    last_name: str
    role: str
    platform: str
    organisation: str | None = None

    @property
    def email(self) -> str:
        return f"{ascii_slug(self.first_name)}.{ascii_slug(self.last_name)}@demo-mobilite.example"


@dataclass(frozen=True)
class Place:
    commune: str
    postal_code: str
    streets: tuple[str, ...]
    # Addresses in the commune's quartier prioritaire (QPV), if it has one.
    qpv_streets: tuple[str, ...] = ()
    weight: int = 1


@dataclass(frozen=True)
class Workplace:
    address: str
    schedule: str
    atypical_hours: bool


@dataclass(frozen=True)
class ReferralPlan:
    """One fiche de liaison and what happens to it, in the order of the story."""

    platform: str
    prescriber: str
    submitted_by: str  # username: the prescriber themself, or an adviser typing a paper fiche
    decided_by: str
    data: ReferralData
    status: str
    decline_reason: str = ""
    opened_on: date | None = None
    closed_on: date | None = None
    outcome: str = ""
    durable_solution: bool | None = None
    # Key of an earlier plan for the same person: accept by linking to that beneficiary.
    same_person_as: str = ""
    key: str = ""


def ascii_slug(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    letters = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return "".join(c if c.isalnum() else "-" for c in letters).strip("-")


# --- Organisations ----------------------------------------------------------------------

MAIN_ORGANISATIONS = (
    OrganisationSpec(
        "France Travail Sedan",
        OrganisationKind.PRESCRIBER,
        "13082001600231",
        # The `prescripteur` account: she sends this agency's fiches herself.
        (Referent("Sophie Lambert", "sophie.lambert@francetravail.example", "03 53 01 12 40"),),
        weight=6,
    ),
    OrganisationSpec(
        "France Travail Charleville-Mézières",
        OrganisationKind.PRESCRIBER,
        "13082001600314",
        (Referent("Amina Kaya", "amina.kaya@francetravail.example", "03 53 01 15 22"),),
        weight=4,
    ),
    OrganisationSpec(
        "Mission locale des Ardennes",
        OrganisationKind.PRESCRIBER,
        "31954827600047",
        (
            Referent("Élodie Renard", "e.renard@missionlocale-ardennes.example", "03 53 01 20 05"),
            Referent("Yanis Bouzid", "y.bouzid@missionlocale-ardennes.example", "03 53 01 20 06"),
        ),
        weight=4,
        audience="youth",
    ),
    OrganisationSpec(
        "CCAS de Sedan",
        OrganisationKind.PRESCRIBER,
        "26080409100018",
        (Referent("Martine Gérard", "m.gerard@ccas-sedan.example", "03 53 01 31 10"),),
        weight=2,
    ),
    OrganisationSpec(
        "Conseil départemental des Ardennes — service insertion RSA",
        OrganisationKind.PRESCRIBER,
        "22080001700125",
        (
            Referent("Isabelle Collin", "isabelle.collin@cd08.example", "03 53 01 40 18"),
            Referent("Marc Lemaire", "marc.lemaire@cd08.example", "03 53 01 40 19"),
        ),
        weight=3,
        audience="rsa",
    ),
    OrganisationSpec(
        "PLIE Ardenne Métropole",
        OrganisationKind.PRESCRIBER,
        "44107296300029",
        (Referent("Nathalie Aubry", "n.aubry@plie-ardenne.example", "03 53 01 52 30"),),
        weight=2,
    ),
    OrganisationSpec(
        "Centre social du Lac (Sedan)",
        OrganisationKind.PRESCRIBER,
        "39268814500015",
        (Referent("Rachid Amrani", "r.amrani@cs-lac-sedan.example", "03 53 01 61 02"),),
        weight=1,
    ),
    OrganisationSpec("Département des Ardennes", OrganisationKind.FUNDER, "22080001700018"),
    OrganisationSpec("DDETS des Ardennes", OrganisationKind.FUNDER, "13002695400014"),
    OrganisationSpec("Région Grand Est", OrganisationKind.FUNDER, "20005267800014"),
    OrganisationSpec("ADIE — antenne des Ardennes", OrganisationKind.PARTNER, "35213855200912"),
    OrganisationSpec("Atelier vélo solidaire de Sedan", OrganisationKind.PARTNER, "83041276900011"),
)

SECOND_ORGANISATIONS = (
    OrganisationSpec(
        "France Travail Rethel",
        OrganisationKind.PRESCRIBER,
        "13082001600447",
        (Referent("Hugo Pierson", "hugo.pierson@francetravail.example", "03 53 01 71 14"),),
        weight=3,
    ),
    OrganisationSpec(
        "Mission locale des Ardennes — antenne de Rethel",
        OrganisationKind.PRESCRIBER,
        "31954827600054",
        (Referent("Laura Huet", "l.huet@missionlocale-ardennes.example", "03 53 01 72 08"),),
        weight=2,
        audience="youth",
    ),
    OrganisationSpec(
        "CCAS de Rethel",
        OrganisationKind.PRESCRIBER,
        "26080362800016",
        (Referent("Sylvie Mercier", "s.mercier@ccas-rethel.example", "03 53 01 73 21"),),
        weight=1,
    ),
    OrganisationSpec(
        "Communauté de communes du Pays Rethélois", OrganisationKind.FUNDER, "20004171500017"
    ),
    OrganisationSpec("ADIE — antenne des Ardennes", OrganisationKind.PARTNER, "35213855200912"),
)

# --- Accounts (docs/api.md "Demo dataset and accounts") ----------------------------

ACCOUNTS = (
    Account("admin", "Nadia", "Rahmani", Role.ADMIN, MAIN_PLATFORM),
    Account("conseiller", "Julien", "Marchal", Role.ADVISER, MAIN_PLATFORM),
    Account("flotte", "Sébastien", "Colson", Role.FLEET, MAIN_PLATFORM),
    Account("moniteur", "Christelle", "Hubert", Role.INSTRUCTOR, MAIN_PLATFORM),
    Account(
        "prescripteur",
        "Sophie",
        "Lambert",
        Role.PRESCRIBER,
        MAIN_PLATFORM,
        organisation="France Travail Sedan",
    ),
    Account(
        "financeur",
        "Laurent",
        "Pierson",
        Role.FUNDER,
        MAIN_PLATFORM,
        organisation="Département des Ardennes",
    ),
    Account("admin2", "Claire", "Gobert", Role.ADMIN, SECOND_PLATFORM),
    Account("conseiller2", "Mehdi", "Benali", Role.ADVISER, SECOND_PLATFORM),
)

# --- Places -------------------------------------------------------------------------------

MAIN_PLACES = (
    Place(
        "Sedan",
        "08200",
        ("rue Gambetta", "avenue Philippoteaux", "place Turenne", "rue du Ménil"),
        ("allée des Peupliers, quartier du Lac", "rue des Tilleuls, quartier du Lac"),
        weight=6,
    ),
    Place(
        "Charleville-Mézières",
        "08000",
        ("avenue Jean Jaurès", "rue de la République", "cours Aristide Briand", "rue Bourbon"),
        ("place de la Ronde Couture", "allée des Sorbiers, La Ronde Couture", "rue de Manchester"),
        weight=6,
    ),
    Place("Bazeilles", "08140", ("rue de la Maison de la dernière cartouche", "rue Lamartine")),
    Place("Douzy", "08140", ("rue de l'Église", "route de Mouzon")),
    Place("Glaire", "08200", ("rue Jean Moulin", "avenue de la Marne")),
    Place("Floing", "08200", ("rue Gambetta", "rue du Calvaire")),
    Place("Donchery", "08350", ("place de l'Hôtel de Ville", "rue du Moulin")),
    Place("Mouzon", "08210", ("rue Porte de Bourgogne", "rue Charles de Gaulle")),
    Place("Carignan", "08110", ("rue de la Gare", "rue du Général Leclerc")),
    Place("Nouzonville", "08700", ("rue Jean Jaurès", "rue de la Paix"), weight=2),
    Place("Bogny-sur-Meuse", "08120", ("rue Jean Jaurès", "rue du Pont")),
    Place("Revin", "08500", ("rue Victor Hugo", "quai Camille Desmoulins"), ("rue d'Orzy",), 2),
    Place("Fumay", "08170", ("rue de la Céramique", "place Aristide Briand")),
    Place("Givet", "08600", ("rue Méhul", "quai des Fours"), weight=2),
    Place("Villers-Semeuse", "08000", ("rue Pasteur", "rue des Écoles")),
    Place("Rocroi", "08230", ("place d'Armes", "rue de France")),
)

SECOND_PLACES = (
    Place("Rethel", "08300", ("rue Colbert", "avenue Gambetta", "rue Carnot"), weight=4),
    Place("Vouziers", "08400", ("rue Chanzy", "rue Gambetta"), weight=2),
    Place("Attigny", "08130", ("rue de l'Hôtel de Ville", "rue Pasteur")),
    Place("Juniville", "08310", ("rue du Moulin", "grande rue")),
    Place("Château-Porcien", "08360", ("rue de la Mairie", "rue du Pont")),
    Place("Asfeld", "08190", ("rue de l'Église", "rue de Reims")),
)

MAIN_WORKPLACES = (
    Workplace("Zone industrielle de Glaire, 08200 Glaire", "5h-13h / 13h-21h en 2x8", True),
    Workplace(
        "Zone du Moulin Le Blanc, 08000 Charleville-Mézières", "8h-16h du lundi au vendredi", False
    ),
    Workplace("Centre hospitalier, 08200 Sedan", "6h45-14h15, un week-end sur deux", True),
    Workplace("Plateforme logistique, 08090 Tournes", "nuit, 21h-5h", True),
    Workplace("Fonderie, 08120 Bogny-sur-Meuse", "8h-12h et 13h-17h", False),
    Workplace("Supermarché, 08000 Villers-Semeuse", "horaires coupés 7h-10h et 16h-20h", True),
    Workplace("Chantier d'insertion, 08350 Donchery", "8h-15h du lundi au jeudi", False),
    Workplace(
        "Organisme de formation, 08000 Charleville-Mézières", "9h-17h du lundi au vendredi", False
    ),
    Workplace("Aide à domicile, secteur de Carignan", "7h30-12h et 17h-20h, samedi", True),
    Workplace("Centrale nucléaire de Chooz (sous-traitant), 08600 Chooz", "3x8", True),
)

SECOND_WORKPLACES = (
    Workplace("Zone industrielle de l'Aisne, 08300 Rethel", "5h-13h / 13h-21h en 2x8", True),
    Workplace("Maison de retraite, 08400 Vouziers", "7h-14h, un week-end sur deux", True),
    Workplace("Exploitation agricole, secteur de Juniville", "8h-17h, saisonnier", False),
    Workplace("Organisme de formation, 08300 Rethel", "9h-17h du lundi au vendredi", False),
)

# --- People --------------------------------------------------------------------------------

FIRST_NAMES = {
    Sex.FEMALE: (
        "Inès", "Sarah", "Camille", "Léa", "Manon", "Aïcha", "Fatoumata", "Sandrine",
        "Laëtitia", "Océane", "Jessica", "Yasmine", "Marie", "Kelly", "Amandine", "Samira",
        "Chloé", "Émilie", "Mélissa", "Coralie", "Nour", "Justine",
    ),
    Sex.MALE: (
        "Kévin", "Mohamed", "Dylan", "Thomas", "Julien", "Anthony", "Jordan", "Karim",
        "Lucas", "Mamadou", "Florian", "Romain", "Bilal", "Jérémy", "David", "Nicolas",
        "Ryan", "Steven", "Adrien", "Ibrahim", "Loïc", "Maxime",
    ),
}  # fmt: skip
LAST_NAMES = (
    "Martin", "Bernard", "Dubois", "Lefèvre", "Leroy", "Moreau", "Girard", "Haddad",
    "Diallo", "Traoré", "Henry", "Rousseau", "Petitjean", "Guérin", "François", "Renaud",
    "Lallement", "Jacquemin", "Colinet", "Yilmaz", "Nowak", "Da Silva", "Fernandes",
    "Bouchard", "Simon", "Laurent", "Michel", "Garnier", "Chevalier", "Mathieu", "Ndiaye",
    "Benhamou", "Poncelet", "Thiébaut", "Gillet", "Warin", "Lecomte", "Hamdi",
)  # fmt: skip

PROJECTS = {
    JobKind.JOB: (
        "Agent·e de production en agroalimentaire",
        "Préparateur·rice de commandes en entrepôt",
        "Aide à domicile auprès de personnes âgées",
        "Agent·e de service hospitalier",
        "Employé·e libre-service",
        "Opérateur·rice en fonderie",
        "Agent·e d'entretien des espaces verts",
        "Maçon·ne en chantier d'insertion",
    ),
    JobKind.TRAINING: (
        "Formation d'aide-soignant·e",
        "Titre professionnel agent·e magasinier·ère",
        "Formation CACES cariste",
        "Remise à niveau en français et mathématiques",
    ),
    JobKind.SEARCH: (
        "Recherche d'un emploi dans la logistique",
        "Recherche d'un emploi dans le service à la personne",
        "Recherche d'un emploi dans l'industrie, sans véhicule",
        "Projet à construire : découverte des métiers",
    ),
}

CONTRACT_WEIGHTS = {
    Contract.CDI: 3,
    Contract.CDD: 5,
    Contract.INTERIM: 5,
    Contract.CONTRAT_AIDE: 2,
    Contract.CREATION: 1,
}

COMMENTS = (
    "Pas de transport en commun aux horaires de travail.",
    "Personne très motivée, démarrage prévu dès que la question du transport est réglée.",
    "Ne sort presque pas du quartier, appréhende les trajets seule.",
    "A échoué deux fois au code, a besoin d'être encouragé·e.",
    "Garde d'enfants à organiser le matin.",
    "Le bus ne passe pas avant 7h : prise de poste impossible sans véhicule.",
    "Véhicule personnel en panne, réparation trop chère.",
    "Peut commencer une mission d'intérim dès qu'il ou elle a un moyen de transport.",
)

DECLINE_REASONS = (
    "La personne habite hors du territoire de la plateforme : orientée vers la plateforme "
    "mobilité de son secteur.",
    "Personne injoignable malgré trois appels et un courrier : la fiche peut être renvoyée "
    "quand le contact sera rétabli.",
    "Le besoin relève d'un accompagnement social global avant un parcours mobilité : "
    "à revoir dans quelques mois.",
    "La personne a déjà un véhicule en état et le permis : pas de frein de mobilité identifié.",
    "La personne a décliné l'accompagnement lors de l'entretien téléphonique.",
)

# Statuses of each platform's generated referrals: {status: count}.
MAIN_STATUS_COUNTS = {
    ReferralStatus.SUBMITTED: 11,
    ReferralStatus.DECLINED: 8,
    ReferralStatus.ACCEPTED: 16,
    ReferralStatus.CLOSED: 14,
    # Left unanswered past the platform's delay: its referent may send it again.
    ReferralStatus.EXPIRED: 1,
}
SECOND_STATUS_COUNTS = {
    ReferralStatus.SUBMITTED: 3,
    ReferralStatus.DECLINED: 2,
    ReferralStatus.ACCEPTED: 3,
    ReferralStatus.CLOSED: 2,
    ReferralStatus.EXPIRED: 1,
}
# How many days before today each kind of fiche was received: recent ones still wait,
# closed ones are old enough for a pathway of a few months.
RECEIVED_DAYS_AGO = {
    ReferralStatus.SUBMITTED: (0, 20),
    ReferralStatus.DECLINED: (10, 200),
    ReferralStatus.ACCEPTED: (15, 150),
    ReferralStatus.CLOSED: (120, 330),
    ReferralStatus.EXPIRED: (35, 60),
}
OUTCOME_WEIGHTS = {
    Outcome.CDI: 3,
    Outcome.CDD: 4,
    Outcome.INTERIM: 3,
    Outcome.CONTRAT_AIDE: 1,
    Outcome.FORMATION: 2,
    Outcome.CREATION: 1,
    Outcome.NONE: 2,
}


def fiction_mobile(rng: random.Random) -> str:
    """A mobile number in 06 39 98 xx xx, the range ARCEP reserves for fiction."""
    return f"06 39 98 {rng.randint(0, 99):02d} {rng.randint(0, 99):02d}"


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _years_before(day: date, years: int, extra_days: int) -> date:
    try:
        anniversary = day.replace(year=day.year - years)
    except ValueError:  # 29 February
        anniversary = day.replace(year=day.year - years, day=28)
    return anniversary - timedelta(days=extra_days)


class _Generator:
    """Draws one platform's people and decisions from a shared random generator."""

    def __init__(self, rng: random.Random, today: date, taken_names: set[tuple[str, str]]):
        self.rng = rng
        self.today = today
        self.taken_names = taken_names

    def person(self, *, place_pool, audience: str, received_on: date) -> PersonData:
        rng = self.rng
        sex = rng.choices([Sex.FEMALE, Sex.MALE, Sex.OTHER], weights=[48, 48, 1])[0]
        names = FIRST_NAMES[sex if sex != Sex.OTHER else rng.choice([Sex.FEMALE, Sex.MALE])]
        while True:
            first_name, last_name = rng.choice(names), rng.choice(LAST_NAMES)
            if (first_name, last_name) not in self.taken_names:
                self.taken_names.add((first_name, last_name))
                break
        age = rng.randint(18, 25) if audience == "youth" else rng.randint(19, 58)
        birth_date = _years_before(received_on, age, rng.randint(1, 360))
        place = rng.choices(place_pool, weights=[p.weight for p in place_pool])[0]
        qpv = bool(place.qpv_streets) and rng.random() < 0.6
        street = rng.choice(place.qpv_streets if qpv else place.streets)
        rsa = audience == "rsa" or (age >= 25 and rng.random() < 0.3)
        ass = not rsa and age >= 30 and rng.random() < 0.15
        aah = not rsa and rng.random() < 0.05
        licence_held = rng.random() < (0.2 if audience == "youth" else 0.45)
        licence_since = None
        if licence_held:
            licence_age = rng.randint(18, min(age, 30))
            licence_since = min(
                _years_before(birth_date, -licence_age, -rng.randint(0, 300)),
                received_on - timedelta(days=30),
            )
        email = ""
        if rng.random() < 0.6:
            email = f"{ascii_slug(first_name)}.{ascii_slug(last_name)}@example.org"
        return PersonData(
            first_name=first_name,
            last_name=last_name,
            birth_date=birth_date,
            sex=sex,
            phone=fiction_mobile(rng),
            email=email,
            address=f"{rng.randint(1, 48)} {street}",
            postal_code=place.postal_code,
            commune=place.commune,
            qpv=qpv,
            rsa=rsa,
            ass=ass,
            aah=aah,
            rqth=aah or rng.random() < 0.08,
            licence_held=licence_held,
            licence_since=licence_since,
        )

    def needs(self, *, person: PersonData, km: Decimal | None, qpv: bool) -> list[str]:
        rng = self.rng
        needs = [Need.DIAGNOSTIC]
        distance = km or Decimal(10)
        if person.licence_held:
            needs.append(Need.RENTAL_CAR if distance > 8 else Need.RENTAL_EBIKE)
            if rng.random() < 0.2:
                needs.append(Need.MICROCREDIT)
        else:
            if rng.random() < 0.7:
                needs.append(Need.DRIVING_SCHOOL)
            if distance > 12:
                needs.append(Need.RENTAL_SCOOTER)
            else:
                needs.append(rng.choice([Need.RENTAL_BIKE, Need.RENTAL_EBIKE, Need.BIKE_SCHOOL]))
        if qpv and rng.random() < 0.5:
            needs.append(Need.WORKSHOP)
        if rng.random() < 0.3:
            needs.append(Need.COACHING)
        if rng.random() < 0.05:
            needs.append(Need.REPAIR)
        return needs

    def referral(
        self,
        *,
        organisation: OrganisationSpec,
        place_pool,
        workplaces,
        received_on: date,
    ) -> ReferralData:
        rng = self.rng
        person = self.person(
            place_pool=place_pool, audience=organisation.audience, received_on=received_on
        )
        job_kind = rng.choices([JobKind.JOB, JobKind.TRAINING, JobKind.SEARCH], [11, 4, 5])[0]
        contract, start_date, workplace = "", None, None
        if job_kind == JobKind.JOB:
            contract = _weighted(rng, CONTRACT_WEIGHTS)
        elif job_kind == JobKind.TRAINING:
            contract = Contract.FORMATION
        if job_kind != JobKind.SEARCH:
            start_date = received_on + timedelta(days=rng.randint(-10, 45))
            workplace = rng.choice(workplaces)
        # A contract that ends says when (no draw: the rest of the story stays the same).
        end_date = (
            start_date + timedelta(days=182)
            if start_date is not None and contract in CONTRACTS_WITH_AN_END
            else None
        )
        km = None
        if job_kind != JobKind.SEARCH or rng.random() < 0.5:
            km = Decimal(rng.randint(25, 450)) / 10
        referent = rng.choice(organisation.referents)
        return ReferralData(
            referent_name=referent.name,
            referent_email=referent.email,
            referent_phone=referent.phone,
            person=person,
            project=rng.choice(PROJECTS[job_kind]),
            job_kind=job_kind,
            contract=contract,
            job_start_date=start_date,
            job_end_date=end_date,
            job_address=workplace.address if workplace else "",
            job_schedule=workplace.schedule if workplace else "",
            home_work_km=km,
            atypical_hours=workplace.atypical_hours if workplace else False,
            needs=self.needs(person=person, km=km, qpv=person.qpv),
            comment=rng.choice(COMMENTS) if rng.random() < 0.45 else "",
            received_on=received_on,
        )

    def plans(
        self,
        *,
        platform: str,
        organisations,
        place_pool,
        workplaces,
        status_counts: dict[str, int],
        adviser: str,
        own_prescriber: tuple[str, str] | None = None,
    ) -> list[ReferralPlan]:
        """`own_prescriber` (organisation, username): that organisation's fiches are sent by
        its prescriber account; every other fiche is typed in by the adviser from paper."""
        rng = self.rng
        prescribers = [o for o in organisations if o.kind == OrganisationKind.PRESCRIBER]
        plans = []
        statuses = [status for status, count in status_counts.items() for _ in range(count)]
        for status in statuses:
            organisation = rng.choices(prescribers, weights=[o.weight for o in prescribers])[0]
            low, high = RECEIVED_DAYS_AGO[status]
            received_on = self.today - timedelta(days=rng.randint(low, high))
            data = self.referral(
                organisation=organisation,
                place_pool=place_pool,
                workplaces=workplaces,
                received_on=received_on,
            )
            submitted_by = adviser
            if own_prescriber and organisation.name == own_prescriber[0]:
                submitted_by = own_prescriber[1]
            plans.append(
                ReferralPlan(
                    platform=platform,
                    prescriber=organisation.name,
                    submitted_by=submitted_by,
                    decided_by=adviser,
                    data=data,
                    status=status,
                    **self.decision(status, received_on),
                )
            )
        return plans

    def decision(self, status: str, received_on: date) -> dict:
        """The adviser's decision, dated after the fiche arrived and never in the future."""
        rng = self.rng
        if status == ReferralStatus.DECLINED:
            return {"decline_reason": rng.choice(DECLINE_REASONS)}
        if status not in (ReferralStatus.ACCEPTED, ReferralStatus.CLOSED):
            return {}
        opened_on = min(received_on + timedelta(days=rng.randint(2, 12)), self.today)
        if status == ReferralStatus.ACCEPTED:
            return {"opened_on": opened_on}
        closed_on = min(opened_on + timedelta(days=rng.randint(30, 150)), self.today)
        outcome = _weighted(rng, OUTCOME_WEIGHTS)
        durable_chance = 0.2 if outcome == Outcome.NONE else 0.7
        return {
            "opened_on": opened_on,
            "closed_on": closed_on,
            "outcome": outcome,
            "durable_solution": rng.random() < durable_chance,
        }


def _story_people(today: date) -> list[ReferralPlan]:
    """Hand-written cases the demo must show, whatever the generator draws.

    - Hélène Dupont-Martin is followed (open pathway); a second fiche from the CCAS, her
      name typed differently, waits in the inbox: accepting it offers the merge.
    - Kévin Lallement came back: his first pathway closed without a job, a new fiche was
      linked to his existing file (merged), which opened a second pathway.
    """
    helene = PersonData(
        first_name="Hélène",
        last_name="Dupont-Martin",
        birth_date=_years_before(today, 34, 97),
        sex=Sex.FEMALE,
        phone="06 39 98 34 12",
        email="helene.dupont-martin@example.org",
        address="7 allée des Peupliers, quartier du Lac",
        postal_code="08200",
        commune="Sedan",
        qpv=True,
        rsa=True,
    )
    kevin = PersonData(
        first_name="Kévin",
        last_name="Lallement",
        birth_date=_years_before(today, 23, 12),
        sex=Sex.MALE,
        phone="06 39 98 71 05",
        address="15 rue Jean Jaurès",
        postal_code="08700",
        commune="Nouzonville",
    )
    referents = {o.name: o.referents[0] for o in MAIN_ORGANISATIONS if o.referents}

    def fiche(referent: Referent, person: PersonData, days_ago: int, **job) -> ReferralData:
        return ReferralData(
            referent_name=referent.name,
            referent_email=referent.email,
            referent_phone=referent.phone,
            person=person,
            received_on=today - timedelta(days=days_ago),
            **job,
        )

    helene_job = {
        "job_kind": JobKind.JOB,
        "contract": Contract.CDD,
        "employer": "Centre hospitalier de Sedan",
        "project": "Agent·e de service hospitalier",
        "job_address": "Centre hospitalier, 08200 Sedan",
        "job_schedule": "6h45-14h15, un week-end sur deux",
        "atypical_hours": True,
        "home_work_km": Decimal("4.5"),
        "needs": [Need.DIAGNOSTIC, Need.RENTAL_EBIKE, Need.WORKSHOP],
    }
    kevin_first = today - timedelta(days=300)
    return [
        ReferralPlan(
            platform=MAIN_PLATFORM,
            prescriber="France Travail Sedan",
            submitted_by="prescripteur",
            decided_by="conseiller",
            data=fiche(
                referents["France Travail Sedan"],
                helene,
                40,
                job_start_date=today - timedelta(days=20),
                job_end_date=today + timedelta(days=160),
                monthly_resources=Decimal("780.00"),
                comment="Prise de poste à 6h45 : aucun bus à cette heure-là.",
                **helene_job,
            ),
            status=ReferralStatus.ACCEPTED,
            opened_on=today - timedelta(days=35),
            key="helene",
        ),
        ReferralPlan(
            platform=MAIN_PLATFORM,
            prescriber="CCAS de Sedan",
            submitted_by="conseiller",
            decided_by="conseiller",
            data=fiche(
                referents["CCAS de Sedan"],
                replace(helene, first_name="HELENE", last_name="DUPONT MARTIN", email=""),
                3,
                comment="Demande d'aide pour une réparation de vélo et un atelier budget.",
                **{**helene_job, "needs": [Need.REPAIR, Need.COACHING]},
            ),
            status=ReferralStatus.SUBMITTED,
        ),
        ReferralPlan(
            platform=MAIN_PLATFORM,
            prescriber="Mission locale des Ardennes",
            submitted_by="conseiller",
            decided_by="conseiller",
            data=fiche(
                referents["Mission locale des Ardennes"],
                kevin,
                300,
                job_kind=JobKind.SEARCH,
                project="Recherche d'un emploi dans l'industrie, sans véhicule",
                needs=[Need.DIAGNOSTIC, Need.DRIVING_SCHOOL, Need.RENTAL_SCOOTER],
            ),
            status=ReferralStatus.CLOSED,
            opened_on=kevin_first + timedelta(days=6),
            closed_on=kevin_first + timedelta(days=130),
            outcome=Outcome.NONE,
            durable_solution=False,
            key="kevin",
        ),
        ReferralPlan(
            platform=MAIN_PLATFORM,
            prescriber="France Travail Charleville-Mézières",
            submitted_by="conseiller",
            decided_by="conseiller",
            data=fiche(
                referents["France Travail Charleville-Mézières"],
                kevin,
                30,
                job_kind=JobKind.JOB,
                contract=Contract.INTERIM,
                job_start_date=today - timedelta(days=14),
                project="Préparateur·rice de commandes en entrepôt",
                job_address="Plateforme logistique, 08090 Tournes",
                job_schedule="nuit, 21h-5h",
                atypical_hours=True,
                home_work_km=Decimal("14.0"),
                needs=[Need.RENTAL_SCOOTER, Need.DRIVING_SCHOOL],
                comment="Déjà suivi par la plateforme l'an dernier.",
            ),
            status=ReferralStatus.ACCEPTED,
            opened_on=today - timedelta(days=26),
            same_person_as="kevin",
        ),
    ]


def referral_plans(today: date) -> list[ReferralPlan]:
    """Every demo fiche, oldest first, so each step happens after the one it follows."""
    rng = random.Random(RANDOM_SEED)
    stories = _story_people(today)
    taken = {(p.data.person.first_name, p.data.person.last_name) for p in stories}
    generator = _Generator(rng, today, taken)
    plans = stories + generator.plans(
        platform=MAIN_PLATFORM,
        organisations=MAIN_ORGANISATIONS,
        place_pool=MAIN_PLACES,
        workplaces=MAIN_WORKPLACES,
        status_counts=MAIN_STATUS_COUNTS,
        adviser="conseiller",
        own_prescriber=("France Travail Sedan", "prescripteur"),
    )
    plans += generator.plans(
        platform=SECOND_PLATFORM,
        organisations=SECOND_ORGANISATIONS,
        place_pool=SECOND_PLACES,
        workplaces=SECOND_WORKPLACES,
        status_counts=SECOND_STATUS_COUNTS,
        adviser="conseiller2",
    )
    return sorted(plans, key=lambda plan: plan.data.received_on)
