"""The potentiel de mobilité: pure scoring of a questionnaire version's answers.

No ORM, no clock, plain values only. A questionnaire version is data (see
diagnostics/questionnaires/*.json): its dimensions, questions with weighted choices,
the orientation rules for the driving licence and the recommendation rules all come
from it, so no threshold is written here.

- A dimension's score is the share of the reachable weight the answers obtained, over
  the questions answered in that dimension: 100 * sum(chosen - lowest) / sum(highest -
  lowest). Every dimension has at least one required question, so it always has a score.
- The overall score (the potentiel de mobilité) is the mean of the dimension scores,
  weighted by each dimension's `weight`.
- Scores are computed exactly (fractions) and rounded half up at the end, so the same
  answers always give the same result and a better answer never lowers a score.
- Orientation for the driving licence: only for people without the licence. A person who
  holds it (the fiche says so: `holds_licence`, or the answers meet the version's
  `orientation.licence_held_when` conditions) gets no group ("sans objet"), so no rule on
  the group holds for them: no pre-training, no driving school, no partner for the
  licence's prerequisites. Otherwise the first rule whose conditions all hold gives the
  group; else the default group. Recommendations: every rule whose conditions all hold
  adds its service, in the order of the rules, once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

OVERALL = "overall"
ORIENTATION_GROUPS = (1, 2, 3)
NOT_APPLICABLE_REASON = (
    "La fiche ou la réponse « Expérience de la conduite » indique le permis B déjà obtenu."
)
# How many answers the explanation lists as weighing most.
EXPLANATION_SIZE = 5
# A questionnaire is an interview of an hour or so; the API refuses more answers than this.
MAX_QUESTIONS = 300


class DefinitionError(ValueError):
    """A questionnaire definition is not valid; `problems` lists what, in French."""

    def __init__(self, problems: list[str]):
        super().__init__("Questionnaire invalide : " + " ; ".join(problems))
        self.problems = problems


class AnswersError(ValueError):
    """Answers cannot be scored; `problems` maps a question code (or "version") to why."""

    def __init__(self, problems: dict[str, str]):
        super().__init__("Réponses invalides : " + " ; ".join(problems.values()))
        self.problems = problems


@dataclass(frozen=True)
class Choice:
    code: str
    label: str
    weight: int


@dataclass(frozen=True)
class Question:
    code: str
    text: str
    dimension: str
    required: bool
    choices: tuple[Choice, ...]
    help: str = ""

    @property
    def lowest(self) -> int:
        return min(choice.weight for choice in self.choices)

    @property
    def highest(self) -> int:
        return max(choice.weight for choice in self.choices)

    def choice(self, code: str) -> Choice | None:
        return next((choice for choice in self.choices if choice.code == code), None)


@dataclass(frozen=True)
class Dimension:
    code: str
    label: str
    weight: int = 1
    description: str = ""


@dataclass(frozen=True)
class Condition:
    """One test on a result being built.

    kind "score": the score of `target` (a dimension code or "overall") is below
    `below` and/or at least `at_least`. kind "answer": the answer to question `target`
    is one of `codes`. kind "group": the orientation group is one of `groups`.
    """

    kind: str
    target: str = ""
    below: int | None = None
    at_least: int | None = None
    codes: frozenset[str] = frozenset()
    groups: frozenset[int] = frozenset()


@dataclass(frozen=True)
class OrientationRule:
    group: int
    when: tuple[Condition, ...]
    reason: str


@dataclass(frozen=True)
class RecommendationRule:
    service: str
    when: tuple[Condition, ...]
    reason: str


@dataclass(frozen=True)
class OrientationGroup:
    group: int
    label: str
    advice: str


# What is said instead of a group for a person who already holds the licence.
NOT_APPLICABLE = OrientationGroup(
    group=0,
    label="Sans objet : permis B déjà obtenu",
    advice="L'orientation pour le permis ne concerne que les personnes qui ne l'ont pas.",
)


@dataclass(frozen=True)
class Definition:
    """One questionnaire version, as plain values."""

    version: int
    dimensions: tuple[Dimension, ...]
    questions: tuple[Question, ...]
    default_group: int
    groups: tuple[OrientationGroup, ...]
    orientation_rules: tuple[OrientationRule, ...]
    services: Mapping[str, str]  # service code -> French label
    recommendation_rules: tuple[RecommendationRule, ...]
    # Answers that say the person holds the licence (any one condition suffices).
    licence_held_when: tuple[Condition, ...] = ()

    def question(self, code: str) -> Question | None:
        return next((q for q in self.questions if q.code == code), None)

    def dimension(self, code: str) -> Dimension | None:
        return next((d for d in self.dimensions if d.code == code), None)

    def questions_of(self, dimension: str) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.dimension == dimension)

    def group(self, number: int | None) -> OrientationGroup:
        """The group's label and advice; NOT_APPLICABLE for no group (licence held)."""
        if number is None:
            return NOT_APPLICABLE
        return next(g for g in self.groups if g.group == number)


@dataclass(frozen=True)
class Factor:
    """An answer and the points of potentiel it cost (its distance from the best answer)."""

    question: str
    question_text: str
    dimension: str
    choice: str
    choice_label: str
    points_lost: Decimal


@dataclass(frozen=True)
class Result:
    version: int
    dimensions: dict[str, int]
    mobility_potential: int
    orientation_group: int | None  # None: "sans objet", the person holds the licence
    orientation_reasons: tuple[str, ...]
    recommendations: tuple[str, ...]
    recommendation_reasons: dict[str, str] = field(default_factory=dict)
    explanation: tuple[Factor, ...] = ()


@dataclass(frozen=True)
class Progress:
    """Exit (or latest) minus entry, overall and per dimension; None where unknown."""

    entry: int | None
    exit: int | None
    delta: int | None
    dimensions: dict[str, int | None]


# ---- reading a definition


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _conditions(
    raw: Any, where: str, definition: dict, problems: list[str], *, allow_group: bool
) -> tuple[Condition, ...]:
    dimension_codes = {d.get("code") for d in definition.get("dimensions", []) or []}
    questions = {q.get("code"): q for q in definition.get("questions", []) or []}
    if not isinstance(raw, list) or not raw:
        problems.append(f"{where} : « when » doit être une liste non vide de conditions.")
        return ()
    conditions = []
    for item in raw:
        if not isinstance(item, dict):
            problems.append(f"{where} : une condition doit être un objet.")
            continue
        if "score" in item:
            target = item["score"]
            below, at_least = _int(item.get("below")), _int(item.get("at_least"))
            if target != OVERALL and target not in dimension_codes:
                problems.append(f"{where} : dimension « {target} » inconnue.")
            if below is None and at_least is None:
                problems.append(f"{where} : une condition de score a besoin de below ou at_least.")
            for bound in (below, at_least):
                if bound is not None and not 0 <= bound <= 100:
                    problems.append(f"{where} : un seuil de score est compris entre 0 et 100.")
            conditions.append(Condition("score", target, below=below, at_least=at_least))
        elif "answer" in item:
            target = item["answer"]
            codes = item.get("in")
            question = questions.get(target)
            if question is None:
                problems.append(f"{where} : question « {target} » inconnue.")
            elif not isinstance(codes, list) or not codes:
                problems.append(f"{where} : une condition de réponse a besoin de la liste « in ».")
            else:
                known = {c.get("code") for c in question.get("choices", []) or []}
                for code in codes:
                    if code not in known:
                        problems.append(f"{where} : réponse « {code} » inconnue pour « {target} ».")
            conditions.append(Condition("answer", target, codes=frozenset(codes or [])))
        elif "group" in item and allow_group:
            groups = item["group"]
            if not isinstance(groups, list) or not set(groups) <= set(ORIENTATION_GROUPS):
                problems.append(f"{where} : « group » est une liste parmi 1, 2 et 3.")
                groups = []
            conditions.append(Condition("group", groups=frozenset(groups)))
        else:
            problems.append(f"{where} : condition incomprise ({sorted(item)}).")
    return tuple(conditions)


def parse_definition(version: int, data: Any) -> Definition:
    """Validate a questionnaire definition (JSON data) and return it as plain values.

    Raise DefinitionError listing every problem, in French.
    """
    problems: list[str] = []
    if not isinstance(data, dict):
        raise DefinitionError(["la définition doit être un objet JSON."])

    dimensions: list[Dimension] = []
    for raw in data.get("dimensions") or []:
        code, label = _text(raw.get("code")), _text(raw.get("label"))
        weight = _int(raw.get("weight", 1))
        if not code or not label:
            problems.append("chaque dimension a un code et un libellé.")
        if weight is None or weight < 1:
            problems.append(f"dimension « {code} » : le poids est un entier positif.")
            weight = 1
        dimensions.append(Dimension(code, label, weight, _text(raw.get("description"))))
    if not dimensions:
        problems.append("le questionnaire n'a aucune dimension.")
    dimension_codes = [d.code for d in dimensions]
    if len(set(dimension_codes)) != len(dimension_codes):
        problems.append("deux dimensions ont le même code.")

    questions: list[Question] = []
    for raw in data.get("questions") or []:
        code = _text(raw.get("code"))
        where = f"question « {code or '?'} »"
        if not code or not _text(raw.get("text")):
            problems.append(f"{where} : un code et un texte sont obligatoires.")
        if raw.get("dimension") not in dimension_codes:
            problems.append(f"{where} : dimension « {raw.get('dimension')} » inconnue.")
        choices = []
        for choice in raw.get("choices") or []:
            weight = _int(choice.get("weight"))
            if not _text(choice.get("code")) or not _text(choice.get("label")):
                problems.append(f"{where} : chaque réponse a un code et un libellé.")
            if weight is None or weight < 0:
                problems.append(f"{where} : le poids d'une réponse est un entier positif ou nul.")
                weight = 0
            choices.append(Choice(_text(choice.get("code")), _text(choice.get("label")), weight))
        choice_codes = [c.code for c in choices]
        if len(choices) < 2:
            problems.append(f"{where} : il faut au moins deux réponses possibles.")
        elif len(set(choice_codes)) != len(choice_codes):
            problems.append(f"{where} : deux réponses ont le même code.")
        elif len({c.weight for c in choices}) < 2:
            problems.append(f"{where} : les réponses doivent avoir des poids différents.")
        questions.append(
            Question(
                code=code,
                text=_text(raw.get("text")),
                dimension=raw.get("dimension", ""),
                required=raw.get("required") is True,
                choices=tuple(choices),
                help=_text(raw.get("help")),
            )
        )
    if len(questions) > MAX_QUESTIONS:
        problems.append(f"un questionnaire compte au plus {MAX_QUESTIONS} questions.")
    question_codes = [q.code for q in questions]
    if len(set(question_codes)) != len(question_codes):
        problems.append("deux questions ont le même code.")
    for dimension in dimensions:
        if not any(q.required for q in questions if q.dimension == dimension.code):
            problems.append(
                f"dimension « {dimension.code} » : au moins une question doit être obligatoire."
            )

    orientation = data.get("orientation") or {}
    groups = []
    for raw in orientation.get("groups") or []:
        groups.append(
            OrientationGroup(
                _int(raw.get("group")) or 0, _text(raw.get("label")), _text(raw.get("advice"))
            )
        )
    if sorted(g.group for g in groups) != list(ORIENTATION_GROUPS):
        problems.append("l'orientation décrit exactement les groupes 1, 2 et 3.")
    default_group = _int(orientation.get("default_group"))
    if default_group not in ORIENTATION_GROUPS:
        problems.append("le groupe d'orientation par défaut est 1, 2 ou 3.")
    orientation_rules = []
    for index, raw in enumerate(orientation.get("rules") or [], start=1):
        where = f"règle d'orientation n° {index}"
        group = _int(raw.get("group"))
        if group not in ORIENTATION_GROUPS:
            problems.append(f"{where} : le groupe est 1, 2 ou 3.")
        when = _conditions(raw.get("when"), where, data, problems, allow_group=False)
        orientation_rules.append(OrientationRule(group or 0, when, _text(raw.get("reason"))))
    licence_held_when: tuple[Condition, ...] = ()
    if orientation.get("licence_held_when") is not None:
        licence_held_when = _conditions(
            orientation.get("licence_held_when"),
            "permis déjà obtenu (licence_held_when)",
            data,
            problems,
            allow_group=False,
        )
        if any(condition.kind != "answer" for condition in licence_held_when):
            problems.append("licence_held_when : seules des conditions de réponse y ont un sens.")

    services = data.get("services") or {}
    if not isinstance(services, dict) or not all(
        isinstance(k, str) and _text(v) for k, v in services.items()
    ):
        problems.append("« services » associe un code de service à son libellé.")
        services = {}
    recommendation_rules = []
    for index, raw in enumerate(data.get("recommendations") or [], start=1):
        where = f"règle de recommandation n° {index}"
        service = raw.get("service")
        if service not in services:
            problems.append(f"{where} : service « {service} » absent de « services ».")
        when = _conditions(raw.get("when"), where, data, problems, allow_group=True)
        recommendation_rules.append(RecommendationRule(service, when, _text(raw.get("reason"))))

    if problems:
        raise DefinitionError(problems)
    return Definition(
        version=version,
        dimensions=tuple(dimensions),
        questions=tuple(questions),
        default_group=default_group,
        groups=tuple(sorted(groups, key=lambda g: g.group)),
        orientation_rules=tuple(orientation_rules),
        services=dict(services),
        recommendation_rules=tuple(recommendation_rules),
        licence_held_when=licence_held_when,
    )


# ---- answers


def answer_problems(
    definition: Definition,
    answers: Mapping[str, str],
    *,
    version: int | None = None,
    complete: bool = True,
) -> dict[str, str]:
    """Why these answers cannot be scored, keyed by question code (empty when fine).

    `version` is the version the answers were given for (None: this one). With
    `complete=False` (a draft being filled in), missing required answers are allowed.
    """
    if version is not None and version != definition.version:
        return {
            "version": f"Ces réponses ont été données pour la version {version} du "
            f"questionnaire, pas pour la version {definition.version}."
        }
    problems: dict[str, str] = {}
    for code, choice in answers.items():
        question = definition.question(code)
        if question is not None and choice in (None, ""):
            continue  # not answered (yet)
        if question is None:
            problems[code] = f"Question « {code} » inconnue dans cette version du questionnaire."
        elif not isinstance(choice, str) or question.choice(choice) is None:
            problems[code] = f"Réponse « {choice} » inconnue pour la question « {code} »."
    if complete:
        for question in definition.questions:
            if question.required and not answers.get(question.code):
                problems[question.code] = f"Réponse obligatoire manquante : « {question.text} »"
    return problems


def _rounded(value: Fraction) -> int:
    return int(
        (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
            Decimal(1), rounding=ROUND_HALF_UP
        )
    )


def _holds(condition: Condition, scores: Mapping[str, int], answers, group: int | None) -> bool:
    if condition.kind == "score":
        value = scores[condition.target]
        return (condition.below is None or value < condition.below) and (
            condition.at_least is None or value >= condition.at_least
        )
    if condition.kind == "answer":
        return answers.get(condition.target) in condition.codes
    return group in condition.groups


def licence_held(
    definition: Definition, answers: Mapping[str, str], *, holds_licence: bool = False
) -> bool:
    """Whether the person holds the licence: the fiche says so, or one of the version's
    `licence_held_when` conditions holds on the answers."""
    return holds_licence or any(
        _holds(condition, {}, answers, None) for condition in definition.licence_held_when
    )


def score(
    definition: Definition,
    answers: Mapping[str, str],
    *,
    version: int | None = None,
    holds_licence: bool = False,
) -> Result:
    """Score complete answers. Raise AnswersError listing every problem (never a zero).

    `holds_licence`: the fiche says the person holds the licence (the orientation is then
    "sans objet", whatever the answers)."""
    problems = answer_problems(definition, answers, version=version)
    if problems:
        raise AnswersError(problems)
    answers = {code: choice for code, choice in answers.items() if choice}

    exact: dict[str, Fraction] = {}
    ranges: dict[str, int] = {}
    for dimension in definition.dimensions:
        answered = [q for q in definition.questions_of(dimension.code) if q.code in answers]
        obtained = sum(q.choice(answers[q.code]).weight - q.lowest for q in answered)
        ranges[dimension.code] = sum(q.highest - q.lowest for q in answered)
        exact[dimension.code] = Fraction(100 * obtained, ranges[dimension.code])
    total_weight = sum(d.weight for d in definition.dimensions)
    overall = sum(exact[d.code] * d.weight for d in definition.dimensions) / total_weight

    scores = {code: _rounded(value) for code, value in exact.items()}
    scores_with_overall = {**scores, OVERALL: _rounded(overall)}

    group: int | None
    if licence_held(definition, answers, holds_licence=holds_licence):
        group, reasons = None, (NOT_APPLICABLE_REASON,)
    else:
        group, reasons = definition.default_group, ()
        for rule in definition.orientation_rules:
            if all(_holds(c, scores_with_overall, answers, None) for c in rule.when):
                group, reasons = rule.group, (rule.reason,)
                break

    recommendations: dict[str, str] = {}
    for rule in definition.recommendation_rules:
        if rule.service not in recommendations and all(
            _holds(c, scores_with_overall, answers, group) for c in rule.when
        ):
            recommendations[rule.service] = rule.reason

    factors = []
    for question in definition.questions:
        if question.code not in answers:
            continue
        dimension = definition.dimension(question.dimension)
        choice = question.choice(answers[question.code])
        lost = Fraction(
            100 * (question.highest - choice.weight) * dimension.weight,
            ranges[dimension.code] * total_weight,
        )
        if lost > 0:
            factors.append(
                Factor(
                    question=question.code,
                    question_text=question.text,
                    dimension=dimension.code,
                    choice=choice.code,
                    choice_label=choice.label,
                    points_lost=(Decimal(lost.numerator) / Decimal(lost.denominator)).quantize(
                        Decimal("0.1"), rounding=ROUND_HALF_UP
                    ),
                )
            )
    factors.sort(key=lambda f: (-f.points_lost, f.question))

    return Result(
        version=definition.version,
        dimensions=scores,
        mobility_potential=scores_with_overall[OVERALL],
        orientation_group=group,
        orientation_reasons=reasons,
        recommendations=tuple(recommendations),
        recommendation_reasons=recommendations,
        explanation=tuple(factors[:EXPLANATION_SIZE]),
    )


def progress(
    *,
    entry: int | None,
    entry_dimensions: Mapping[str, int] | None,
    exit: int | None,
    exit_dimensions: Mapping[str, int] | None,
) -> Progress:
    """Exit minus entry, overall and for each dimension of the entry diagnostic.

    Without an exit (or an entry) the deltas are None; a dimension the other version
    does not have gets None too.
    """
    entry_dimensions = entry_dimensions or {}
    exit_dimensions = exit_dimensions or {}
    both = entry is not None and exit is not None
    return Progress(
        entry=entry,
        exit=exit,
        delta=exit - entry if both else None,
        dimensions={
            code: exit_dimensions[code] - value if both and code in exit_dimensions else None
            for code, value in entry_dimensions.items()
        },
    )
