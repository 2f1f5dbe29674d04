"""The administration site is for superusers only: every role here is sent to the admin sign-in page."""

from tests.authz.expect import OK, REDIRECT, Expect, statuses

_LOCKED = Expect(get=statuses(REDIRECT), post=statuses(REDIRECT))

# Filled in for every admin URL name by test_matrix (admin URLs are many and all alike), except these:
EXPECTATIONS = {
    # The admin's own sign-in page: shown (to non-superusers with a "not authorised" note).
    "admin:login": Expect(get=statuses(OK), post=statuses(OK)),
}
DEFAULT_FOR_ADMIN = _LOCKED
