"""What changes a letter template: copying one, saving its settings and sections (a library template
of an organisation, or one letter's own copy), switching a letter to another template.

Every save is version-checked (the template's ``version``) and written in one transaction with its
trail record; a letter's own copy also writes each change into the section's history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django import forms
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils.text import slugify

from core.versioning import save_versioned
from reports.models import Letter, LetterTemplate, SectionEdit, SectionRevision, TemplateSection
from trail.models import Event
from trail.services import record

if TYPE_CHECKING:
    from collections.abc import Callable

    from accounts.models import User
    from reviews.setup.models import Review


def copy_template(*, template: LetterTemplate, name: str, user: User) -> LetterTemplate:
    """The user's organisation's own copy of a library template."""
    with transaction.atomic():
        return template.copy(
            name=name,
            organisation=user.organisation,
            is_shipped=False,
            key="",
            default_for_kinds=[],
        )


def _new_key(row: TemplateSection, taken: set[str]) -> str:
    base = slugify(row.heading)[:50] or f"{row.content}-section"
    if base.startswith("kloe-") or base in {"overall"}:
        base = f"section-{base}"
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    taken.add(key)
    return key


def _describe(row: TemplateSection) -> str:
    return row.heading or row.key


def save_template(
    *,
    form: forms.ModelForm,
    formset: forms.BaseInlineFormSet,
    user: User,
    request: HttpRequest,
    letter: Letter | None = None,
    recorder: Callable[[list[str]], None] | None = None,
) -> list[str]:
    """Save the settings and every section at once, then number the positions 1, 2, 3 ... in order.
    Raises ``StaleEdit`` (nothing written) when someone saved the template since the form was shown.
    Returns what changed, in words, for the page and the history: a letter's own copy records them
    in the letter's history, another document's copy with its ``recorder`` (in the same
    transaction), a library template in the organisation's trail."""
    with transaction.atomic():
        template: LetterTemplate = form.instance
        before = {s.pk: s for s in TemplateSection.objects.filter(template=template)}
        order_before = [s.pk for s in before.values()]
        template = save_versioned(form)
        formset.instance = template
        rows = formset.save(commit=False)
        changes: list[str] = []
        for row in formset.deleted_objects:
            changes.append(f"Removed “{_describe(row)}”")
            row.delete()
        taken = set(TemplateSection.objects.filter(template=template).values_list("key", flat=True))
        for row in rows:
            old = before.get(row.pk) if row.pk else None
            if row.pk is None:
                row.template = template
                row.key = _new_key(row, taken)
                changes.append(f"Added “{_describe(row)}”")
            elif old is not None:
                if old.heading != row.heading:
                    changes.append(f"Renamed “{_describe(old)}” to “{_describe(row)}”")
                if old.hidden != row.hidden:
                    changes.append(f"{'Hid' if row.hidden else 'Showed'} “{_describe(row)}”")
                if (old.numbered, old.subsection, old.content, old.block, old.text, old.show) != (
                    row.numbered,
                    row.subsection,
                    row.content,
                    row.block,
                    row.text,
                    row.show,
                ):
                    changes.append(f"Changed “{_describe(row)}”")
            row.save()
        ordered = list(TemplateSection.objects.filter(template=template).order_by("position", "pk"))
        for position, row in enumerate(ordered, start=1):
            if row.position != position:
                row.position = position
                row.save(update_fields=["position"])
        if [r.pk for r in ordered if r.pk in before] != [
            pk for pk in order_before if pk in {r.pk for r in ordered}
        ]:
            changes.append("Changed the order of the sections")
        if form.changed_data and set(form.changed_data) - {"version"}:
            changes.append("Changed the letter's settings")
        if letter is not None:
            _record_letter_changes(letter=letter, changes=changes, user=user, request=request)
        elif recorder is not None:
            if changes:
                recorder(changes)
        else:
            record(
                action=Event.Action.ORGANISATION_CHANGED,
                request=request,
                obj=template,
                detail={"change": "letter template", "template": template.name, "changes": changes},
            )
    return changes


def _record_letter_changes(
    *, letter: Letter, changes: list[str], user: User, request: HttpRequest
) -> None:
    if not changes:
        return
    Letter.objects.filter(pk=letter.pk).update(version=F("version") + 1)
    for change in changes:
        SectionRevision.objects.create(
            letter=letter,
            key="structure",
            title="The letter's structure",
            action=SectionRevision.Action.STRUCTURE,
            text=change,
            by=user,
        )
    record(
        action=Event.Action.LETTER_SECTION_CHANGED,
        request=request,
        obj=letter,
        review_id=letter.review_id,
        detail={"change": "structure", "changes": changes},
    )


# --- Switching a letter to another template --------------------------------------------------------


@dataclass
class SwitchPlan:
    """What switching a letter to another template does with what the lead reviewer wrote."""

    kept: list[str] = field(default_factory=list)  # edited, and in the new template too
    moved: list[str] = field(default_factory=list)  # the lead's own sections: carried to the end
    not_shown: list[str] = field(default_factory=list)  # edited, with no place in the new one

    @property
    def loses_nothing(self) -> bool:
        return not self.not_shown


def _typed_free_keys(letter: Letter, current: LetterTemplate) -> set[str]:
    """The letter's free text sections whose words were typed for this letter (added on its structure
    page, or changed there): not the text the template it came from brought with it."""
    if not current.pk:
        return set()
    source = (
        {r.key: r.text for r in TemplateSection.objects.filter(template_id=letter.source_id)}
        if letter.source_id
        else {}
    )
    return {
        row.key
        for row in current.sections.all()
        if row.content == TemplateSection.Content.FREE
        and row.text.strip()
        and source.get(row.key) != row.text
    }


def switch_plan(letter: Letter, current: LetterTemplate, target: LetterTemplate) -> SwitchPlan:
    plan = SwitchPlan()
    edits = {e.key for e in SectionEdit.objects.filter(letter=letter)} if letter.pk else set()
    # Words typed into a free text section of the letter's own structure count as edits too.
    edits |= _typed_free_keys(letter, current) if letter.pk else set()
    if not edits:
        return plan
    target_keys = set(target.sections.values_list("key", flat=True))
    current_rows = {r.key: r for r in current.sections.all()} if current.pk else {}
    for key in sorted(edits):
        row = current_rows.get(key)
        name = (row.heading if row else "") or (row.key if row else key)
        if key in target_keys or (key.startswith("kloe-") and _has_subsections(target)):
            plan.kept.append(name)
        elif row is not None and row.content != TemplateSection.Content.GENERATED:
            plan.moved.append(name)
        else:
            plan.not_shown.append(name)
    return plan


def _has_subsections(template: LetterTemplate) -> bool:
    return template.sections.filter(block="detailed-findings").exists()


def switch_template(
    *,
    review: Review,
    letter: Letter,
    target: LetterTemplate,
    user: User,
    request: HttpRequest,
) -> SwitchPlan:
    """Give the letter a new own copy of ``target``. Sections the lead reviewer added (their own
    words, free text) that the new template has no place for are carried over at the end, so nothing
    typed disappears; edits of generated sections with no place in it stay in the history and come
    back if the letter is switched back."""
    with transaction.atomic():
        letter = Letter.objects.select_for_update().get(pk=letter.pk)
        current = letter.template
        plan = switch_plan(letter, current or LetterTemplate(), target)
        copy = target.copy(organisation=None, is_shipped=False, key="", default_for_kinds=[])
        if current is not None:
            target_keys = set(copy.sections.values_list("key", flat=True))
            edited = set(SectionEdit.objects.filter(letter=letter).values_list("key", flat=True))
            edited |= _typed_free_keys(letter, current)
            position = copy.sections.count()
            for row in current.sections.all():
                if (
                    row.key in edited
                    and row.key not in target_keys
                    and row.content != TemplateSection.Content.GENERATED
                ):
                    position += 1
                    TemplateSection.objects.create(
                        template=copy,
                        **{f: getattr(row, f) for f in TemplateSection.COPIED if f != "position"},
                        position=position,
                    )
        letter.template = copy
        letter.source = target
        letter.version = F("version") + 1
        letter.save(update_fields=["template", "source", "version", "updated_at"])
        if current is not None:
            current.delete()
        SectionRevision.objects.create(
            letter=letter,
            key="structure",
            title="The letter's structure",
            action=SectionRevision.Action.STRUCTURE,
            text=f"Switched to the template “{target.name}”",
            by=user,
        )
        record(
            action=Event.Action.LETTER_SECTION_CHANGED,
            request=request,
            obj=letter,
            review_id=review.pk,
            detail={
                "change": "template",
                "template": target.name,
                "kept": plan.kept,
                "moved": plan.moved,
                "not_shown": plan.not_shown,
            },
        )
    return plan
