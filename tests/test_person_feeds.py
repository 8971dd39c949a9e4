"""A feed per named person (``[[people]]``, issue 12 part 5), and the per-commune role feeds
asked for (``--commune-roles``): one identity per event, and feeds that never lie when a
person leaves the plan, an item goes to someone else, or the role feeds are turned off."""

from __future__ import annotations

import datetime as dt
import io as text_io
import itertools
import subprocess
from collections.abc import Callable
from pathlib import Path

import icalendar
import pytest

import ngayhoi
from ngayhoi import io
from ngayhoi.cli import init_text, main, with_delegations
from ngayhoi.export import standard_feeds
from ngayhoi.export.state import STATE_FILE, load_state
from ngayhoi.folder import export_plan
from test_feeds_never_lie import check_update, feeds, sequence, status

DAY = dt.date(2023, 8, 6)
V1 = dt.datetime(2023, 7, 1, tzinfo=dt.UTC)

CHAIRMAN = """
[[people]]
id = "ct-long-khe"
name = "Chủ tịch UBND xã Long Khê"
unit = "long-khe"
leads = ["phat-bieu-tiep-thu", "bao-cao"]
"""
POLICE = """
[[people]]
id = "tt-ca"
name = "Trưởng Công an huyện"
delegation = "doan-1"
"""
VICE = """
[[people]]
id = "pct-long-khe"
name = "Phó Chủ tịch UBND xã Long Khê"
unit = "long-khe"
leads = ["bao-cao"]
"""


def plan(*people: str) -> ngayhoi.Festival:
    """Four communes, one delegation, and the given ``[[people]]`` tables."""
    text = with_delegations(init_text(communes=4, day=DAY), count=1)
    return io.loads(text + "".join(people))


def test_a_person_feed_shows_what_the_person_attends_under_the_shared_uids(
    tmp_path: Path, ics_check: Callable[[Path], subprocess.CompletedProcess[str]]
) -> None:
    done = export_plan(plan(CHAIRMAN, POLICE), tmp_path, now=V1)
    sched = done.planned.schedule
    by_id = {f.id: f for f in done.report.feeds}
    chairman = by_id["person-ct-long-khe"]
    assert chairman.kind == "person"
    assert chairman.name == "Chủ tịch UBND xã Long Khê – Ngày hội 2023"
    held = {
        ngayhoi.export.activity_uid(sched.festival, s.activity)
        for s in sched.values()
        if "ct-long-khe" in s.resources
    }
    assert set(chairman.uids) == held
    assert len(held) == 2
    # One identity per event: the same UIDs as the commune's feed and the master.
    assert held <= set(by_id["commune-long-khe"].uids)
    assert held <= set(by_id["master"].uids)
    # A delegation member's feed is the delegation's day: visits and drives, in order.
    police = by_id["person-tt-ca"]
    assert police.name.startswith("Trưởng Công an huyện – ")
    assert "Đoàn 1" in police.description
    assert police.uids == by_id["delegation-doan-1"].uids
    for feed in (chairman, police):
        blocks = feeds(tmp_path)[feed.filename]  # fails on a UID twice in the file
        assert list(blocks) == list(feed.uids)
        assert {status(b) for b in blocks.values()} == {"CONFIRMED"}
        assert "6 passed, 0 failed" in ics_check(tmp_path / feed.filename).stdout


def test_a_person_with_a_deputy_and_the_deputy_each_get_the_items_they_hold() -> None:
    deputy = CHAIRMAN + 'deputy = "pct-long-khe"\n' + VICE.replace('leads = ["bao-cao"]\n', "")
    sched = ngayhoi.schedule(plan(deputy)).unwrap()
    by_id = {f.id: f for f in standard_feeds(sched)}
    fest = sched.festival
    for person in ("ct-long-khe", "pct-long-khe"):
        mine = {
            ngayhoi.export.activity_uid(fest, s.activity)
            for s in sched.values()
            if person in s.resources
        }
        feed = by_id.get(f"person-{person}")
        assert set(feed.uids if feed else ()) == mine
    assert "person-ct-long-khe" in by_id or "person-pct-long-khe" in by_id


def test_every_feed_lists_each_uid_once_with_people_and_commune_roles() -> None:
    sched = ngayhoi.schedule(plan(CHAIRMAN, POLICE)).unwrap()
    all_feeds = standard_feeds(sched, commune_roles=True)
    assert {f.kind for f in all_feeds} >= {"person", "commune-role"}
    for feed in all_feeds:
        assert len(set(feed.uids)) == len(feed.uids), feed.id
    ids = [f.id for f in all_feeds]
    assert len(ids) == len(set(ids))


def test_a_person_dropped_from_the_plan_keeps_a_feed_with_every_event_cancelled(
    tmp_path: Path, ics_check: Callable[[Path], subprocess.CompletedProcess[str]]
) -> None:
    export_plan(plan(CHAIRMAN, POLICE), tmp_path, now=V1)
    before = feeds(tmp_path)
    done = export_plan(plan(POLICE), tmp_path, now=V1 + dt.timedelta(days=1))
    after = feeds(tmp_path)
    check_update(before, after)
    gone = after["person-ct-long-khe.ics"]
    assert gone.keys() == before["person-ct-long-khe.ics"].keys()
    assert {status(b) for b in gone.values()} == {"CANCELLED"}
    for uid, block in gone.items():
        assert sequence(block) > sequence(before["person-ct-long-khe.ics"][uid])
        assert b"[H\xe1\xbb\xa6Y]" in block  # "[HỦY]" for clients that ignore STATUS
        # The item still takes place: only this calendar no longer shows it.
        assert status(after["commune-long-khe.ics"][uid]) == "CONFIRMED"
    assert "person-ct-long-khe" in done.report.state.feeds
    assert "6 passed, 0 failed" in ics_check(tmp_path / "person-ct-long-khe.ics").stdout
    # Exported again unchanged: nothing is written, the cancelled copies keep their bytes.
    again = export_plan(plan(POLICE), tmp_path, now=V1 + dt.timedelta(days=2))
    assert again.report.written == []
    assert feeds(tmp_path) == after


def test_an_item_given_to_another_person_stays_cancelled_in_the_first_ones_feed(
    tmp_path: Path,
) -> None:
    export_plan(plan(CHAIRMAN), tmp_path, now=V1)
    before = feeds(tmp_path)
    only_speech = CHAIRMAN.replace(', "bao-cao"]', "]")
    export_plan(plan(only_speech, VICE), tmp_path, now=V1 + dt.timedelta(days=1))
    after = feeds(tmp_path)
    check_update(before, after)
    uid = f"{load_state(tmp_path).festival}.long-khe.bao-cao@ngayhoi.vn"
    old_copy = after["person-ct-long-khe.ics"][uid]
    assert status(old_copy) == "CANCELLED"
    unfolded = old_copy.replace(b"\r\n ", b"").decode()
    assert "Đã chuyển sang lịch: Phó Chủ tịch UBND xã Long Khê" in unfolded
    assert status(after["person-pct-long-khe.ics"][uid]) == "CONFIRMED"


def _export(folder: Path, plan_file: Path, *flags: str) -> str:
    out, err = text_io.StringIO(), text_io.StringIO()
    code = main(["export", str(plan_file), "--out", str(folder), *flags], out=out, err=err)
    assert code == 0, err.getvalue()
    return out.getvalue()


def _kinds(folder: Path) -> dict[str, int]:
    state = load_state(folder)
    kinds = sorted(f.kind for f in state.feeds.values())
    return {k: len(list(g)) for k, g in itertools.groupby(kinds)}


def test_per_commune_role_feeds_are_asked_for_kept_and_cancelled_when_turned_off(
    tmp_path: Path,
) -> None:
    plan_file = tmp_path / "plan.toml"
    plan_file.write_text(init_text(communes=3, day=DAY), encoding="utf-8")
    folder = tmp_path / "lich"
    _export(folder, plan_file)
    assert "commune-role" not in _kinds(folder)
    assert not load_state(folder).commune_roles
    _export(folder, plan_file, "--commune-roles")
    per_commune = _kinds(folder)["commune-role"]
    assert per_commune >= 3 * 5
    assert load_state(folder).commune_roles
    with_them = feeds(folder)
    # Exported again without the flag: the folder keeps the feeds its subscribers have.
    _export(folder, plan_file)
    assert feeds(folder) == with_them
    # Turned off: every such feed stays, each event in it cancelled (the item still
    # takes place: the commune's feed and the master show it).
    _export(folder, plan_file, "--no-commune-roles")
    after = feeds(folder)
    check_update(with_them, after)
    assert not load_state(folder).commune_roles
    off = [name for name in after if name.startswith("role-") and name.count(".") == 2]
    assert len(off) == per_commune
    for name in off:
        assert {status(b) for b in after[name].values()} == {"CANCELLED"}
    assert {status(b) for b in after["master.ics"].values()} == {"CONFIRMED"}


def test_a_state_from_before_the_option_keeps_its_per_commune_role_feeds(tmp_path: Path) -> None:
    sched = ngayhoi.schedule(plan()).unwrap()
    ngayhoi.export.export_calendars(sched, tmp_path, now=V1, commune_roles=True)
    state_path = tmp_path / STATE_FILE
    text = state_path.read_text(encoding="utf-8")
    assert '"commune_roles":true' in text
    state_path.write_text(text.replace(',"commune_roles":true', ""), encoding="utf-8")
    assert load_state(tmp_path).options.commune_roles is None  # type: ignore[union-attr]
    assert load_state(tmp_path).commune_roles
    report = ngayhoi.export.export_calendars(sched, tmp_path, now=V1)
    assert report.counts == {}
    assert any(f.kind == "commune-role" for f in report.feeds)


def test_commune_roles_must_be_none_or_a_bool(tmp_path: Path) -> None:
    sched = ngayhoi.schedule(ngayhoi.samples.tiny_festival()).unwrap()
    with pytest.raises(ngayhoi.PlanError, match="commune_roles"):
        ngayhoi.export.export_calendars(sched, tmp_path, commune_roles="yes")  # type: ignore[arg-type]


def test_publish_sends_a_person_feed_and_then_its_cancellation(
    tmp_path: Path, radicale: tuple[str, dict[str, str]]
) -> None:
    caldav = pytest.importorskip("caldav", reason="the caldav extra is a test dependency")
    from ngayhoi.publish.caldav import config_from_env, publish  # noqa: PLC0415

    url, env = radicale
    config = config_from_env(env)
    folder = tmp_path / "lich"
    export_plan(plan(CHAIRMAN), folder, now=V1)
    # Not named: publish takes every feed from the export state, the person's included.
    first = publish(folder, config)
    assert "person-ct-long-khe" in first.created
    export_plan(plan(), folder, now=V1 + dt.timedelta(days=1))
    second = publish(folder, config, feeds=["person-ct-long-khe"])
    assert second.uploaded["person-ct-long-khe"] == 2
    client = caldav.DAVClient(
        url=url, username="btc", password=env["NGAYHOI_CALDAV_PASSWORD"], require_tls=False
    )
    calendars = {
        str(c.url).rstrip("/").rsplit("/", 1)[-1]: c for c in client.principal().calendars()
    }
    objects = list(calendars["person-ct-long-khe"].events())
    assert len(objects) == 2
    events = [icalendar.Calendar.from_ical(o.data).walk("VEVENT")[0] for o in objects]
    assert {str(e["STATUS"]) for e in events} == {"CANCELLED"}
