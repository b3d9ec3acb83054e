"""Every text field of every model is either erased with the person or declared as
holding nothing about the people followed, with the reason: the next model cannot be
forgotten."""

import pytest
from django.apps import apps
from django.db import models
from django.test.utils import isolate_apps

from mobility import erasure
from mobility.models import Beneficiary


def test_every_text_field_of_every_model_has_an_erasure_rule_or_a_reason():
    assert erasure.undeclared_fields() == []


def test_the_registry_names_only_models_and_fields_that_exist():
    assert erasure.unknown_declarations() == []


def test_every_rule_finds_its_rows_from_the_person_and_from_a_lone_fiche():
    # An unknown lookup raises FieldError when the query is built.
    for rule in erasure.RULES:
        manager = rule.model_class._default_manager
        assert str(manager.filter(**{rule.person: 1}).query)
        if rule.referral is not None:
            assert str(manager.filter(**{rule.referral: 1}).query)


@isolate_apps("mobility")
def test_a_new_model_with_free_text_and_no_erasure_rule_fails_the_walk():
    class Workshop(models.Model):
        title = models.CharField(max_length=100, choices=[("bike", "vélo")])
        notes = models.TextField(blank=True)
        registrations = models.JSONField(default=list)
        seats = models.PositiveSmallIntegerField()

        class Meta:
            app_label = "mobility"

        def __str__(self) -> str:
            return self.title

    assert erasure.undeclared_fields([Workshop]) == [
        "mobility.Workshop.notes",
        "mobility.Workshop.registrations",
    ]


@isolate_apps("mobility")
def test_a_history_table_is_held_to_the_rule_of_its_model():
    class HistoricalPerson(models.Model):
        instance_type = Beneficiary  # how simple-history links a history table to its model
        first_name = models.CharField(max_length=100)
        nickname = models.CharField(max_length=100)
        history_change_reason = models.CharField(max_length=100, null=True)  # noqa: DJ001

        class Meta:
            app_label = "mobility"

        def __str__(self) -> str:
            return self.first_name

    assert erasure.undeclared_fields([HistoricalPerson]) == ["mobility.HistoricalPerson.nickname"]
    assert "mobility.HistoricalBeneficiary" in {
        model._meta.label for model in apps.get_models(include_auto_created=True)
    }


@pytest.mark.parametrize("field_name", ["comment", "project", "decline_reason", "job_address"])
def test_the_referrals_free_text_is_erased_not_kept(field_name):
    (rule,) = [rule for rule in erasure.RULES if rule.model == "mobility.Referral"]
    assert rule.erase[field_name] is erasure.replaced_text
