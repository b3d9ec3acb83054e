"""API schemas of the diagnostics (docs/api.md, "Diagnostics"), with explicit fields."""

from datetime import date
from typing import Literal

from ninja import Field, Schema

from diagnostics.scoring import MAX_QUESTIONS
from mobility.bounds import MAX_POSITIVE_INT, Day, Id
from mobility.schemas import InputSchema


class ChoiceOut(Schema):
    code: str
    label: str
    weight: int


class QuestionOut(Schema):
    code: str
    text: str
    dimension: str
    required: bool
    help: str
    choices: list[ChoiceOut]


class DimensionOut(Schema):
    code: str
    label: str
    weight: int
    description: str


class OrientationGroupOut(Schema):
    group: int
    label: str
    advice: str


class QuestionnaireOut(Schema):
    version: int
    title: str
    published_at: str | None
    dimensions: list[DimensionOut]
    questions: list[QuestionOut]
    orientation_groups: list[OrientationGroupOut]
    services: dict[str, str] = Field(description="Codes des services recommandables et libellés.")


class DiagnosticIn(InputSchema):
    pathway_id: Id
    kind: Literal["entry", "exit", "follow_up"]
    date: Day
    # Bounded by the questionnaire in service (answer_problems); this only stops an absurd body.
    answers: dict[str, str] = Field(
        max_length=MAX_QUESTIONS, description="{code de question : code de réponse}"
    )
    questionnaire_version: int | None = Field(
        None,
        ge=1,
        le=MAX_POSITIVE_INT,
        description="Version pour laquelle les réponses ont été saisies (facultatif) : "
        "refusé si ce n'est pas la version en service.",
    )


class FactorOut(Schema):
    question: str
    choice: str
    dimension: str
    points_lost: float


class DiagnosticOut(Schema):
    id: int
    pathway_id: int
    kind: str
    date: date
    questionnaire_version: int
    mobility_potential: int
    dimensions: dict[str, int]
    orientation_group: int | None = Field(
        description="1, 2 ou 3 ; null (sans objet) pour une personne qui a déjà le permis B."
    )
    recommendations: list[str]
    explanation: list[FactorOut] = Field(
        description="Les réponses qui ont le plus fait baisser le potentiel."
    )


class ProgressOut(Schema):
    entry: int | None = Field(description="Potentiel à l'entrée (null sans diagnostic d'entrée).")
    exit: int | None = Field(description="Potentiel à la sortie (null tant qu'il n'est pas fait).")
    delta: int | None = Field(description="Sortie moins entrée (null si l'un des deux manque).")
    dimensions: dict[str, int | None]
