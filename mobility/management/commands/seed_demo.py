"""Load the demo dataset: two platforms, the accounts of docs/api.md, organisations, referrals.

Referrals go through the services (submit, accept, decline, close), exactly as a page or
the API would drive them, so their history, notifications and constraints are real.
"""

from __future__ import annotations

from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from mobility import demo_data, referral_delays, services
from mobility.demo_data import (
    ACCOUNTS,
    DEMO_PASSWORD,
    MAIN_ORGANISATIONS,
    MAIN_PLATFORM,
    SECOND_ORGANISATIONS,
    SECOND_PLATFORM,
    Account,
    ReferralPlan,
)
from mobility.enums import CASEWORK_ROLES, ReferralStatus, Role
from mobility.models import Membership, Organisation, Platform, Referral, User
from mobility.registry import registry
from mobility.reports import demo as reports_demo

# The demo's notifications go through the normal path (recorded, then handed to the
# mail framework once the transaction commits), but to an in-memory outbox that dies
# with the process: the console is not flooded with dozens of messages, and an SMTP
# server configured by the environment never mails the invented referents. `sent_at`
# is therefore true: the mail framework did accept each message, at seeding time. The
# send tasks run at once, in this process, for the same reason: queued, a worker would
# send them later through the configured mail server.
# override_settings (the documented way to change a setting for a while) restores the
# configured backends afterwards, even when the seed fails.
DEMO_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEMO_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


class Command(BaseCommand):
    help = (
        "Charge le jeu de démonstration (plateformes, comptes, organisations, fiches de "
        "liaison). Sans effet si la démo est déjà chargée."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Tout construire puis tout annuler : vérifie que la démo se charge.",
        )

    def handle(self, *args, dry_run: bool = False, **options):
        if Platform.objects.filter(name=MAIN_PLATFORM).exists():
            self.stdout.write(
                f"La démo est déjà chargée (la plateforme « {MAIN_PLATFORM} » existe) : "
                "rien n'a été modifié."
            )
            self._print_accounts()
            return
        taken = sorted(
            User.objects.filter(username__in=[a.username for a in ACCOUNTS]).values_list(
                "username", flat=True
            )
        )
        if taken:
            raise CommandError(
                "Ces identifiants existent déjà hors de la démo : "
                f"{', '.join(taken)}. Utilisez une base vide pour charger la démo."
            )

        with (
            override_settings(EMAIL_BACKEND=DEMO_EMAIL_BACKEND, TASKS=DEMO_TASKS),
            transaction.atomic(),
        ):
            referrals = self._seed()
            if dry_run:
                transaction.set_rollback(True)

        if dry_run:
            self.stdout.write("Essai à blanc : la démo se charge, rien n'a été enregistré.")
            return
        self._print_summary(referrals)
        self._print_accounts()

    def _seed(self) -> list[Referral]:
        platforms = {
            name: Platform.objects.create(
                name=name, department=demo_data.DEPARTMENT, **demo_data.PLATFORM_CONTACTS[name]
            )
            for name in (MAIN_PLATFORM, SECOND_PLATFORM)
        }
        users = {
            account.username: self._create_account(account, platforms[account.platform])
            for account in ACCOUNTS
        }
        main, second = platforms[MAIN_PLATFORM], platforms[SECOND_PLATFORM]
        # The delays to answer a fiche, at their defaults: the admin shows where to change them.
        for platform in platforms.values():
            referral_delays.settings_create(platform=platform)
        self._create_organisations(main, MAIN_ORGANISATIONS, by=users["admin"])
        self._create_organisations(second, SECOND_ORGANISATIONS, by=users["admin2"])
        # Prescriber and funder accounts belong to an organisation, created just above.
        for account in ACCOUNTS:
            if account.organisation:
                Membership.objects.create(
                    user=users[account.username],
                    platform=platforms[account.platform],
                    role=account.role,
                    organisation=Organisation.objects.get(
                        platform__name=account.platform, name=account.organisation
                    ),
                )
        referrals = self._play(demo_data.referral_plans(timezone.localdate()), users)
        # Each module's demo, in the order the modules registered (mobility/registry.py).
        for seed in registry.demo_in_order():
            seed(platform=main, users=users, today=timezone.localdate())
        reports_demo.seed(platform=main, by=users["admin"], today=timezone.localdate())
        return referrals

    def _create_account(self, account: Account, platform: Platform) -> User:
        user = User(
            username=account.username,
            first_name=account.first_name,
            last_name=account.last_name,
            email=account.email,
            # No demo superuser: the platform administrators use /admin/ through their
            # role; the operator creates its own account (manage.py createsuperuser).
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        if not account.organisation:
            Membership.objects.create(user=user, platform=platform, role=account.role)
        return user

    def _create_organisations(self, platform: Platform, specs, *, by: User) -> None:
        for spec in specs:
            services.organisation_create(
                by=by, platform=platform, name=spec.name, kind=spec.kind, siret=spec.siret
            )

    def _play(self, plans: list[ReferralPlan], users: dict[str, User]) -> list[Referral]:
        """Drive each fiche through its life, oldest first, as the people would have."""
        prescribers = {
            (o.platform.name, o.name): o
            for o in Organisation.objects.prescribers().select_related("platform")
        }
        referrals, by_key = [], {}
        today = timezone.localdate()
        for plan in plans:
            adviser = users[plan.decided_by]
            submitter = users[plan.submitted_by]
            if plan.data.received_on not in (None, today) and not submitter.has_role(
                *CASEWORK_ROLES
            ):
                # Only the platform dates a fiche received on another day: in the demo's
                # past, the adviser typed in what the prescriber had sent.
                submitter = adviser
            referral = services.referral_submit(
                by=submitter,
                prescriber=prescribers[(plan.platform, plan.prescriber)],
                data=plan.data,
            )
            if plan.status == ReferralStatus.EXPIRED:
                # What the daily job did when its delay passed.
                referral_delays.referral_expire(referral=referral, today=today)
                referral.refresh_from_db()
            elif plan.status == ReferralStatus.DECLINED:
                referral = services.referral_decline(
                    referral=referral, by=adviser, reason=plan.decline_reason
                )
            elif plan.status in (ReferralStatus.ACCEPTED, ReferralStatus.CLOSED):
                # A returning person is linked to their file: the adviser's merge choice.
                known = by_key[plan.same_person_as].beneficiary if plan.same_person_as else None
                referral = services.referral_accept(
                    referral=referral, by=adviser, beneficiary=known, opened_on=plan.opened_on
                )
                for steps in registry.demo_referral_steps.values():
                    if "accepted" in steps:
                        steps["accepted"](referral=referral, by=adviser, today=today)
            if plan.status == ReferralStatus.CLOSED:
                for steps in registry.demo_referral_steps.values():
                    if "closing" in steps:
                        steps["closing"](referral=referral, by=adviser, closed_on=plan.closed_on)
                services.pathway_close(
                    pathway=referral.pathway,
                    by=adviser,
                    closed_on=plan.closed_on,
                    outcome=plan.outcome,
                    durable_solution=plan.durable_solution,
                )
                referral.refresh_from_db()
            if plan.key:
                by_key[plan.key] = referral
            referrals.append(referral)
        return referrals

    def _print_summary(self, referrals: list[Referral]) -> None:
        for platform_name in (MAIN_PLATFORM, SECOND_PLATFORM):
            statuses = Counter(
                Referral.objects.filter(platform__name=platform_name).values_list(
                    "status", flat=True
                )
            )
            detail = ", ".join(
                f"{ReferralStatus(status).label} : {statuses[status]}"
                for status in ReferralStatus.values
            )
            self.stdout.write(
                self.style.SUCCESS(
                    f"{platform_name} : {sum(statuses.values())} fiches de liaison ({detail})."
                )
            )
        for referral in referrals:
            if referral.status == ReferralStatus.SUBMITTED and services.duplicate_candidates(
                referral
            ):
                self.stdout.write(
                    f"À essayer : la fiche n° {referral.pk} ({referral.full_name}) concerne "
                    "une personne déjà suivie ; l'accepter propose le rapprochement."
                )

    def _print_accounts(self) -> None:
        self.stdout.write(
            f"\nComptes de démonstration, mot de passe « {DEMO_PASSWORD} » "
            "(pour la démo uniquement) :"
        )
        for account in ACCOUNTS:
            where = account.organisation or account.platform
            if account.organisation:
                where = f"{account.organisation}, {account.platform}"
            extra = " — et l'administration /admin/" if account.role == Role.ADMIN else ""
            self.stdout.write(
                f"  {account.username:<13} {Role(account.role).label} ({where}){extra}"
            )
