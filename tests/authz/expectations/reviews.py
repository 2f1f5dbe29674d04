from tests.authz.expect import (
    NOT_ALLOWED,
    OK,
    ON_REVIEW,
    Expect,
    review_page,
    signed_in_only,
)
from tests.factories import MembershipFactory

EXPECTATIONS = {
    "reviews:your-reviews": Expect(get=signed_in_only(OK), post=signed_in_only(NOT_ALLOWED)),
    "reviews:review-overview": Expect(
        get=review_page(allowed=ON_REVIEW),
        post=signed_in_only(NOT_ALLOWED),
        kwargs=lambda world, review: {"pk": review.pk},
        scoped=True,
    ),
    # The review's audit trail and its CSV: the coordinator and the lead reviewer.
    "reviews:review-trail": Expect(
        get=review_page(allowed=("coordinator", "lead_reviewer")),
        post=signed_in_only(NOT_ALLOWED),
        kwargs=lambda world, review: {"pk": review.pk},
        scoped=True,
    ),
    "reviews:review-trail-csv": Expect(
        get=review_page(allowed=("coordinator", "lead_reviewer")),
        post=signed_in_only(NOT_ALLOWED),
        kwargs=lambda world, review: {"pk": review.pk},
        scoped=True,
    ),
    # Only the coordinator resets a team member's second factor.
    "reviews:member-reset-two-factor": Expect(
        # GET: the confirmation form (password and code); POST with nothing typed re-shows it.
        get=review_page(allowed=("coordinator",)),
        post=review_page(allowed=("coordinator",)),
        # A bystander's membership: resetting it must not sign out the people being tested.
        kwargs=lambda world, review: {
            "pk": review.pk,
            "membership_pk": MembershipFactory(review=review).pk,
        },
        scoped=True,
    ),
}
