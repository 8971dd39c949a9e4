"""The whole exception tree of ngayhoi.

Every error names what was wrong (the item and its id), the value, what was
expected and how to fix it. Bad input is a :class:`PlanError` (also a
:class:`ValueError`); a plan that is well formed but cannot be carried out is
an :class:`InfeasibleError`; writing files fails with an :class:`ExportError`.

>>> try:
...     raise UnknownReferenceError(item_kind="site", item_id="long-hoa.ubnd", ref_kind="unit",
...                                 ref="long-hooa", valid=["long-hoa", "long-khe"])
... except PlanError as err:
...     print(err)
site 'long-hoa.ubnd': unknown unit 'long-hooa'; did you mean 'long-hoa'? ...
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Self

if TYPE_CHECKING:
    from ngayhoi.diagnostics import Violation
    from ngayhoi.scheduling.result import Schedule

__all__ = [
    "DependencyCycleError",
    "ExportError",
    "ExportStateError",
    "InfeasibleError",
    "NaiveDatetimeError",
    "NgayhoiError",
    "NotScheduledError",
    "PlanError",
    "PlanErrors",
    "Said",
    "ScheduleFileError",
    "UnitNotValidError",
    "UnknownActivityError",
    "UnknownReferenceError",
    "render",
]

_MAX_LISTED = 12


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for a marked, untranslated text
    """Mark ``message`` for the catalogue without translating it now (``_(word)`` later).

    The one marker: :mod:`ngayhoi.i18n` gives it on, for the modules above this one.

    >>> N_("the horizon")
    'the horizon'
    """
    return message


class Said(str):
    """An English message that keeps its template and values, to be said again in another language.

    It is the English text everywhere a ``str`` is; the command line looks the
    ``template`` up in its catalogue and fills in the ``values``. A message
    built this way marks its template with ``N_`` where it is written.

    >>> msg = Said("unknown key '{key}'", key="nmae")
    >>> msg, msg.template, msg.values
    ("unknown key 'nmae'", "unknown key '{key}'", {'key': 'nmae'})
    >>> msg.say(lambda t: t.replace("unknown key", "không có khóa"))
    "không có khóa 'nmae'"
    """

    __slots__ = ("template", "values")
    template: str
    values: dict[str, object]

    def __new__(cls, template: str, /, **values: object) -> Self:
        """The message ``template.format(**values)``, keeping both."""
        said = super().__new__(cls, template.format(**values))
        said.template = template
        said.values = values
        return said

    def __reduce__(self) -> tuple[Callable[..., Said], tuple[str, dict[str, object]]]:
        """Pickled and copied as its template and values (its text may hold braces)."""
        return _remade, (self.template, self.values)

    def say(self, translate: Callable[[str], str]) -> str:
        """The message with its template translated by ``translate`` (a gettext)."""
        return translate(self.template).format(**self.values)

    @classmethod
    def joined(cls, items: Iterable[str], separator: str = "; ") -> Self:
        """``items`` joined by ``separator``, each one (a :class:`Said` too) said again apart.

        >>> both = Said.joined([Said("unit {id}", id="a"), "b"])
        >>> both, both.values
        ('unit a; b', {'item0': 'unit a', 'item1': 'b'})
        """
        values = {f"item{k}": item for k, item in enumerate(items)}
        template = (
            separator.replace("{", "{{")
            .replace("}", "}}")
            .join("{" + name + "}" for name in values)
        )
        return cls(template, **values)


def _remade(template: str, values: dict[str, object]) -> Said:
    return Said(template, **values)


class NgayhoiError(Exception):
    """Base class of every error ngayhoi raises on purpose."""


class PlanError(NgayhoiError, ValueError):
    """The plan is malformed: a bad value, a duplicate or unknown id, a bad unit.

    The message names the item, the value, what was expected and how to fix it.
    The parts are fields too, so a plan-file reader locates the error by them
    (``kind`` and ``item`` find the table, ``field`` the key), never by its text:

    Attributes:
        kind: what is wrong (``"activity"``, ``"resource"``, ``"argument"``, ...), or ``None``.
        item: the id of that item (or the argument's name), or ``None``.
        field: the field or key that holds the bad value, or ``None``.
        value: the bad value (:data:`NO_VALUE` when none is known).
        expected: what was expected, in words.
        hint: how to fix it.

    Without a message, it is rendered from the fields:

    >>> err = PlanError(kind="resource", item="loa", field="capacity", value=10**9,
    ...                 expected="a whole number from 1 to 10000", hint="lower it")
    >>> print(err)
    resource 'loa': capacity 1000000000: expected a whole number from 1 to 10000; lower it
    >>> err.field, err.value
    ('capacity', 1000000000)
    """

    def __init__(
        self,
        message: str | None = None,
        *,
        kind: str | None = None,
        item: str | None = None,
        field: str | None = None,
        value: object = None,
        expected: str | None = None,
        hint: str | None = None,
    ) -> None:
        """Keep the parts; render the message from them unless one is given."""
        self.kind = kind
        self.item = item
        self.field = field
        self.value = value
        self.expected = expected
        self.hint = hint
        if message is None:
            message = render(kind, item, field, value, expected, hint)
        super().__init__(message)


class PlanErrors(PlanError):  # noqa: N818 - several errors: the plural says it
    """Several independent errors of one plan, found in one pass; the first is the message.

    Its fields (``kind``, ``item``, ``field``, ...) are those of the first error, so
    code that handles one :class:`PlanError` handles this one too.

    Attributes:
        errors: every error, in the order they were found.

    >>> both = PlanErrors([PlanError("site 's': bad unit", kind="site", item="s", field="unit"),
    ...                    PlanError("activity 'a': bad site", kind="activity", item="a")])
    >>> print(both)
    site 's': bad unit
    >>> len(both.errors), both.field
    (2, 'unit')
    """

    def __init__(self, errors: Sequence[PlanError]) -> None:
        """Keep the errors; say the first."""
        if not errors:
            msg = "PlanErrors needs at least one error"
            raise ValueError(msg)
        self.errors = tuple(errors)
        first = self.errors[0]
        super().__init__(
            str(first),
            kind=first.kind,
            item=first.item,
            field=first.field,
            value=first.value,
            expected=first.expected,
            hint=first.hint,
        )


def render(  # noqa: PLR0917 - the parts of a message
    kind: str | None,
    item: str | None,
    field: str | None,
    value: object,
    expected: str | None,
    hint: str | None,
) -> str:
    """The English message of a :class:`PlanError` from its parts.

    >>> render("argument", "seed", None, "x", "a whole number", "e.g. seed=0")
    "argument 'seed': 'x': expected a whole number; e.g. seed=0"
    """
    head = f"{kind} '{item}'" if kind and item is not None else (kind or "")
    what = " ".join(p for p in (field or "", repr(value) if value is not None else "") if p)
    text = ": ".join(p for p in (head, what) if p)
    if expected:
        text = f"{text}: expected {expected}" if text else f"expected {expected}"
    return f"{text}; {hint}" if hint else text


class UnknownReferenceError(PlanError):
    """An item refers to an id that the festival does not hold.

    Attributes:
        item_kind: what refers (``"activity"``, ``"site"``, ...).
        item_id: the id of the item that refers.
        ref_kind: what kind of thing was referred to.
        ref: the unknown id.
        valid: the ids that exist, sorted.
        suggestions: the closest valid ids.

    >>> err = UnknownReferenceError(item_kind="activity", item_id="a1", ref_kind="site",
    ...                             ref="ubnd-x", valid=["ubnd-xa"])
    >>> err.suggestions
    ('ubnd-xa',)
    """

    def __init__(
        self,
        *,
        item_kind: str,
        item_id: str,
        ref_kind: str,
        ref: str,
        valid: Iterable[str] = (),
        field: str | None = None,
    ) -> None:
        """Build the message from the parts; ``valid`` lists the ids that exist.

        ``field`` names the field of the item that holds the reference, when known.
        """
        valid_ids = sorted(set(valid))
        self.item_kind = item_kind
        self.item_id = item_id
        self.ref_kind = ref_kind
        self.ref = ref
        self.valid = tuple(valid_ids)
        self.suggestions = tuple(difflib.get_close_matches(ref, valid_ids, n=3, cutoff=0.75))
        hint = ""
        if self.suggestions:
            hint = "; did you mean " + " or ".join(f"'{s}'" for s in self.suggestions) + "?"
        elif not valid_ids:
            hint = f"; no {ref_kind} is defined yet: add it first"
        listed = _list_ids(valid_ids)
        tail = f" (valid: {listed})" if valid_ids else ""
        super().__init__(
            f"{item_kind} '{item_id}': unknown {ref_kind} '{ref}'{hint}{tail}",
            kind=item_kind,
            item=item_id,
            field=field,
            value=ref,
            expected=f"the id of a {ref_kind} the plan holds",
            hint=hint.removeprefix("; ") or None,
        )


class UnknownActivityError(UnknownReferenceError, KeyError):
    """A schedule has no slot for that id: both a :class:`PlanError` and a ``KeyError``."""

    __str__ = Exception.__str__


class UnitNotValidError(PlanError):
    """An administrative unit is used on a date when it did not exist.

    Units changed on 1/7/2025 (17 Cần Đước units became 6 xã): a plan is
    checked against the units valid on its dates.
    """


class DependencyCycleError(PlanError):
    """The dependencies form a cycle that no schedule can satisfy.

    Attributes:
        cycle: the activity ids around the cycle, in order.
        titles: their titles, in the same order.
    """

    def __init__(self, cycle: Sequence[str], titles: Sequence[str], detail: str = "") -> None:
        """Name the cycle by titles (and ids) in order, the first again at the end.

        The message is a :class:`Said` of its parts (the titles and ``detail`` may be too).

        >>> err = DependencyCycleError(["a", "b"], ["A", "B"], "the lags add up to 5 min")
        >>> print(err)
        dependency cycle: A [a] → B [b] → A [a] (the lags add up to 5 min); remove one of \
these dependencies or lower its lag
        >>> err.args[0].values["path"].template
        '{item0} → {item1} → {item2}'
        """
        self.cycle = tuple(cycle)
        self.titles = tuple(titles)
        pairs = list(zip(self.cycle, self.titles, strict=True))
        path = Said.joined(
            (Said(N_("{title} [{id}]"), title=t, id=i) for i, t in [*pairs, *pairs[:1]]),
            " → ",
        )
        if detail:
            template = N_(
                "dependency cycle: {path} ({detail}); "
                "remove one of these dependencies or lower its lag"
            )
            message = Said(template, path=path, detail=detail)
        else:
            template = N_(
                "dependency cycle: {path}; remove one of these dependencies or lower its lag"
            )
            message = Said(template, path=path)
        super().__init__(message)


class InfeasibleError(NgayhoiError):
    """The plan is well formed but no schedule meets every constraint.

    Attributes:
        violations: every constraint that could not be met, by name.
        schedule: the best (partial) schedule the backend found, with its
            status and violations, or ``None`` when none was given.
    """

    def __init__(
        self,
        message: str,
        violations: Sequence[Violation] = (),
        schedule: Schedule | None = None,
    ) -> None:
        """Keep the violations and the schedule; the message lists the violations one per line.

        The message is a :class:`Said` of ``message`` and each violation's message, so
        the command line says it again in its language.

        >>> from ngayhoi.diagnostics import Violation
        >>> late = Violation(rule="window", activities=(), message=Said("too {x}", x="late"))
        >>> err = InfeasibleError(Said("no times"), [late])
        >>> print(err)
        no times
          - too late
        >>> err.args[0].values
        {'item0': 'no times', 'item1': 'too late'}
        """
        self.violations = tuple(violations)
        self.schedule = schedule
        lines = [message, *(v.message for v in self.violations)]
        super().__init__(Said.joined(lines, "\n  - "))


class ExportError(NgayhoiError):
    """Writing calendars, run sheets or other files failed."""


class ExportStateError(ExportError):
    """An export folder's state (or journal) is damaged, foreign or of a newer ngayhoi.

    The message names the file, what is wrong in it and how to recover
    (``ngayhoi export --fresh``, which re-plans and rewrites the folder's state).
    """


class ScheduleFileError(PlanError):
    """A saved schedule cannot be read; the message names the file.

    It is of another format or a newer version, damaged, or made for another
    plan (it names activities the plan does not have).
    """


class NotScheduledError(ExportError):
    """An exporter was given a schedule without a feasible time for every activity.

    ``ngayhoi.schedule(..., raise_on_infeasible=False)`` returns such schedules;
    check ``schedule.feasible`` before exporting.
    """


class NaiveDatetimeError(PlanError):
    """A datetime without a time zone was given where an instant is meant."""


def _list_ids(ids: Sequence[str]) -> str:
    shown = ", ".join(ids[:_MAX_LISTED])
    if len(ids) > _MAX_LISTED:
        shown += f", ... ({len(ids) - _MAX_LISTED} more)"
    return shown
