"""Pages that belong to the service as a whole rather than to one app."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.health import run_checks


@login_not_required
@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: 200 when every check of ``core.health`` passes (the database answers, the
    file store can be written, and whatever the apps register), 503 naming what does not, within
    ``HEALTHZ_TIMEOUT`` seconds whatever happens."""
    results = run_checks(settings.HEALTHZ_TIMEOUT)
    healthy = all(result == "ok" for result in results.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **results}, status=200 if healthy else 503
    )


@require_safe
def bench_minimal(request: HttpRequest) -> HttpResponse:
    """Benchmarks only (BENCHMARK_VIEWS=true): a signed-in request through every middleware, and no
    work of its own. Its response time is the ceiling each page is compared with."""
    return HttpResponse(b"ok", content_type="text/plain")


@login_not_required
@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/accessibility.html")


@login_not_required
@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/privacy.html")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """403: say so plainly, and keep a record of the refusal."""
    from trail.models import Event
    from trail.services import record

    record(
        action=Event.Action.PERMISSION_REFUSED,
        request=request,
        detail={
            "path": request.path[:500],
            "method": request.method,
            "reason": str(exception or "")[:300],
        },
    )
    # An exception may carry words for the person (``user_message``); its own text is for the trail.
    context = {"reason": getattr(exception, "user_message", "")}
    return HttpResponse(loader.render_to_string("403.html", context, request=request), status=403)
