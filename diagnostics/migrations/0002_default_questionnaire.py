"""Load the default questionnaire (version 1) shipped in diagnostics/questionnaires/."""

import json
from pathlib import Path

from django.db import migrations
from django.utils import timezone

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "questionnaires" / "default_v1.json"


def load_default_questionnaire(apps, schema_editor):
    Questionnaire = apps.get_model("diagnostics", "Questionnaire")
    document = json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))
    if Questionnaire.objects.filter(version=document["version"]).exists():
        return
    Questionnaire.objects.create(
        version=document["version"],
        title=document["title"],
        notes=document.get("notes", ""),
        definition=document["definition"],
        is_current=not Questionnaire.objects.filter(is_current=True).exists(),
        published_at=timezone.now(),
    )


def remove_unused_default(apps, schema_editor):
    Questionnaire = apps.get_model("diagnostics", "Questionnaire")
    document = json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))
    Questionnaire.objects.filter(version=document["version"], diagnostics__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("diagnostics", "0001_diagnostics")]

    operations = [migrations.RunPython(load_default_questionnaire, remove_unused_default)]
