from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest
from django.urls import include, path

from config import views

admin.site.site_header = "Front door peer review administration"
admin.site.site_title = "Front door peer review"


def _superusers_only(request: HttpRequest) -> bool:
    """The administration site is for superusers only; everyone else works through the service."""
    return request.user.is_active and request.user.is_superuser


# The default site, kept (its registrations live in each app), with its permission test narrowed.
admin.site.has_permission = _superusers_only  # type: ignore[method-assign]  # see above

urlpatterns = [
    path("", include("reviews.urls")),
    path("", include("audits.urls")),
    path("", include("reports.urls")),
    path("", include("improvement.urls")),
    path("account/", include("accounts.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("accessibility", views.accessibility, name="accessibility"),
    path("privacy", views.privacy, name="privacy"),
    path("admin/", admin.site.urls),
]

if settings.BENCHMARK_VIEWS:
    urlpatterns.append(path("bench/minimal", views.bench_minimal, name="bench-minimal"))

handler403 = "config.views.permission_denied"
