"""Forms of the interview pages; the rules stay in diagnostics.services."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from diagnostics import scoring
from diagnostics.enums import DiagnosticKind


class DiagnosticStartForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type de diagnostic"), choices=DiagnosticKind.choices, widget=forms.RadioSelect
    )
    taken_on = forms.DateField(
        label=_("Date de l'entretien"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    ERROR_ALIASES = {"date": "taken_on", "pathway": "kind"}

    def __init__(self, *args, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["taken_on"].initial = timezone.localdate()
        if kinds is not None:
            self.fields["kind"].choices = [c for c in DiagnosticKind.choices if c[0] in kinds]
            if len(kinds) == 1:
                self.fields["kind"].initial = next(iter(kinds))


class DimensionAnswersForm(forms.Form):
    """One screen of the interview: the questions of one dimension, as radio choices.

    Nothing is required on a screen (an interview may come back to a question); the
    missing required answers are listed before the diagnostic is completed.
    """

    def __init__(self, *args, questions: tuple[scoring.Question, ...], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[question.code] = forms.ChoiceField(
                label=question.text,
                help_text=question.help,
                choices=[(c.code, c.label) for c in question.choices],
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[question.code].is_required_question = question.required

    def answers(self) -> dict[str, str]:
        return {
            question.code: self.cleaned_data.get(question.code, "") for question in self.questions
        }
