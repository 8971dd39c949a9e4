"""`ngayhoi init --province P --delegations K` (and --district) writes a feasible plan."""

from __future__ import annotations

import io as stdio
from pathlib import Path

import pytest

import ngayhoi
from ngayhoi import io
from ngayhoi.cli import main
from ngayhoi.data import vietnam
from ngayhoi.scheduling.checker import check_protocol, check_schedule


def _init(tmp_path: Path, *args: str) -> tuple[int, str, Path]:
    path = tmp_path / "plan.toml"
    out, err = stdio.StringIO(), stdio.StringIO()
    code = main(["init", *args, "--out", str(path)], out=out, err=err)
    return code, err.getvalue(), path


@pytest.mark.skipif(not vietnam.available(), reason="needs ngayhoi[vn-units]")
@pytest.mark.parametrize(("province", "delegations"), [("Tây Ninh", 4), ("Lạng Sơn", 3)])
def test_init_province_with_delegations_writes_a_feasible_protocol_correct_plan(
    tmp_path: Path, province: str, delegations: int
) -> None:
    code, err, path = _init(
        tmp_path, "--province", province, "--delegations", str(delegations), "--date", "2025-08-19"
    )
    assert code == 0, err
    plan = io.load(path)
    doan = [r for r in plan.resources if r.group == "doan-tinh"]
    assert doan[0].name == "Đoàn 1 BCĐ 138 tỉnh"
    assert len(doan) == delegations
    sched = ngayhoi.schedule(plan)
    assert sched.status.has_times
    assert check_schedule(sched) == []
    assert check_protocol(sched) == []
    visited = {s.activity.split(".")[0] for s in sched.values() if s.resources and any(
        r.startswith("doan-") for r in s.resources)}  # fmt: skip
    assert len(visited) == 2 * delegations
    # Every parade still starts together.
    parades = {sched[f"{u.id}.dieu-hanh"].start for u in plan.hosts() if u.kind.value != "tỉnh"}
    assert len(parades) == 1


def test_init_district_with_delegations_pairs_communes_without_coordinates(tmp_path: Path) -> None:
    code, err, path = _init(
        tmp_path, "--district", "Cần Đước", "--delegations", "3", "--date", "2023-08-06"
    )
    assert code == 0, err
    sched = ngayhoi.schedule(io.load(path))
    assert check_schedule(sched) == []
    assert check_protocol(sched) == []


@pytest.mark.skipif(not vietnam.available(), reason="needs ngayhoi[vn-units]")
def test_init_province_refuses_more_delegations_than_pairs(tmp_path: Path) -> None:
    code, err, _path = _init(
        tmp_path, "--province", "Lạng Sơn", "--delegations", "40", "--date", "2025-08-19"
    )
    assert code == 2
    assert "--delegations 40" in err
    assert "give a number from 0 to 32" in err
