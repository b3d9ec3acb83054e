"""The shipped data: the two example tariff grids and the default eligibility rules.

Installed in the database (fleet.services.install_shipped_grids, run after migrate) as
grids without a platform, which every platform may choose; an administrator edits a grid
by making a new version of it. Amounts are strings: money is never a float.
"""

from fleet.enums import SituationCode, VehicleKind
from mobility.enums import Contract

STANDARD_GRID = "standard"
GRADUATED_GRID = "progressive"

# Reductions in the order they apply (each to what remains after the previous ones).
STANDARD_REDUCTIONS = (
    {
        "code": "rsa",
        "label": "Gratuité RSA",
        "condition": SituationCode.RSA,
        "percent": "100",
        "until_month": None,
    },
    {
        "code": "qpv",
        "label": "Demi-tarif QPV",
        "condition": SituationCode.QPV,
        "percent": "50",
        "until_month": None,
    },
)

# The deposit asked by default per vehicle kind (the seeds give no amount): each shipped
# grid carries it, and a lower deposit needs an adviser's waiver with a reason.
DEFAULT_DEPOSITS = {
    VehicleKind.CAR: "150.00",
    VehicleKind.SCOOTER: "100.00",
    VehicleKind.BIKE: "50.00",
    VehicleKind.EBIKE: "50.00",
}

SHIPPED_GRIDS = {
    # Voiture & Co practice: one daily rate per kind for the whole rental.
    STANDARD_GRID: {
        "name": "Grille standard (tarif journalier)",
        "description": "Tarif par jour calendaire ; carburant à la charge du ou de la "
        "bénéficiaire. Gratuit au RSA, demi-tarif en QPV.",
        "max_months": 6,
        "microcredit_month": None,
        "visit_frequency": "weekly",
        "steps": {
            VehicleKind.CAR: ["5.00"],
            VehicleKind.SCOOTER: ["2.00"],
            VehicleKind.BIKE: ["1.00"],
            VehicleKind.EBIKE: ["1.00"],
        },
        "reductions": STANDARD_REDUCTIONS,
        "deposits": DEFAULT_DEPOSITS,
    },
    # AMIE practice: month 1 free or very low according to resources, then a rate rising
    # towards a car-loan repayment; 5 months at most, a microcredit proposed at month 5.
    GRADUATED_GRID: {
        "name": "Grille progressive (5 mois, vers le microcrédit)",
        "description": "Premier mois gratuit au RSA et à moitié prix en QPV, puis un "
        "tarif qui monte chaque mois vers le coût d'un remboursement de prêt "
        "auto ; 5 mois au plus, microcrédit proposé au 5e mois.",
        "max_months": 5,
        "microcredit_month": 5,
        # AMIE practice: a monthly visit, with feedback to the referent.
        "visit_frequency": "monthly",
        "steps": {
            VehicleKind.CAR: ["1.00", "2.00", "3.00", "4.00", "5.00"],
            VehicleKind.SCOOTER: ["0.50", "1.00", "1.50", "2.00", "2.50"],
            VehicleKind.BIKE: ["0.20", "0.40", "0.60", "0.80", "1.00"],
            VehicleKind.EBIKE: ["0.40", "0.60", "0.80", "1.00", "1.20"],
        },
        "reductions": tuple({**reduction, "until_month": 1} for reduction in STANDARD_REDUCTIONS),
        "deposits": DEFAULT_DEPOSITS,
    },
}

WORK_CONTRACTS = [Contract.CDI, Contract.CDD, Contract.INTERIM, Contract.CONTRAT_AIDE]

# Per vehicle kind; a platform edits its own rows (EligibilityRule).
ELIGIBILITY = {
    VehicleKind.CAR: {
        "minimum_age": 18,
        "licence_required": True,
        "licence_minimum_months": 12,
        "contract_required": True,
        "accepted_contracts": WORK_CONTRACTS,
        "contract_minimum_days": 30,
    },
    VehicleKind.SCOOTER: {
        "minimum_age": 14,
        "licence_required": False,
        "licence_minimum_months": 0,
        "contract_required": False,
        "accepted_contracts": WORK_CONTRACTS,
        "contract_minimum_days": 0,
    },
    VehicleKind.EBIKE: {
        "minimum_age": 14,
        "licence_required": False,
        "licence_minimum_months": 0,
        "contract_required": False,
        "accepted_contracts": WORK_CONTRACTS,
        "contract_minimum_days": 0,
    },
    VehicleKind.BIKE: {
        "minimum_age": None,
        "licence_required": False,
        "licence_minimum_months": 0,
        "contract_required": False,
        "accepted_contracts": WORK_CONTRACTS,
        "contract_minimum_days": 0,
    },
}

KM_ALLOWANCE_PERCENT = "120"
CHECKIN_INTERVAL_DAYS = 7
# The fleet board lists rentals whose maximum length ends within this many days.
# (A rental past it is listed too, until its return.)
MAX_LENGTH_WARNING_DAYS = 14
# Alerts to the adviser and the referents (FleetSettings, per platform).
KM_ALERT_MARGIN_PERCENT = "10"
OVERDUE_ALERT_DAYS = 7
