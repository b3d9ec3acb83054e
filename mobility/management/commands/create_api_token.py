"""Issue an API bearer token for a user. The token is printed once and stored hashed."""

from django.core.management.base import BaseCommand, CommandError

from mobility.models import User
from mobility.tokens import issue_token


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

    def handle(self, *args, username: str, label: str, **options):
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
        token = issue_token(user=user, label=label)
        # Only the token on stdout, so a script can capture it; the advice goes to stderr.
        self.stdout.write(token)
        self.stderr.write(
            "Conservez ce jeton maintenant : il ne sera plus jamais affiché. "
            f"Utilisation : « Authorization: Bearer <jeton> ». Compte : {username}.",
            style_func=str,  # advice, not an error: no red
        )
