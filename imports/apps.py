from django.apps import AppConfig


class ImportsConfig(AppConfig):
    """Import of a platform's existing files (people, pathways, rentals, enrolments).

    Its own app: it writes through fleet's and drivingschool's import services, which
    the core app `mobility` does not import."""

    name = "imports"
    verbose_name = "Import des dossiers existants"
