import pytest

from diagnostics.models import Questionnaire
from diagnostics.services import install_default_questionnaire


def test_the_newest_shipped_questionnaire_is_current_after_migrating(db):
    current = Questionnaire.objects.get(is_current=True)
    assert current.version == 2
    # Version 1 stays, published: the diagnostics taken with it keep their version.
    assert Questionnaire.objects.get(version=1).is_published


def test_they_come_back_when_the_tables_were_emptied(db):
    Questionnaire.objects.all().delete()
    install_default_questionnaire()
    assert Questionnaire.objects.get(is_current=True).version == 2
    assert sorted(Questionnaire.objects.values_list("version", flat=True)) == [1, 2]


def test_it_adds_nothing_when_a_questionnaire_exists(db):
    before = Questionnaire.objects.count()
    install_default_questionnaire()
    assert Questionnaire.objects.count() == before


@pytest.mark.django_db(transaction=True)
def test_it_survives_the_flush_of_a_transactional_test():
    assert Questionnaire.objects.filter(is_current=True).exists()
