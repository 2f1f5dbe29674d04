from django.urls import reverse


def test_pages_carry_hsts_csp_nosniff_and_no_store(world) -> None:
    client = world.client("reviewer")
    response = client.get(reverse("reviews:review-overview", args=[world.review.pk]), secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"
    assert response["X-Frame-Options"] == "DENY"


def test_inline_script_is_allowed_only_by_its_nonce(world) -> None:
    response = world.client("reviewer").get(reverse("reviews:your-reviews"), secure=True)
    csp = response["Content-Security-Policy"]
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in response.content.decode()
    assert "unsafe-inline" not in csp


def test_public_pages_for_anonymous_people_may_be_cached(client) -> None:
    response = client.get(reverse("accessibility"), secure=True)
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
