"""Ship version 2 of the default questionnaire (diagnostics/questionnaires/default_v2.json).

Its orientation concerns only people without the licence, and group 2 answers gaps in
reading, French, spatial orientation or attention, not the lack of the code knowledge the
lessons teach. Put in service only where version 1, as shipped, is still the one in
service; a platform that published its own version keeps it, and finds version 2 as a
draft to publish when it wants.
"""

import json
from pathlib import Path

from django.db import migrations
from django.utils import timezone

QUESTIONNAIRES = Path(__file__).resolve().parent.parent / "questionnaires"


def _document(name):
    return json.loads((QUESTIONNAIRES / name).read_text(encoding="utf-8"))


def load_version_2(apps, schema_editor):
    Questionnaire = apps.get_model("diagnostics", "Questionnaire")
    document = _document("default_v2.json")
    if Questionnaire.objects.filter(version=document["version"]).exists():
        return
    shipped_v1 = _document("default_v1.json")
    current = Questionnaire.objects.filter(is_current=True).first()
    take_over = current is None or (
        current.version == shipped_v1["version"]
        and current.definition == shipped_v1["definition"]
    )
    if take_over and current is not None:
        current.is_current = False
        current.save(update_fields=["is_current"])
    Questionnaire.objects.create(
        version=document["version"],
        title=document["title"],
        notes=document.get("notes", ""),
        definition=document["definition"],
        is_current=take_over,
        published_at=timezone.now() if take_over else None,
    )


def unload_version_2(apps, schema_editor):
    Questionnaire = apps.get_model("diagnostics", "Questionnaire")
    version = _document("default_v2.json")["version"]
    unused = Questionnaire.objects.filter(version=version, diagnostics__isnull=True)
    if unused.filter(is_current=True).exists():
        unused.delete()
        Questionnaire.objects.filter(version=version - 1).update(is_current=True)
    else:
        unused.delete()


class Migration(migrations.Migration):
    dependencies = [("diagnostics", "0003_diagnostic_licence_held_orientation_not_applicable")]

    operations = [migrations.RunPython(load_version_2, unload_version_2)]
