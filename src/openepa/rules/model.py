"""The shape of a standard file and of an EPAO specification file.

Every class here is one concept an EPAO author writes in YAML. Unknown keys are refused,
types are strict (a version written as ``1.2`` instead of ``"1.2"`` is an error, not a
silent float) and every rule carries a ``source`` saying where in the EPAO's document it
comes from. Cross-references (criterion ids, method ids, thresholds) are checked
afterwards in :mod:`openepa.rules.validate`, which sees the whole file.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    NonNegativeInt,
    PositiveInt,
    SerializerFunctionWrapHandler,
    model_serializer,
    model_validator,
)

Grade = Literal["fail", "pass", "distinction"]
CriterionKind = Literal["pass", "distinction"]
Mode = Literal["face_to_face", "remote", "recorded"]
Party = Literal["apprentice", "employer", "provider", "epao", "assessor"]
Attempt = Literal["resit", "retake"]


class Strict(BaseModel):
    """A YAML mapping whose keys are fixed and whose values are not coerced."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True)


class Source(Strict):
    """Where a rule or criterion comes from: a place in the document and, ideally, its words."""

    place: str = Field(min_length=1)
    quote: str | None = None
    document: str | None = None


class Note(Strict):
    """An inconsistency or gap in the source, and the choice this file makes about it."""

    about: str = Field(min_length=1)
    text: str = Field(min_length=1)
    choice: str = Field(min_length=1)


# --- standards -------------------------------------------------------------------------


class Ksb(Strict):
    """One knowledge, skill or behaviour statement of a standard."""

    id: str = Field(min_length=1)
    kind: Literal["knowledge", "skill", "behaviour"]
    text: str = Field(min_length=1)
    source: Source


class Area(Strict):
    """A heading of the standard that groups criteria (e.g. "Customer journey knowledge")."""

    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    kind: Literal["knowledge", "skill", "behaviour"] | None = None
    ksbs: list[str] = []
    source: Source


class StandardSource(Strict):
    """The documents a standard file was transcribed from."""

    documents: list[str] = Field(min_length=1)


class Standard(Strict):
    """An apprenticeship standard at one version, with its KSBs and areas."""

    id: str = Field(min_length=1)
    reference: str = Field(pattern=r"^ST\d{4}$")
    version: str = Field(pattern=r"^\d+\.\d+$")
    title: str = Field(min_length=1)
    level: PositiveInt
    source: StandardSource
    typical_duration_months: PositiveInt | None = None
    lars_code: PositiveInt | None = Field(
        default=None,
        description="The standard's code in the Learning Aims Reference Service, which "
        "certificate claims carry; left out until the EPAO confirms it.",
    )
    course_options: list[str] = Field(
        default=[],
        description="The standard's course options at this version, in the assessment "
        "service's words; a certificate carries one of them, or none when there are none.",
    )
    ksbs: list[Ksb] = []
    areas: list[Area] = Field(min_length=1)
    notes: list[Note] = []

    @model_serializer(mode="wrap")
    def _without_empty_options(self, handler: SerializerFunctionWrapHandler) -> Any:
        """Leave ``course_options`` out when there are none.

        A stored standard's content is fingerprinted; a standard without options so keeps the
        fingerprint it had before the field existed, and loading it again stores nothing new.
        """
        data = handler(self)
        if isinstance(data, dict) and not data.get("course_options"):
            data.pop("course_options", None)
        return data


# --- specifications --------------------------------------------------------------------


class Epao(Strict):
    """The end-point assessment organisation that publishes the specification."""

    name: str = Field(min_length=1)


class SpecSource(Strict):
    """The EPAO document a specification file was transcribed from."""

    document: str = Field(min_length=1)
    title: str = Field(min_length=1)


class GradeLabels(Strict):
    """The words an EPAO prints for each grade ("Refer" for a fail at Active IQ)."""

    fail: str = Field(min_length=1)
    pass_: str = Field(alias="pass", min_length=1)
    distinction: str = Field(min_length=1)
    source: Source


class Criterion(Strict):
    """One pass or distinction statement an assessor judges met or not met."""

    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9.\-]*$")
    kind: CriterionKind
    text: str = Field(min_length=1)
    area: str = Field(min_length=1)
    element: str | None = None
    section: str | None = None
    ksbs: list[str] = []
    source: Source


class DistinctionRule(Strict):
    """How many distinction criteria a distinction needs, on top of every pass criterion.

    ``all``: every distinction criterion. ``at_least_count``: ``value`` of them.
    ``at_least_percent``: ``value`` per cent of them, the number needed being rounded as
    ``rounding`` says (``up``: 70% of 10 needs 7, 70% of 11 needs 8).
    """

    rule: Literal["all", "at_least_count", "at_least_percent"]
    value: PositiveInt | None = None
    rounding: Literal["up"] | None = None

    @model_validator(mode="after")
    def _value_matches_rule(self) -> DistinctionRule:
        if self.rule == "all" and (self.value is not None or self.rounding is not None):
            raise ValueError("rule 'all' takes no value or rounding")
        if self.rule != "all" and self.value is None:
            raise ValueError(f"rule '{self.rule}' needs a value")
        if self.rule == "at_least_percent":
            if self.value is not None and self.value > 100:
                raise ValueError("a percentage cannot be above 100")
            if self.rounding is None:
                raise ValueError("rule 'at_least_percent' needs rounding: up")
        if self.rule == "at_least_count" and self.rounding is not None:
            raise ValueError("rule 'at_least_count' takes no rounding")
        return self


class Grading(Strict):
    """A method's (or a showcase element's) grading rule."""

    pass_: Literal["all"] = Field(alias="pass")
    distinction: DistinctionRule
    source: Source


class Exemption(Strict):
    """A showcase element that an observation checklist can replace (Active IQ)."""

    checklist: str = Field(min_length=1)
    source: Source


class Element(Strict):
    """One element of a showcase (worksheet, case study ...), judged on its own checklist."""

    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    grading: Grading
    exemption: Exemption | None = None
    source: Source


class AdditionalChecklist(Strict):
    """An extra observation checklist that, when completed, exempts a showcase element.

    Its criteria are the exempted element's criteria; the judgements are carried across.
    """

    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    exempts: str = Field(min_length=1, description="method-id/element-id")
    source: Source


class Duration(Strict):
    """How long a method (or its interview) lasts."""

    minutes: PositiveInt
    limit: Literal["target", "maximum", "minimum"] = "target"
    below_percent: NonNegativeInt = 0
    above_percent: NonNegativeInt = 0
    occasions: Literal["one", "one_or_more"] = "one"
    applies_to: str | None = None
    source: Source


class Modes(Strict):
    """How a method may be carried out."""

    allowed: list[Mode] = Field(min_length=1)
    default: Mode | None = None
    source: Source


class Order(Strict):
    """Which methods must (or should) come before this one."""

    after: list[str] = Field(min_length=1)
    strength: Literal["required", "recommended"]
    source: Source


class Method(Strict):
    """One assessment method (component) with its criteria and grading rule."""

    id: str = Field(min_length=1, pattern=r"^[a-z][a-z0-9_\-]*$")
    name: str = Field(min_length=1)
    duration: list[Duration] = []
    modes: Modes | None = None
    order: Order | None = None
    ksbs: list[str] = []
    ksbs_source: Source | None = None
    grading: Grading
    elements: list[Element] = []
    additional_checklists: list[AdditionalChecklist] = []
    criteria: list[Criterion] = Field(min_length=1)


class OverallGrading(Strict):
    """How method grades combine into the EPA grade.

    ``distinction_in_all``: any fail is a fail, a distinction in every method is a
    distinction, anything else a pass. ``table``: the first row of ``table`` whose method
    grades match (``any`` matches every grade) decides.
    """

    rule: Literal["distinction_in_all", "table"]
    table: list[dict[str, str]] = []
    weightings: dict[str, PositiveInt] = {}
    weightings_source: Source | None = None
    source: Source


class Cap(Strict):
    """The highest grade a resit or retake can give."""

    grade: Literal["pass"]
    scope: Literal["method", "overall"]
    applies_to: list[Attempt] = Field(min_length=1)
    lifted_by_exceptional_circumstances: bool = False
    source: Source


class Flag(Strict):
    """A yes/no rule with its source."""

    value: bool
    source: Source


class Amount(Strict):
    """A length of time in exactly one unit."""

    hours: PositiveInt | None = None
    days: PositiveInt | None = None
    working_days: PositiveInt | None = None
    weeks: PositiveInt | None = None
    months: PositiveInt | None = None

    @model_validator(mode="after")
    def _exactly_one_unit(self) -> Amount:
        given = [name for name, value in self.model_dump().items() if value is not None]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of hours, days, working_days, weeks, months"
                + (f" (found {', '.join(given)})" if given else "")
            )
        return self

    @property
    def unit(self) -> str:
        """The unit this amount is written in."""
        return next(name for name, value in self.model_dump().items() if value is not None)

    @property
    def value(self) -> int:
        """The number of units."""
        return int(getattr(self, self.unit))


class Period(Strict):
    """A length of time with its source (e.g. the 12-month resit limit).

    ``after`` names the event the period runs from, where the source says.
    """

    amount: Amount
    after: str | None = None
    source: Source


class Decider(Strict):
    """Who decides something, with its source."""

    party: Party
    source: Source


class Reassessment(Strict):
    """Resit and retake policy."""

    cap: Cap | None = None
    improving_a_pass_refused: Flag | None = None
    only_failed_methods: Flag | None = None
    retake_returns_to_gateway: Flag | None = None
    time_limit: Period | None = None
    project_rework: Period | None = None
    attempts_decided_by: Decider | None = None
    typical_resit: Period | None = None
    typical_retake: Period | None = None


class GatewayRequirement(Strict):
    """One gateway component: its evidence, who submits it and who reviews it.

    ``evidence: declaration`` is signed by every party in ``submitted_by``, each as
    themselves; an upload or answer is submitted by any one of them. ``uses`` names a
    requirement OpenEPA gives its own page: the portfolio of evidence (10 to 15 pieces mapped
    to KSBs), the project proposal (counted words, approved by an assessor), English and maths
    (with ``level``) or the gateway declaration.
    """

    id: str = Field(min_length=1, pattern=r"^[a-z][a-z0-9\-]*$")
    name: str = Field(min_length=1)
    description: str = Field(min_length=1)
    evidence: Literal["upload", "declaration", "answer"]
    uses: (
        Literal["portfolio", "project_proposal", "english_maths", "gateway_declaration"] | None
    ) = None
    submitted_by: list[Party] = Field(min_length=1)
    level: PositiveInt | None = None
    required: bool = True
    source: Source


class Gateway(Strict):
    """What must be in place before assessment can start."""

    minimum_on_programme: Period | None = None
    on_or_after_on_programme_end: Flag | None = None
    requirements: list[GatewayRequirement] = Field(min_length=1)


class Portfolio(Strict):
    """The portfolio of evidence that underpins a method."""

    supports: str
    min_pieces: PositiveInt | None = None
    max_pieces: PositiveInt | None = None
    excluded_types: list[str] = []
    employer_declaration: bool = False
    apprentice_declaration: bool = False
    directly_assessed: bool = False
    source: Source


class WordRange(Strict):
    """A piece of writing with a word-count range."""

    min_words: PositiveInt
    max_words: PositiveInt
    approved_by: Party | None = None
    source: Source


class Report(Strict):
    """The project report: target length, tolerance and where marking stops."""

    target_words: PositiveInt
    tolerance_percent: NonNegativeInt = 0
    marking_stops_at_words: PositiveInt | None = None
    annexes_counted: bool = False
    formats: list[str] = []
    source: Source


class Count(Strict):
    """A fixed number (e.g. exactly 10 interview questions)."""

    count: PositiveInt
    method: str
    source: Source


class Minutes(Strict):
    """A time limit in minutes inside a method (e.g. observation Q&A of at most 9 minutes)."""

    max_minutes: PositiveInt
    method: str
    source: Source


class Evidence(Strict):
    """Evidence the apprentice must provide and its limits."""

    portfolio: Portfolio | None = None
    project_proposal: WordRange | None = None
    project_report: Report | None = None
    interview_questions: Count | None = None
    observation_questioning: Minutes | None = None


class TimeRule(Strict):
    """EVENT must happen [at least | at most] AMOUNT before/after ANCHOR.

    Events are named in :data:`openepa.rules.validate.EVENTS`; ``assessment:METHOD`` and
    ``booking:METHOD`` name one method's assessment or booking.
    """

    id: str = Field(min_length=1, pattern=r"^[a-z][a-z0-9\-]*$")
    name: str = Field(min_length=1)
    event: str = Field(min_length=1)
    before: str | None = None
    after: str | None = None
    at_least: Amount | None = None
    at_most: Amount | None = None
    source: Source

    @model_validator(mode="after")
    def _one_anchor(self) -> TimeRule:
        if (self.before is None) == (self.after is None):
            raise ValueError("give exactly one of before or after")
        if self.at_least is not None and self.at_most is not None:
            raise ValueError("give at most one of at_least or at_most")
        return self


class Question(Strict):
    """One question of a bank."""

    number: PositiveInt
    text: str = Field(min_length=1)
    kind: CriterionKind | None = None
    criteria: list[str] = []
    area: str | None = None


class QuestionBank(Strict):
    """Questions a source gives for a method (set questions, or examples for mocks)."""

    id: str = Field(min_length=1, pattern=r"^[a-z][a-z0-9\-]*$")
    name: str = Field(min_length=1)
    method: str
    element: str | None = None
    use: Literal["set", "bank", "examples"]
    source: Source
    questions: list[Question] = Field(min_length=1)


class Policy(Strict):
    """A rule the software shows to people but does not compute (ID checks, use of AI ...)."""

    id: str = Field(min_length=1, pattern=r"^[a-z][a-z0-9\-]*$")
    name: str = Field(min_length=1)
    text: str = Field(min_length=1)
    source: Source


class JourneyStep(Strict):
    """One step of the EPAO's chain of events from notification to certificate."""

    number: PositiveInt
    text: str = Field(min_length=1)


class Journey(Strict):
    """The EPAO's own numbered chain of events (Active IQ lists 14)."""

    steps: list[JourneyStep] = Field(min_length=1)
    source: Source


class Specification(Strict):
    """One EPAO's specification of the end-point assessment of one standard version."""

    id: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9\-]*$")
    title: str = Field(min_length=1)
    epao: Epao
    standard: str = Field(pattern=r"^ST\d{4}$")
    version: str = Field(pattern=r"^\d+\.\d+$")
    source: SpecSource
    grade_labels: GradeLabels
    methods: list[Method] = Field(min_length=1)
    overall: OverallGrading
    reassessment: Reassessment = Reassessment()
    gateway: Gateway
    evidence: Evidence = Evidence()
    time_rules: list[TimeRule] = []
    question_banks: list[QuestionBank] = []
    policies: list[Policy] = []
    journey: Journey | None = None
    notes: list[Note] = []
