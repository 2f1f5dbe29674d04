from tests.authz.expect import (
    NOT_ALLOWED,
    OK,
    ON_REVIEW,
    Expect,
    review_page,
    signed_in_only,
)

EXPECTATIONS = {
    "reviews:your-reviews": Expect(get=signed_in_only(OK), post=signed_in_only(NOT_ALLOWED)),
    "reviews:review-overview": Expect(
        get=review_page(allowed=ON_REVIEW),
        post=signed_in_only(NOT_ALLOWED),
        kwargs=lambda world, review: {"pk": review.pk},
        scoped=True,
    ),
}
