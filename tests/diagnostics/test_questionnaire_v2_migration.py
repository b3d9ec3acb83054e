"""Migration 0004 puts version 2 in service only over the untouched shipped version 1."""

import importlib

from django.apps import apps
from django.utils import timezone

from diagnostics.models import Questionnaire

migration = importlib.import_module("diagnostics.migrations.0004_questionnaire_version_2")


def forget_version_2():
    Questionnaire.objects.filter(version=2).delete()
    Questionnaire.objects.filter(version=1).update(is_current=True)


def test_over_the_shipped_version_1_version_2_goes_in_service(db):
    forget_version_2()
    migration.load_version_2(apps, None)
    assert Questionnaire.objects.current().version == 2
    assert Questionnaire.objects.get(version=1).is_published


def test_a_platform_that_published_its_own_version_keeps_it(db):
    forget_version_2()
    v1 = Questionnaire.objects.get(version=1)
    v1.is_current = False
    v1.save()
    own = Questionnaire.objects.create(
        version=7,
        title="Notre grille",
        definition=v1.definition,
        is_current=True,
        published_at=timezone.now(),
    )
    migration.load_version_2(apps, None)
    assert Questionnaire.objects.current() == own
    v2 = Questionnaire.objects.get(version=2)
    assert not v2.is_published and not v2.is_current  # a draft to publish when wanted


def test_it_runs_once(db):
    before = Questionnaire.objects.count()
    migration.load_version_2(apps, None)
    assert Questionnaire.objects.count() == before


def test_going_back_puts_version_1_in_service_again(db):
    migration.unload_version_2(apps, None)
    assert not Questionnaire.objects.filter(version=2).exists()
    assert Questionnaire.objects.current().version == 1
