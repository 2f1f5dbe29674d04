"""Run each request with room on CPython's frame stack: a workaround for CPython gh-142183.

CPython (3.11 and later) keeps Python frames in chunks of memory: 16 KB, then a new chunk when one
is full. A chunk is freed as soon as the first frame in it returns. So when a loop deep in a request
keeps calling a function whose frame lands just past the end of a chunk, every call maps a new chunk
and every return unmaps it again: two system calls and fresh zeroed pages per call. Django's
template engine renders each variable and tag through a few such calls, so the template of a page
whose loop happens to sit at that depth renders several times slower. Measured here
(``bench/single.py --compare-stack-room``; docs/performance.md): the findings page of a 40-finding
review took 28 ms one request at a time without the room and 18 ms with it (one case audit: 30
against 17 ms); rendered outside a request, its template took 6 ms. Which page is hit depends only
on how deep the server's own call stack is, so it changes with the server, the middleware and the
template, not with the data.

CPython's fix keeps one spare chunk per thread (gh-145789, merged in March 2026 for 3.15; a given 3.13
or 3.14 release has it only if it came with the backport). 3.11, which we run on, will not get it, and
nor do the 3.12.1 and 3.13.0 on our machines. With the fix the workaround costs nothing noticeable.

The workaround: the first middleware calls the rest of the request through ``call_with_room``, whose
frame is made larger than a chunk (its code object says it needs a big evaluation stack that it never
uses). Pushing that frame always starts a new chunk, sized to fit it with as much again to spare, and
every frame of the request after it lives in that spare room; 64 KB is several hundred frames, far
deeper than a request goes. So a request maps one chunk and unmaps it once, instead of once per call
wherever a loop sits on a boundary. The unused stack slots are never written, so their pages are never
touched. On an interpreter without ``__code__.replace`` (not CPython), it is a plain call.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

# 8 bytes a slot: a frame a little over 64 KB. CPython sizes the new chunk by doubling 16 KB until the
# frame and an allowance fit: 128 KB, which leaves about 64 KB for the rest of the request.
ROOM_SLOTS = 8 * 1024 + 16


def call_with_room(call: Callable[[Any], Any], arg: Any) -> Any:
    """``call(arg)``, from a frame that makes CPython start a roomy chunk of its frame stack."""
    return call(arg)


if sys.implementation.name == "cpython":
    call_with_room.__code__ = call_with_room.__code__.replace(
        co_stacksize=call_with_room.__code__.co_stacksize + ROOM_SLOTS
    )


class StackRoomMiddleware:
    """First in MIDDLEWARE: the whole request runs with room on the frame stack (see above)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return call_with_room(self.get_response, request)
