"""Shared fixtures: one person for every role, on a review and outside it.

``world`` builds two reviews led by the same authority: ``review`` (hosted by the host authority) and
``other_review`` (hosted by another authority). The people:

- coordinator, lead_reviewer, reviewer, host_lead, host_staff: on ``review`` in that role;
- reviewer_elsewhere: a reviewer on ``other_review`` only;
- other_host_staff: staff of the other authority, host staff on ``other_review`` only;
- host_staff_not_on_team: staff of the host authority with no role on any review;
- anonymous: nobody signed in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.models import Organisation, User
from reviews.setup.models import Review, Role
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    ReviewFactory,
    UserFactory,
    give_second_factor,
)

ROLES = (
    "anonymous",
    "coordinator",
    "lead_reviewer",
    "reviewer",
    "reviewer_elsewhere",
    "host_lead",
    "host_staff",
    "other_host_staff",
)

ROLE_ON_REVIEW = {
    "coordinator": Role.COORDINATOR,
    "lead_reviewer": Role.LEAD_REVIEWER,
    "reviewer": Role.REVIEWER,
    "host_lead": Role.HOST_LEAD,
    "host_staff": Role.HOST_STAFF,
}


@dataclass
class World:
    lead_org: Organisation
    host_org: Organisation
    other_org: Organisation
    review: Review
    other_review: Review
    people: dict[str, User] = field(default_factory=dict)

    def user(self, role: str) -> User | None:
        return self.people.get(role)

    def client(self, role: str, **client_kwargs: object) -> Client:
        client = Client(**client_kwargs)
        user = self.user(role)
        if user is not None:
            client.force_login(user)
        return client


def build_world() -> World:
    lead_org = OrganisationFactory(name="Eastvale County Council", short_name="Eastvale")
    host_org = OrganisationFactory(name="Northmoor Borough Council", short_name="Northmoor")
    other_org = OrganisationFactory(name="Westbridge City Council", short_name="Westbridge")
    review = ReviewFactory(host=host_org, lead_organisation=lead_org, title="Northmoor front door")
    other_review = ReviewFactory(
        host=other_org, lead_organisation=lead_org, title="Westbridge front door"
    )
    world = World(lead_org, host_org, other_org, review, other_review)

    orgs = {
        "coordinator": lead_org,
        "lead_reviewer": lead_org,
        "reviewer": lead_org,
        "host_lead": host_org,
        "host_staff": host_org,
    }
    for name, role in ROLE_ON_REVIEW.items():
        user = UserFactory(email=f"{name}@example.org", organisation=orgs[name])
        MembershipFactory(review=review, user=user, role=role)
        world.people[name] = user

    elsewhere = UserFactory(email="reviewer_elsewhere@example.org", organisation=lead_org)
    MembershipFactory(review=other_review, user=elsewhere, role=Role.REVIEWER)
    world.people["reviewer_elsewhere"] = elsewhere

    other_staff = UserFactory(email="other_host_staff@example.org", organisation=other_org)
    MembershipFactory(review=other_review, user=other_staff, role=Role.HOST_STAFF)
    world.people["other_host_staff"] = other_staff

    world.people["host_staff_not_on_team"] = UserFactory(
        email="host_staff_not_on_team@example.org", organisation=host_org
    )
    for person in world.people.values():
        give_second_factor(person)
    return world


# The pages the browser tests scanned with axe-core (``check_accessibility`` in tests/e2e/conftest.py),
# summed up at the end of the run. With pytest-xdist (``make test`` runs the suite on every core) each
# worker scans its own share of the pages: the workers hand their lists back to the controller, which
# prints the one summary for the whole run.
AXE_SCANS: list[str] = []


def pytest_sessionfinish(session: pytest.Session) -> None:
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: send the scans to the controller
        workeroutput["axe_scans"] = list(AXE_SCANS)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:  # type: ignore[no-untyped-def]
    """An xdist worker has finished: add its scans to the controller's."""
    AXE_SCANS.extend(getattr(node, "workeroutput", {}).get("axe_scans", []))


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    if AXE_SCANS:
        unique = sorted(set(AXE_SCANS))
        terminalreporter.write_line(
            f"axe-core: {len(AXE_SCANS)} page scans ({len(unique)} distinct pages and states), 0 violations"
        )


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def coordinator(world: World) -> User:
    return world.people["coordinator"]


@pytest.fixture
def lead_reviewer(world: World) -> User:
    return world.people["lead_reviewer"]


@pytest.fixture
def reviewer(world: World) -> User:
    return world.people["reviewer"]


@pytest.fixture
def reviewer_elsewhere(world: World) -> User:
    return world.people["reviewer_elsewhere"]


@pytest.fixture
def host_lead(world: World) -> User:
    return world.people["host_lead"]


@pytest.fixture
def host_staff(world: World) -> User:
    return world.people["host_staff"]


@pytest.fixture
def other_host_staff(world: World) -> User:
    return world.people["other_host_staff"]


@pytest.fixture
def host_staff_not_on_team(world: World) -> User:
    return world.people["host_staff_not_on_team"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path) -> None:
    """Uploaded files go to a temporary folder, never the project's media folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _force_login_includes_the_second_factor(monkeypatch) -> None:
    """``client.force_login(user)`` signs in fully, second factor included, as a person would after
    both steps. Tests of the two-factor step itself use ``client.login`` or the sign-in form."""
    original = Client.force_login

    def force_login(self: Client, user: User, backend: str | None = None) -> None:
        original(self, user, backend)
        device = give_second_factor(user)
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(autouse=True)
def _data_from_migrations(request: pytest.FixtureRequest) -> None:
    """What the data migrations load (the default frameworks, themes, audit tools and the shipped letter
    templates) is there for every test.

    Tests that commit for real (browser tests, ``transaction=True``) end with every table emptied, which
    takes this data with it for the tests that follow; each test that uses the database puts it back
    first if it is missing (a few small queries, before anything the test measures)."""
    names = request.fixturenames
    marker = request.node.get_closest_marker("django_db")
    if not (marker or {"db", "transactional_db", "live_server"} & set(names)):
        return
    transactional = bool({"transactional_db", "live_server"} & set(names)) or bool(
        marker and marker.kwargs.get("transaction")
    )
    request.getfixturevalue("transactional_db" if transactional else "db")

    from audits.default_tools import install_default_tools
    from audits.models import AuditTool, Criterion
    from reviews.default_frameworks import install_default_frameworks
    from reviews.default_themes import install_default_themes
    from reviews.fieldwork.models import Theme
    from reviews.setup.models import Framework, Kloe

    if not Framework.objects.filter(is_default=True, review=None).exists():
        install_default_frameworks(Framework, Kloe)
    if not Theme.objects.exists():
        install_default_themes(Theme)
    if not AuditTool.objects.filter(organisation=None, review=None).exists():
        install_default_tools(AuditTool, Criterion)

    from reports.models import LetterTemplate, TemplateSection
    from reports.shipped_templates import COMMITTEE_TEMPLATES, TEMPLATES, install

    # The letter templates and the committee report template (its own data migration): each
    # brought back if a flush took it.
    shipped = set(LetterTemplate.objects.filter(is_shipped=True).values_list("key", flat=True))
    for templates in (TEMPLATES, COMMITTEE_TEMPLATES):
        if not {spec["key"] for spec in templates} <= shipped:
            install(LetterTemplate, TemplateSection, templates)


@pytest.fixture
def no_last_seen_writes(settings) -> None:
    """For query counts: "last seen" is written back to the session at most every 15 seconds, so a
    request that comes more than 15 seconds after the one it is compared with (building a large data
    set on a busy machine takes that long) made one more query. Here it is written only once."""
    settings.SESSION_LAST_SEEN_EVERY = 10**9
