from tests.authz.expect import NOT_ALLOWED, OK, REDIRECT, Expect, statuses

EXPECTATIONS = {
    # Signed-in people are sent on to their reviews; an empty POST re-shows the form with errors.
    "accounts:sign-in": Expect(
        get=statuses(REDIRECT, anonymous=OK), post=statuses(REDIRECT, anonymous=OK)
    ),
    # Sign-out is POST only; it then sends everyone to the sign-in page (anonymous people are sent
    # there first).
    "accounts:sign-out": Expect(
        get=statuses(NOT_ALLOWED, anonymous=REDIRECT), post=statuses(REDIRECT)
    ),
    # Everyone here has already given their second factor: the two-factor pages send them on.
    "accounts:two-factor": Expect(get=statuses(REDIRECT), post=statuses(REDIRECT)),
    "accounts:two-factor-setup": Expect(get=statuses(REDIRECT), post=statuses(REDIRECT)),
    # "Stay signed in" is a POST; reading the time left is a GET that changes nothing.
    "accounts:session-extend": Expect(
        get=statuses(NOT_ALLOWED, anonymous=REDIRECT), post=statuses(REDIRECT)
    ),
    "accounts:session-status": Expect(
        get=statuses(OK, anonymous=REDIRECT), post=statuses(NOT_ALLOWED, anonymous=REDIRECT)
    ),
    "accounts:password-reset": Expect(get=statuses(OK), post=statuses(OK)),
    "accounts:password-reset-sent": Expect(get=statuses(OK), post=statuses(NOT_ALLOWED)),
    # An invalid link shows "This link has expired"; POST to an invalid link shows the same page.
    "accounts:password-reset-confirm": Expect(
        get=statuses(OK),
        post=statuses(OK),
        kwargs=lambda world, review: {"uidb64": "MQ", "token": "not-a-token"},
    ),
    "accounts:password-reset-complete": Expect(get=statuses(OK), post=statuses(NOT_ALLOWED)),
}
