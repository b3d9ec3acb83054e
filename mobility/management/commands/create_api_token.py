"""Issue an API bearer token for a user. The token is printed once and stored hashed."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from mobility.errors import DomainError
from mobility.models import User
from mobility.templatetags.french_dates import format_date
from mobility.tokens import MAX_LIFETIME_DAYS, api_token_create


class Command(BaseCommand):
    help = (
        "Crée un jeton d'API pour un compte existant et l'affiche (une seule fois : "
        "seule son empreinte est conservée)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="Identifiant du compte.")
        parser.add_argument(
            "--label", default="", help="Libellé du jeton, par exemple le logiciel qui l'utilise."
        )
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=(
                "Durée de validité en jours (par défaut API_TOKEN_LIFETIME_DAYS, "
                f"{settings.API_TOKEN_LIFETIME_DAYS} ; {MAX_LIFETIME_DAYS} au plus)."
            ),
        )

    def handle(self, *args, username: str, label: str, days: int | None, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Aucun compte n'a l'identifiant « {username} ».")
        if not user.is_active:
            raise CommandError(
                f"Le compte « {username} » est désactivé : "
                "réactivez-le avant de lui créer un jeton."
            )
        label = label.strip()
        if len(label) > 100:
            raise CommandError("Le libellé ne doit pas dépasser 100 caractères.")
        try:
            token, raw = api_token_create(user=user, label=label, days=days)
        except DomainError as error:
            raise CommandError(error.message) from error
        expiry = format_date(timezone.localtime(token.expires_at), "j F Y")
        # Only the token on stdout, so a script can capture it; the advice goes to stderr.
        self.stdout.write(raw)
        self.stderr.write(
            "Conservez ce jeton maintenant : il ne sera plus jamais affiché. "
            f"Utilisation : « Authorization: Bearer <jeton> ». Compte : {username}. "
            f"Valable jusqu'au {expiry}.",
            style_func=str,  # advice, not an error: no red
        )
