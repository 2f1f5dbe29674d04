from tests.authz.expect import NOT_ALLOWED, OK, Expect, statuses

EXPECTATIONS = {
    # Public: load balancers and anyone may ask; nothing changes on POST.
    "healthz": Expect(get=statuses(OK), post=statuses(NOT_ALLOWED)),
    "accessibility": Expect(get=statuses(OK), post=statuses(NOT_ALLOWED)),
    "privacy": Expect(get=statuses(OK), post=statuses(NOT_ALLOWED)),
}
