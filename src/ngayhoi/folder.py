"""Plan and export into a calendar folder that remembers: reuse, minimal-change re-plan, or fresh.

:func:`export_plan` is what ``ngayhoi export`` does. The folder's state keeps
the fingerprint of the plan it exported (the plan in canonical order, and the
backend, budget and seed) and the schedule itself. Then:

* **the same plan again**: the stored schedule is reused, with no search at
  all, and nothing is written (every feed already has these bytes);
* **an edited plan**: it is re-planned against the exported schedule
  (``schedule(previous=...)``), so what did not have to move stays where
  subscribers saw it, and the report says how many events the edit moved;
* ``fresh=True``: it is planned from scratch (the events keep their UIDs
  and their SEQUENCE continues); a damaged state is set aside.

>>> import tempfile, ngayhoi
>>> folder = tempfile.mkdtemp()
>>> plan = ngayhoi.samples.two_communes_one_delegation()
>>> export_plan(plan, folder).how
'first'
>>> again = export_plan(plan, folder)
>>> again.how, again.report.written
('reused', [])
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path

import attrs

from ngayhoi._records import plain_repr
from ngayhoi.errors import ExportStateError
from ngayhoi.export.calendars import ExportReport, export_calendars
from ngayhoi.export.state import ExportState, PlanKey, load_state
from ngayhoi.model import Festival
from ngayhoi.scheduling import DEFAULT_BUDGET, Backend, Schedule, schedule
from ngayhoi.scheduling.stored import plan_digest

__all__ = ["FolderExport", "Planned", "export_plan", "plan_for_folder"]


@plain_repr
@attrs.frozen(kw_only=True, repr=False)
class Planned:
    """A schedule for a folder, and how it was got.

    Attributes:
        schedule: the schedule.
        how: ``"first"`` (the folder had no schedule), ``"reused"`` (the same
            plan and options: the stored schedule, no search), ``"replanned"``
            (an edited plan, re-planned against the stored schedule) or
            ``"fresh"`` (planned from scratch on request).
        key: the plan's digest and the scheduling options.
        previous: the stored schedule a re-plan started from.
    """

    schedule: Schedule
    how: str
    key: PlanKey
    previous: Schedule | None = None


@plain_repr
@attrs.frozen(kw_only=True, repr=False)
class FolderExport:
    """What :func:`export_plan` did: how it planned, and what the export wrote."""

    planned: Planned
    report: ExportReport

    @property
    def how(self) -> str:
        """``"first"``, ``"reused"``, ``"replanned"`` or ``"fresh"``."""
        return self.planned.how

    @property
    def moved(self) -> int:
        """How many events the edit moved (changed time), by the diff against the last export."""
        return self.report.counts.get("moved", 0)


def plan_for_folder(
    festival: Festival,
    folder: Path | str,
    *,
    backend: Backend = "auto",
    seed: int = 0,
    budget: int | None = DEFAULT_BUDGET,
    time_limit: float | None = None,
    fresh: bool = False,
    state: ExportState | None = None,
    raise_on_infeasible: bool = True,
) -> Planned:
    """The schedule an export into ``folder`` should write: reused, re-planned or fresh.

    Args:
        festival: the plan.
        folder: the export folder (its state is read; nothing is written).
        backend: as for :func:`ngayhoi.schedule`.
        seed: as for :func:`ngayhoi.schedule`.
        budget: as for :func:`ngayhoi.schedule`.
        time_limit: as for :func:`ngayhoi.schedule`.
        fresh: plan from scratch, and read past a damaged state.
        state: the folder's state if already read.
        raise_on_infeasible: as for :func:`ngayhoi.schedule`; ``False`` returns
            an infeasible schedule for the caller to explain.

    Raises:
        ExportStateError: the folder's state is damaged (unless ``fresh``).
        InfeasibleError: no schedule meets every constraint (unless
            ``raise_on_infeasible`` is false).

    >>> import tempfile, ngayhoi
    >>> plan_for_folder(ngayhoi.samples.tiny_festival(), tempfile.mkdtemp()).how
    'first'
    """
    key = PlanKey(digest=plan_digest(festival), backend=backend, budget=budget, seed=seed)
    if state is None:
        try:
            state = load_state(folder)
        except ExportStateError:
            if not fresh:
                raise
            state = ExportState()
    stored = None
    if not fresh and state.festival == festival.id and state.schedule is not None:
        same = state.plan is not None and state.plan.fingerprint == key.fingerprint
        stored = state.exported_schedule(festival, partial=not same)
        if same and stored is not None:
            return Planned(schedule=stored, how="reused", key=key)

    def search(previous: Schedule | None) -> Schedule:
        return schedule(
            festival,
            backend=backend,
            seed=seed,
            budget=budget,
            time_limit=time_limit,
            previous=previous,
            raise_on_infeasible=raise_on_infeasible,
        )

    if fresh:
        return Planned(schedule=search(None), how="fresh", key=key)
    if stored is None or not stored.slots:
        return Planned(schedule=search(None), how="first", key=key)
    return Planned(schedule=search(stored), how="replanned", key=key, previous=stored)


def export_plan(
    festival: Festival,
    folder: Path | str,
    *,
    backend: Backend = "auto",
    seed: int = 0,
    budget: int | None = DEFAULT_BUDGET,
    time_limit: float | None = None,
    fresh: bool = False,
    now: dt.datetime | None = None,
    roles: bool = True,
    commune_roles: bool | None = None,
    tasks: str = "event",
    uid_scope: str = "event",
    cancel_mark: bool = True,
    progress: Callable[[str, int, int], None] | None = None,
    accept: Callable[[Schedule], None] | None = None,
    extra_files: Callable[[Schedule], Mapping[str, bytes]] | None = None,
) -> FolderExport:
    """Plan (reusing or re-planning against the folder's last export) and export every feed.

    Args:
        festival: the plan.
        folder: the export folder.
        backend: as for :func:`ngayhoi.schedule` (part of the fingerprint).
        seed: as for :func:`ngayhoi.schedule` (part of the fingerprint).
        budget: as for :func:`ngayhoi.schedule` (part of the fingerprint).
        time_limit: as for :func:`ngayhoi.schedule` (a safety cap, not in the fingerprint).
        fresh: plan from scratch (``ngayhoi export --fresh``); a damaged state
            or journal is set aside and every feed is written again.
        now: as for :func:`~ngayhoi.export.export_calendars`.
        roles: as for :func:`~ngayhoi.export.export_calendars`.
        commune_roles: as for :func:`~ngayhoi.export.export_calendars`.
        tasks: as for :func:`~ngayhoi.export.export_calendars`.
        uid_scope: as for :func:`~ngayhoi.export.export_calendars`.
        cancel_mark: as for :func:`~ngayhoi.export.export_calendars`.
        progress: as for :func:`~ngayhoi.export.export_calendars`.
        accept: called with the schedule before anything is written, an
            infeasible one too; raise to stop the export (the command line
            explains an infeasible plan and refuses a schedule the time limit
            cut short this way). An infeasible schedule it lets pass still
            raises :class:`~ngayhoi.errors.InfeasibleError`.
        extra_files: called with the schedule; more files (plain name: bytes)
            committed with the feeds, all together or none (``schedule.json``).

    Raises:
        ExportStateError: the folder's state is damaged (unless ``fresh``).
        InfeasibleError: no schedule meets every constraint.
        ExportError: the folder cannot be written.

    >>> import attrs, pendulum, tempfile, ngayhoi
    >>> folder = tempfile.mkdtemp()
    >>> plan = ngayhoi.samples.two_communes_one_delegation()
    >>> _ = export_plan(plan, folder)
    >>> longer = attrs.evolve(plan, activities=[
    ...     attrs.evolve(a, duration=a.duration + pendulum.duration(minutes=10))
    ...     if a.id == "a.trao-thuong" else a for a in plan.activities])
    >>> edited = export_plan(longer, folder)
    >>> edited.how, edited.moved
    ('replanned', 3)
    """
    planned = plan_for_folder(
        festival,
        folder,
        backend=backend,
        seed=seed,
        budget=budget,
        time_limit=time_limit,
        fresh=fresh,
        # With ``accept``, the caller says why a plan fails (the CLI's short reasons).
        raise_on_infeasible=accept is None,
    )
    if accept is not None:
        accept(planned.schedule)
        planned.schedule.unwrap()
    report = export_calendars(
        planned.schedule,
        folder,
        now=now,
        roles=roles,
        commune_roles=commune_roles,
        tasks=tasks,
        uid_scope=uid_scope,
        cancel_mark=cancel_mark,
        progress=progress,
        plan=planned.key,
        discard_damaged=fresh,
        extra_files=extra_files(planned.schedule) if extra_files is not None else None,
    )
    return FolderExport(planned=planned, report=report)
