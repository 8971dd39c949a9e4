"""What changed between two plans, for whom: per commune, delegation and role.

>>> import attrs, ngayhoi
>>> from ngayhoi.samples import tiny_festival
>>> before = ngayhoi.schedule(tiny_festival())
>>> fest = before.festival
>>> later = attrs.evolve(fest, activities=[
...     attrs.evolve(fest.activities[0],
...                  fixed_start=fest.activities[0].fixed_start.add(minutes=30)),
...     fest.activities[1]])
>>> print(diff(before, ngayhoi.schedule(later)).text())  # doctest: +NORMALIZE_WHITESPACE
Xã Long Hòa (commune-x):
  - moved: Lễ chào cờ – Long Hòa, 06/08 07:30–07:35 → 06/08 08:00–08:05
  - moved: Báo cáo đánh giá phong trào – Long Hòa, 06/08 07:37–07:52 → 06/08 08:07–08:22
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

import attrs

from ngayhoi.export.ics import CalendarEvent, Feed, calendar_events, standard_feeds
from ngayhoi.scheduling.result import Schedule
from ngayhoi.text import terminal_text

__all__ = ["Change", "PlanDiff", "diff", "diff_events"]

_ORDER = {"commune": 0, "delegation": 1, "role": 2, "master": 3}


@attrs.frozen(kw_only=True)
class Change:
    """One event that changed, and how.

    Attributes:
        kind: ``"added"``, ``"cancelled"``, ``"moved"`` (its time), ``"relocated"``
            (its place), ``"resources"`` (its delegation), ``"renamed"`` or ``"edited"``.
        uid: the event's UID.
        before: the event as it was (``None`` when added).
        after: the event as it is now (``None`` when cancelled).
        feeds: the ids of the feeds it concerns, before and after.
    """

    kind: str
    uid: str
    before: CalendarEvent | None
    after: CalendarEvent | None
    feeds: tuple[str, ...]

    @property
    def summary(self) -> str:
        """The event's title."""
        event = self.after or self.before
        return event.summary if event else self.uid

    def describe(self) -> str:
        r"""One line for a person: plan text in it is kept on the line (:func:`terminal_text`).

        >>> import datetime as dt
        >>> event = CalendarEvent(uid="u", kind="task", summary="Họp\nEND:VEVENT",
        ...                       start=dt.date(2023, 8, 1))
        >>> Change(kind="added", uid="u", before=None, after=event, feeds=()).describe()
        'added: Họp END:VEVENT, 01/08/2023'
        """
        return terminal_text(self._describe())

    def _describe(self) -> str:
        a, b = self.before, self.after
        if self.kind == "moved" and a and b:
            also = ""
            if a.location != b.location:
                also += f"; now at {b.location}"
            if a.resources != b.resources:
                also += f"; delegation {', '.join(b.resources) or 'none'}"
            return f"moved: {self.summary}, {_when(a)} → {_when(b)}{also}"
        if self.kind == "relocated" and a and b:
            return f"relocated: {self.summary}, {a.location} → {b.location}"
        if self.kind == "resources" and a and b:
            old = ", ".join(a.resources) or "no delegation"
            new = ", ".join(b.resources) or "no delegation"
            return f"delegation changed: {self.summary}, {old} → {new}"
        if self.kind == "added" and b:
            return f"added: {self.summary}, {_when(b)}"
        if self.kind == "cancelled" and a:
            return f"cancelled: {self.summary}, was {_when(a)}"
        return f"{self.kind}: {self.summary}"

    def to_json(self) -> dict[str, object]:
        """The change as plain data."""
        return {
            "kind": self.kind,
            "uid": self.uid,
            "summary": self.summary,
            "feeds": list(self.feeds),
            "before": None if self.before is None else self.before.to_json(),
            "after": None if self.after is None else self.after.to_json(),
        }


def _when(event: CalendarEvent) -> str:
    start = event.start
    if isinstance(start, dt.datetime):
        end = event.end.strftime("%H:%M") if event.end else ""
        return f"{start.strftime('%d/%m %H:%M')}–{end}"
    return start.strftime("%d/%m/%Y")


@attrs.frozen(kw_only=True)
class PlanDiff:
    """Every change between two plans, and the feeds (people) each concerns.

    Attributes:
        changes: the changes, in a stable order.
        feeds: every feed concerned, by id.
    """

    changes: tuple[Change, ...]
    feeds: Mapping[str, Feed]

    def __bool__(self) -> bool:
        """Whether anything changed."""
        return bool(self.changes)

    def for_feed(self, feed_id: str) -> list[Change]:
        """The changes one feed's subscribers will see."""
        return [c for c in self.changes if feed_id in c.feeds]

    def counts(self) -> dict[str, int]:
        """How many changes of each kind."""
        out: dict[str, int] = {}
        for change in self.changes:
            out[change.kind] = out.get(change.kind, 0) + 1
        return out

    def text(self, *, kinds: Iterable[str] = ("commune", "delegation", "role")) -> str:
        """The changes grouped by whom they concern: communes, then delegations, then roles."""
        wanted = set(kinds)
        blocks = []
        ordered = sorted(self.feeds.values(), key=lambda f: (_ORDER.get(f.kind, 9), f.id))
        for feed in ordered:
            if feed.kind not in wanted:
                continue
            lines = [f"  - {c.describe()}" for c in self.for_feed(feed.id)]
            if lines:
                who = terminal_text(feed.name.rsplit(" – ", 1)[-1])
                blocks.append(f"{who} ({feed.id}):\n" + "\n".join(lines))
        return "\n".join(blocks) if blocks else "no changes"

    def to_json(self) -> dict[str, object]:
        """The diff as plain data: the changes and, per feed, the UIDs that changed."""
        return {
            "changes": [c.to_json() for c in self.changes],
            "by_feed": {
                fid: [c.uid for c in self.for_feed(fid)]
                for fid in sorted(self.feeds)
                if self.for_feed(fid)
            },
            "counts": self.counts(),
        }


def _kind(before: CalendarEvent, after: CalendarEvent) -> str | None:
    # Digests, not ==: attrs equality holds for 10 and 10.0, whose digests (and so
    # SEQUENCE) differ, and the diff must say what subscribers will see.
    if before.fingerprint() == after.fingerprint():
        return None
    tests = (
        ("cancelled", after.cancelled and not before.cancelled),
        ("moved", (before.start, before.end) != (after.start, after.end)),
        ("relocated", before.location != after.location),
        ("resources", before.resources != after.resources),
        ("renamed", before.summary != after.summary),
    )
    return next((kind for kind, hit in tests if hit), "edited")


def diff_events(
    old: Mapping[str, CalendarEvent],
    old_feeds: Mapping[str, Feed],
    new: Mapping[str, CalendarEvent],
    new_feeds: Mapping[str, Feed],
) -> PlanDiff:
    """Compare two sets of events and the feeds that show them.

    A visit that moves from one delegation's feed to another concerns both.

    >>> diff_events({}, {}, {}, {}).changes
    ()
    """
    membership: dict[str, set[str]] = {}
    for feeds in (old_feeds, new_feeds):
        for feed in feeds.values():
            for uid in feed.uids:
                membership.setdefault(uid, set()).add(feed.id)
    changes = []
    for uid in [*new, *(u for u in old if u not in new)]:
        before, after = old.get(uid), new.get(uid)
        if before is None and after is not None:
            kind: str | None = "added"
        elif after is None or (after.cancelled and before is not None and not before.cancelled):
            kind = None if before is None or before.cancelled else "cancelled"
            after = None
        else:
            assert before is not None  # noqa: S101 - both present here
            kind = _kind(before, after)
        if kind is None:
            continue
        changes.append(
            Change(
                kind=kind,
                uid=uid,
                before=before,
                after=after,
                feeds=tuple(sorted(membership.get(uid, ()))),
            )
        )
    feeds = {**old_feeds, **new_feeds}
    return PlanDiff(changes=tuple(changes), feeds=feeds)


def diff(old: Schedule, new: Schedule) -> PlanDiff:
    """What changed from one schedule to another, for whom.

    Activities and tasks are matched by their stable UID, so a renamed,
    moved or re-staffed activity is a change, not a removal and an addition.

    >>> import ngayhoi
    >>> same = ngayhoi.schedule(ngayhoi.samples.tiny_festival())
    >>> bool(diff(same, same))
    False
    """
    return diff_events(
        calendar_events(old),
        {f.id: f for f in standard_feeds(old)},
        calendar_events(new),
        {f.id: f for f in standard_feeds(new)},
    )
