"""What changed between two plans, for whom: a notice per commune, delegation and role.

:meth:`PlanDiff.text` reads like a notice, in Vietnamese (``lang="en"``: in
English): a summary first, one line per person's calendar ("Đoàn 2 BCĐ 138
huyện: 1 dời giờ, 1 hủy"), then every changed event once, with the feeds it
is in. :meth:`PlanDiff.to_json`
is the same for tools (``ngayhoi diff --json``): stable keys, feeds and events
by id.

>>> import attrs, ngayhoi
>>> from ngayhoi.samples import tiny_festival
>>> before = ngayhoi.schedule(tiny_festival())
>>> fest = before.festival
>>> later = attrs.evolve(fest, activities=[
...     attrs.evolve(fest.activities[0],
...                  fixed_start=fest.activities[0].fixed_start.add(minutes=30)),
...     fest.activities[1]])
>>> print(diff(before, ngayhoi.schedule(later)).text())
Tóm tắt: 2 thay đổi (2 dời giờ)
  Xã Long Hòa: 2 dời giờ
Chi tiết:
  1. Dời giờ: Lễ chào cờ – Long Hòa, 06/08 07:30–07:35 → 06/08 08:00–08:05
     Lịch: commune-x, master
  2. Dời giờ: Báo cáo đánh giá phong trào – Long Hòa, 06/08 07:37–07:52 → 06/08 08:07–08:22
     Lịch: commune-x, master
>>> print(diff(before, ngayhoi.schedule(later)).text(lang="en").splitlines()[0])
Summary: 2 changes (2 moved)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

import attrs

from ngayhoi._records import plain_repr
from ngayhoi.export.events import CalendarEvent, calendar_events
from ngayhoi.export.feeds import Feed, standard_feeds
from ngayhoi.i18n import N_, Translator, speaking
from ngayhoi.scheduling.result import Schedule
from ngayhoi.text import terminal_text

__all__ = ["DIFF_FORMAT", "KINDS", "Change", "PlanDiff", "diff", "diff_events"]

#: The ``format`` and ``version`` of :meth:`PlanDiff.to_json`.
DIFF_FORMAT = ("ngayhoi-diff", 1)

#: Every kind of change, in the order a notice counts them, with its word in
#: the summary ("1 moved", Vietnamese "1 dời giờ") and at the head of a detail
#: line ("Moved: ...", "Dời giờ: ..."), in English: the notice says them in its
#: language through the catalogue.
KINDS: Mapping[str, tuple[str, str]] = {
    "moved": (N_("moved"), N_("Moved")),
    "relocated": (N_("relocated"), N_("Relocated")),
    "resources": (N_("delegation changed"), N_("Delegation changed")),
    "renamed": (N_("renamed"), N_("Renamed")),
    "edited": (N_("content edited"), N_("Content edited")),
    "form": (N_("form changed"), N_("Form changed")),
    "added": (N_("added"), N_("Added")),
    "restored": (N_("restored"), N_("Restored")),
    "cancelled": (N_("cancelled"), N_("Cancelled")),
}

_ORDER = {"commune": 0, "delegation": 1, "person": 2, "commune-role": 3, "role": 4, "master": 5}
_PEOPLE = ("commune", "delegation", "person", "commune-role", "role")


@plain_repr
@attrs.frozen(kw_only=True, repr=False)
class Change:
    """One event that changed, and how.

    Attributes:
        kind: one of :data:`KINDS`: ``"added"``, ``"cancelled"``, ``"moved"`` (its
            time), ``"relocated"`` (its place), ``"resources"`` (its delegation),
            ``"renamed"``, ``"restored"`` (cancelled before, back now), ``"form"``
            (a preparation task switched between all-day event and to-do) or
            ``"edited"`` (anything else subscribers see: a description, a note).
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

    def describe(self, *, lang: str = "vi") -> str:
        r"""One line for a person, in Vietnamese (or ``lang``); plan text in it is kept on the line.

        >>> import datetime as dt
        >>> event = CalendarEvent(uid="u", kind="task", summary="Họp\nEND:VEVENT",
        ...                       start=dt.date(2023, 8, 1))
        >>> added = Change(kind="added", uid="u", before=None, after=event, feeds=())
        >>> added.describe()
        'Thêm: Họp END:VEVENT, 01/08/2023'
        >>> added.describe(lang="en")
        'Added: Họp END:VEVENT, 2023-08-01'
        """
        return terminal_text(self._describe(speaking(lang)))

    def _describe(self, words: Translator) -> str:
        a, b = self.before, self.after
        _ = words.gettext
        head = _(KINDS[self.kind][1]) if self.kind in KINDS else self.kind.capitalize()
        rest = ""
        if self.kind == "moved" and a and b:
            rest = f", {_when(a, words)} → {_when(b, words)}"
            if a.location != b.location:
                rest += _("; now at {place}").format(place=b.location)
            if a.resources != b.resources:
                rest += _("; delegations attending: {names}").format(
                    names=", ".join(b.resources) or _("none")
                )
        elif self.kind == "relocated" and a and b:
            rest = f", {a.location} → {b.location}"
        elif self.kind == "resources" and a and b:
            old = ", ".join(a.resources) or _("no delegation")
            rest = f", {old} → {', '.join(b.resources) or _('no delegation')}"
        elif self.kind == "renamed" and a and b:
            return f"{head}: {a.summary} → {b.summary}"
        elif self.kind == "form" and b:
            form = _("a to-do") if b.kind == "todo" else _("an all-day event")
            rest = _(", now {form}, {when}").format(form=form, when=_when(b, words))
        elif self.kind in {"added", "restored"} and b:
            rest = f", {_when(b, words)}"
        elif self.kind == "cancelled" and a:
            rest = _(", formerly {when}").format(when=_when(a, words))
        return f"{head}: {self.summary}{rest}"

    def to_json(self) -> dict[str, object]:
        """The change as plain data (see :meth:`PlanDiff.to_json`)."""
        return {
            "kind": self.kind,
            "uid": self.uid,
            "feeds": list(self.feeds),
            "before": None if self.before is None else self.before.to_json(),
            "after": None if self.after is None else self.after.to_json(),
        }


def _when(event: CalendarEvent, words: Translator) -> str:
    """When an event is: day and month in Vietnamese ("06/08 07:30–07:35"), ISO in English."""
    english = words.language == "en"
    start = event.start
    if isinstance(start, dt.datetime):
        end = event.end.strftime("%H:%M") if event.end else ""
        return f"{start.strftime('%Y-%m-%d %H:%M' if english else '%d/%m %H:%M')}–{end}"
    return start.isoformat() if english else start.strftime("%d/%m/%Y")


def _counted(counts: Mapping[str, int], words: Translator) -> str:
    """The counts in :data:`KINDS` order, as a notice says them: "1 dời giờ, 1 hủy"."""
    known = [k for k in KINDS if counts.get(k)]
    others = sorted(k for k in counts if k not in KINDS and counts[k])
    return ", ".join(
        f"{counts[k]} {words.gettext(KINDS[k][0]) if k in KINDS else k}" for k in known + others
    )


@plain_repr
@attrs.frozen(kw_only=True, repr=False)
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

    def by_feed(self) -> dict[str, list[Change]]:
        """The changes each feed's subscribers will see, by feed id (one pass over the changes).

        >>> PlanDiff(changes=(), feeds={}).by_feed()
        {}
        """
        out: dict[str, list[Change]] = {}
        for change in self.changes:
            for fid in change.feeds:
                out.setdefault(fid, []).append(change)
        return out

    def counts(self) -> dict[str, int]:
        """How many changes of each kind."""
        return _counts(self.changes)

    def text(self, *, kinds: Iterable[str] = _PEOPLE, lang: str = "vi") -> str:
        """The notice: a summary line per feed of ``kinds``, then each change once.

        The notice speaks Vietnamese, or English with ``lang="en"`` (the
        event titles and the people's names are the plan's own).

        ``kinds`` are feed kinds: ``"commune"``, ``"delegation"``,
        ``"person"`` (a named person), ``"commune-role"`` (a role in one
        commune), ``"role"`` (a role across every host) and ``"master"``.
        The details list the changes that concern at least one of those
        feeds, each with the ids of every feed it is in.

        >>> print(PlanDiff(changes=(), feeds={}).text())
        Không có thay đổi.
        >>> print(PlanDiff(changes=(), feeds={}).text(lang="en"))
        No changes.
        """
        words = speaking(lang)
        _ = words.gettext
        wanted = set(kinds)
        grouped = self.by_feed()
        ordered = sorted(
            (f for fid, f in self.feeds.items() if fid in grouped and f.kind in wanted),
            key=_place,
        )
        shown = {f.id for f in ordered}
        changes = [c for c in self.changes if shown.intersection(c.feeds)]
        if not changes:
            return _("No changes.")
        summary = words.ngettext(
            "Summary: {count} change ({counts})",
            "Summary: {count} changes ({counts})",
            len(changes),
        )
        lines = [summary.format(count=len(changes), counts=_counted(_counts(changes), words))]
        lines += [
            f"  {terminal_text(feed.who)}: {_counted(_counts(grouped[feed.id]), words)}"
            for feed in ordered
        ]
        lines.append(_("Details:"))
        width = len(str(len(changes)))
        for number, change in enumerate(changes, start=1):
            lines.append(f"  {number:>{width}}. {change.describe(lang=lang)}")
            calendars = _("Calendars: {ids}").format(ids=", ".join(change.feeds))
            lines.append(f"  {'':>{width}}  {calendars}")
        return "\n".join(lines)

    def to_json(self) -> dict[str, object]:
        """The diff as plain data, for tools: ``ngayhoi diff --json`` prints it.

        The keys are stable (``format`` and ``version`` are :data:`DIFF_FORMAT`):
        ``counts`` (changes per kind), ``feeds`` (per feed id with changes:
        its ``kind``, ``subject`` id, ``counts`` and changed ``uids``),
        ``by_feed`` (feed id → changed UIDs) and ``changes`` (each once:
        ``kind``, ``uid``, ``feeds`` by id, and the event ``before`` and
        ``after``). Feeds and events are named by id, never by their titles.

        >>> data = PlanDiff(changes=(), feeds={}).to_json()
        >>> sorted(data), data["format"], data["version"]
        (['by_feed', 'changes', 'counts', 'feeds', 'format', 'version'], 'ngayhoi-diff', 1)
        """
        grouped = self.by_feed()
        feeds = {}
        for fid in sorted(grouped):
            feed = self.feeds.get(fid)
            feeds[fid] = {
                "kind": None if feed is None else feed.kind,
                "subject": None if feed is None else feed.subject,
                "counts": _counts(grouped[fid]),
                "uids": [c.uid for c in grouped[fid]],
            }
        return {
            "format": DIFF_FORMAT[0],
            "version": DIFF_FORMAT[1],
            "counts": self.counts(),
            "feeds": feeds,
            "by_feed": {fid: entry["uids"] for fid, entry in feeds.items()},
            "changes": [c.to_json() for c in self.changes],
        }


def _place(feed: Feed) -> tuple[int, str, str]:
    """Where a feed's line goes in the summary: by kind, then by id (never by name).

    A commune's role feeds (``role-<role>.<unit>``) go together, by the unit.
    """
    unit = feed.id.rsplit(".", 1)[-1] if feed.kind == "commune-role" else ""
    return _ORDER.get(feed.kind, 9), unit, feed.id


def _counts(changes: Iterable[Change]) -> dict[str, int]:
    out: dict[str, int] = {}
    for change in changes:
        out[change.kind] = out.get(change.kind, 0) + 1
    return out


def _kind(before: CalendarEvent, after: CalendarEvent) -> str | None:
    # Digests, not ==: attrs equality holds for 10 and 10.0, whose digests (and so
    # SEQUENCE) differ, and the diff must say what subscribers will see.
    if before.fingerprint() == after.fingerprint():
        return None
    tests = (
        ("cancelled", after.cancelled and not before.cancelled),
        ("restored", before.cancelled and not after.cancelled),
        ("moved", (before.start, before.end) != (after.start, after.end)),
        ("relocated", before.location != after.location),
        ("resources", before.resources != after.resources),
        ("renamed", before.summary != after.summary),
        ("form", before.kind != after.kind and {before.kind, after.kind} == {"task", "todo"}),
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
