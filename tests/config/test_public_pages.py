from django.urls import reverse


def test_accessibility_statement_says_how_the_service_is_tested(client, db) -> None:
    page = client.get(reverse("accessibility")).content.decode()
    assert "Accessibility statement" in page
    assert "axe-core" in page
    assert "Known gaps" in page
    for tested in (
        "WCAG 2.0, 2.1 and 2.2",
        "keyboard alone",
        "320 CSS pixels",
        "at least 20 seconds",
    ):
        assert tested in page
    assert "tagged PDF" in page


def test_privacy_notice_says_no_child_is_named(client, db) -> None:
    page = client.get(reverse("privacy")).content.decode()
    assert "never asks for" in page
    assert "case reference" in page


def test_footer_links_to_both_pages(client, db) -> None:
    page = client.get(reverse("accounts:sign-in")).content.decode()
    assert f'href="{reverse("accessibility")}"' in page
    assert f'href="{reverse("privacy")}"' in page


def test_every_page_has_a_skip_link_and_the_service_name(client, db) -> None:
    page = client.get(reverse("accounts:sign-in")).content.decode()
    assert 'href="#main-content"' in page and 'id="main-content"' in page
    assert "Front door peer review" in page
    assert "crown" not in page.lower()


def test_admin_is_for_superusers_only(world, admin_client) -> None:
    assert admin_client.get("/admin/").status_code == 200
    staff = world.people["coordinator"]
    staff.is_staff = True
    staff.save()
    assert world.client("coordinator").get("/admin/").status_code == 302
