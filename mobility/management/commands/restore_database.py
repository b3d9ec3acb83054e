"""`manage.py restore_database FILE`: restore a backup into an empty database."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mobility.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restaure une sauvegarde dans la base de DATABASE_URL, qui doit être vide."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="Fichier écrit par backup_database.")

    def handle(self, *args, file: Path, **options):
        try:
            restore(file)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Sauvegarde {file} restaurée.")
