"""An English message that keeps its template and values (``errors.Said``) survives copies."""

from __future__ import annotations

import copy
import pickle

import pytest

from ngayhoi.errors import PlanError, Said


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_a_said_message_with_braces_and_a_said_value_pickles_back_whole(protocol: int) -> None:
    said = Said("write {{from = ...}} for {key!r}; {why}", key="x", why=Said("{n} min", n=5))
    back = pickle.loads(pickle.dumps(said, protocol=protocol))  # noqa: S301 - our own bytes
    assert back == said == "write {from = ...} for 'x'; 5 min"
    assert (back.template, back.values) == (said.template, said.values)
    assert isinstance(back.values["why"], Said)


def test_a_plan_error_carrying_a_said_message_copies_and_pickles_with_it() -> None:
    err = PlanError(Said("unknown key '{key}'", key="nmae"))
    for back in (copy.deepcopy(err), pickle.loads(pickle.dumps(err))):  # noqa: S301
        assert isinstance(back.args[0], Said)
        assert back.args[0].template == "unknown key '{key}'"
        assert str(back) == "unknown key 'nmae'"


def test_joined_keeps_each_part_to_be_said_again() -> None:
    both = Said.joined([Said("a {x}", x=1), "b"], separator=" | ")
    assert both == "a 1 | b"
    assert both.say(lambda t: t.replace("a ", "A ")) == "a 1 | b"  # the parts, not the frame
    part = both.values["item0"]
    assert isinstance(part, Said)
    assert part.template == "a {x}"
