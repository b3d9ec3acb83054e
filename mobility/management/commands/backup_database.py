"""`manage.py backup_database FILE`: the whole database in one file (see mobility/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mobility.backup import BackupError, backup


class Command(BaseCommand):
    help = "Sauvegarde toute la base de données dans un fichier."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="Fichier de sauvegarde à écrire.")

    def handle(self, *args, file: Path, **options):
        try:
            backup(file)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Base sauvegardée dans {file} ({file.stat().st_size} octets).")
