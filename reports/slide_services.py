"""The lead reviewer's changes to the feedback presentation: a slide's title, text, place and
visibility, and slides of their own. Version-checked (core.versioning) and recorded in the trail."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import F

from core.markup import clean_text
from core.versioning import StaleEdit, update_versioned
from reports.models import Letter, SlideEdit
from reports.render import compose_letter
from reports.services import letter_for_update
from reports.slides import SlideGroup, slide_groups
from trail.models import Event
from trail.services import record

if TYPE_CHECKING:
    from django.http import HttpRequest

    from accounts.models import User
    from reviews.setup.models import Review


def find_slide(review: Review, key: str, letter: Letter | None = None) -> SlideGroup | None:
    return next(
        (g for g in slide_groups(compose_letter(review, letter=letter)) if g.key == key), None
    )


def save_slide(
    *,
    review: Review,
    key: str,
    title: str,
    text: str,
    position: int,
    hidden: bool,
    version: int,
    user: User,
    request: HttpRequest,
) -> SlideEdit:
    """Keep the lead reviewer's change to a slide. ``version``: the edit's version the page showed
    (0 when the slide had not been changed). Raises StaleEdit if it changed since, KeyError if there
    is no such slide. What equals the generated title or text is not stored, so the slide follows
    the review's data again."""
    title, text = clean_text(title), clean_text(text)
    with transaction.atomic():
        letter = letter_for_update(review)
        group = find_slide(review, key, letter)
        if group is None:
            raise KeyError(key)
        edit = group.edit
        if (edit.version if edit else 0) != version:
            raise StaleEdit
        values = {
            "title": "" if title == group.generated_title and not group.added else title,
            "text": "" if text == group.generated_text.strip() and not group.added else text,
            "hidden": hidden,
            "position": position,
            "edited_by": user,
        }
        if edit is None:
            try:
                with transaction.atomic():
                    edit = SlideEdit.objects.create(letter=letter, key=key, **values)
            except IntegrityError as error:
                raise StaleEdit from error
        else:
            update_versioned(SlideEdit, pk=edit.pk, version=version, values=values)
            edit.refresh_from_db()
        _changed(letter, review, request, key=key, title=title, change="edited")
    return edit


def add_slide(
    *, review: Review, title: str, text: str, user: User, request: HttpRequest
) -> SlideEdit:
    """A slide of the lead reviewer's own, after the others."""
    title, text = clean_text(title), clean_text(text)
    with transaction.atomic():
        letter = letter_for_update(review)
        groups = slide_groups(compose_letter(review, letter=letter))
        position = max((g.position for g in groups), default=0) + 10
        edit = SlideEdit.objects.create(
            letter=letter,
            key=f"added-{secrets.token_hex(4)}",
            title=title,
            text=text,
            position=position,
            added=True,
            edited_by=user,
        )
        _changed(letter, review, request, key=edit.key, title=title, change="added")
    return edit


def _changed(
    letter: Letter, review: Review, request: HttpRequest, *, key: str, title: str, change: str
) -> None:
    Letter.objects.filter(pk=letter.pk).update(version=F("version") + 1)
    record(
        action=Event.Action.LETTER_SECTION_CHANGED,
        request=request,
        obj=letter,
        review_id=review.pk,
        detail={"slide": key, "title": title, "change": change},
    )
