"""Each request runs with room on CPython's frame stack (core/stack.py, CPython gh-142183).

What a person would notice is speed: the findings page took 29 ms instead of 17 ms one request at a
time (bench/single.py --no-stack-room). Timings do not belong in tests, so this counts what causes it:
when a loop calls a function whose frame lands just past the end of a chunk of the frame stack,
CPython 3.11 maps a new chunk and unmaps it again on every call, and each fresh chunk costs at least one
page fault. The sweep below puts such a loop at every depth across two chunk boundaries.
"""

from __future__ import annotations

import resource
import sys

import pytest
from django.conf import settings

from core.stack import call_with_room

CALLS = 300


def _leaf() -> None:
    return None


# A leaf frame wider than one step of _at_depth, so that some depth of the sweep always leaves room
# for the loop's own frame but not for the leaf's: the worst place.
_leaf.__code__ = _leaf.__code__.replace(co_stacksize=_leaf.__code__.co_stacksize + 48)


def _faults_of_calls() -> int:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(CALLS):
        _leaf()
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


def _at_depth(depth: int) -> int:
    if depth == 0:
        return _faults_of_calls()
    return _at_depth(depth - 1)


def _worst_faults(_: object = None) -> int:
    """The most page faults that CALLS calls cost, at any depth across two chunks of the stack."""
    return max(_at_depth(depth) for depth in range(320))


def test_a_loop_at_any_depth_of_a_request_costs_no_page_faults_per_call():
    with_room = call_with_room(_worst_faults, None)
    assert with_room < CALLS // 10, f"{with_room} page faults for {CALLS} calls inside the room"


@pytest.mark.xfail(
    sys.version_info >= (3, 12),
    reason="a later CPython may carry the fix (gh-145789); then the room is merely harmless",
    strict=False,
)
def test_without_the_room_the_same_sweep_hits_a_chunk_boundary():
    """The cliff is real on the Python we run (3.11 will never get CPython's fix)."""
    without = _worst_faults()
    assert without >= CALLS, f"only {without} page faults: did CPython change its frame stack?"


def test_the_room_is_the_first_middleware():
    assert settings.MIDDLEWARE[0] == "core.stack.StackRoomMiddleware"
