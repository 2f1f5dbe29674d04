"""The feedback letter: its template (the structure, as data), the lead reviewer's edits to sections,
the host's factual accuracy comments, and the issued versions (frozen files, never changed once stored).

A letter template is an ordered list of sections (``TemplateSection``) and the letter's settings (title,
salutation, reference lines, sign-off, footer, continuation marker). Templates belong to an organisation
(coordinators copy and edit them, like frameworks); the shipped ones are read-only. A letter takes its
own copy of a template when it is started, so changing the template later never changes a review's
letter, and the lead reviewer shapes that copy for one letter.

A letter's text is generated from the review's data section by section (``reports.compose``). Only what a
person changed is stored here; a section nobody edited is always the current generated text.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation
from core.models import Versioned
from reviews.setup.models import Review

if TYPE_CHECKING:
    from accounts.models import User


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# Letter templates ---------------------------------------------------------------------------------


class LetterTemplateQuerySet(models.QuerySet["LetterTemplate"]):
    def library(self) -> LetterTemplateQuerySet:
        """Templates a letter can start from: not any letter's own copy, and letters only (not the
        committee report templates, nor their copies: see ``committee_reports``)."""
        return self.filter(letter__isnull=True, document=LetterTemplate.Document.LETTER)

    def committee_reports(self) -> LetterTemplateQuerySet:
        """The shipped committee report templates a journey report starts from (not its copies)."""
        return self.filter(
            document=LetterTemplate.Document.COMMITTEE_REPORT, is_shipped=True, copied_from=None
        )

    def usable_by(self, user: User) -> LetterTemplateQuerySet:
        """The shipped templates, and the templates of this person's organisation."""
        shared = Q(is_shipped=True)
        if user.is_authenticated and user.organisation_id is not None:
            shared |= Q(organisation_id=user.organisation_id, is_shipped=False)
        return self.library().filter(shared)

    def for_review(self, review: Review) -> LetterTemplateQuerySet:
        """What a review's letter may be written from: the shipped templates and the lead
        organisation's own."""
        return self.library().filter(
            Q(is_shipped=True) | Q(organisation_id=review.lead_organisation_id, is_shipped=False)
        )


class LetterTemplate(Versioned):
    """A letter's structure: its sections in order, and how it is headed and signed.

    Shipped templates (``is_shipped``) come with the product and are copied, never changed. An
    organisation's templates are kept by its coordinators. A letter's own copy has ``letter`` set.
    """

    class Numbering(models.TextChoices):
        DECIMAL = "decimal", "Sections 1., 2., 3. and subsections 5.1, 5.2"
        SECTIONS = "sections", "Sections 1., 2., 3. only"
        NONE = "none", "No numbers"

    class EnquiriesTo(models.TextChoices):
        LEAD_REVIEWER = "lead_reviewer", "The lead reviewer"
        COORDINATOR = "coordinator", "The coordinator"
        NAMED = "named", "A named person"
        NONE = "none", "Leave out “Enquiries to”"

    class Signatory(models.TextChoices):
        LEAD_REVIEWER = "lead_reviewer", "The lead reviewer"
        DIRECTOR = "director", "The lead organisation's signatory (from its letterhead)"
        NAMED = "named", "A named person"

    class Continuation(models.TextChoices):
        CONTINUED = "Continued", "“Continued” at the top of every page after the first"
        CONTINUED_SLASH = (
            "Continued/...",
            "“Continued/...” at the top of every page after the first",
        )
        NONE = "", "No continuation marker"

    class Document(models.TextChoices):
        LETTER = "letter", "A feedback letter"
        COMMITTEE_REPORT = "committee_report", "A report to a council committee"

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    document = models.CharField(
        max_length=20,
        choices=Document.choices,
        default=Document.LETTER,
        help_text="What it is the structure of: a review's letter, or an authority's report.",
    )
    is_shipped = models.BooleanField(default=False, help_text="Ships with the product; read-only.")
    key = models.SlugField(
        max_length=60, blank=True, help_text="A shipped template's name in code (its loader)."
    )
    default_for_kinds = models.JSONField(
        default=list,
        blank=True,
        help_text="Kinds of review whose letters start from this shipped template.",
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="letter_templates",
        help_text="Whose template this is. Empty for the shipped ones.",
    )
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies"
    )
    numbering = models.CharField(
        max_length=10, choices=Numbering.choices, default=Numbering.DECIMAL
    )
    title = models.TextField(
        "title",
        blank=True,
        help_text="One line per line of the title. Placeholders such as {host} are filled in.",
    )
    title_capitals = models.BooleanField("print the title in capitals", default=False)
    salutation = models.CharField(max_length=200, default="Dear {first name}")
    show_your_reference = models.BooleanField("print “Your reference”", default=True)
    show_our_reference = models.BooleanField("print “Our reference”", default=True)
    enquiries_to = models.CharField(
        max_length=20, choices=EnquiriesTo.choices, default=EnquiriesTo.LEAD_REVIEWER
    )
    enquiries_name = models.CharField("name for “Enquiries to”", max_length=200, blank=True)
    show_enquiries_email = models.BooleanField("print their email address", default=False)
    enquiries_phone = models.CharField("direct line", max_length=40, blank=True)
    show_date = models.BooleanField("print the date", default=True)
    sign_off = models.CharField(max_length=100, default="Yours sincerely")
    signatory = models.CharField(
        max_length=20, choices=Signatory.choices, default=Signatory.DIRECTOR
    )
    signatory_name = models.CharField("name of the person who signs", max_length=200, blank=True)
    signatory_title = models.CharField("their job title", max_length=200, blank=True)
    show_signatory_organisation = models.BooleanField(
        "print the lead organisation's name under the signatory", default=True
    )
    signature = models.FileField(
        "signature image",
        upload_to="signatures/",
        blank=True,
        max_length=300,
        validators=[FileExtensionValidator(["png", "jpg", "jpeg"])],
    )
    first_page_footer = models.CharField(
        "first-page footer line",
        max_length=300,
        blank=True,
        help_text="Printed at the foot of the first page. Empty: the letterhead's own, if it has one.",
    )
    continuation = models.CharField(
        "continuation marker",
        max_length=20,
        choices=Continuation.choices,
        default=Continuation.CONTINUED_SLASH,
        blank=True,
    )

    objects = LetterTemplateQuerySet.as_manager()

    class Meta:
        ordering = ["-is_shipped", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=Q(is_shipped=True), name="one_shipped_template_per_key"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("reports:template-detail", kwargs={"pk": self.pk})

    def may_be_edited_by(self, user: User) -> bool:
        """Only coordinators of the organisation that owns this template may change it. The shipped
        ones (and any without an organisation) are read-only to everyone; a letter's own copy is
        changed through the letter (its lead reviewer), not here: it has no organisation."""
        return (
            not self.is_shipped
            and self.organisation_id is not None
            and user.is_authenticated
            and user.organisation_id is not None
            and self.organisation_id == user.organisation_id
        )

    SETTINGS = (
        "numbering",
        "title",
        "title_capitals",
        "salutation",
        "show_your_reference",
        "show_our_reference",
        "enquiries_to",
        "enquiries_name",
        "show_enquiries_email",
        "enquiries_phone",
        "show_date",
        "sign_off",
        "signatory",
        "signatory_name",
        "signatory_title",
        "show_signatory_organisation",
        "signature",
        "first_page_footer",
        "continuation",
    )

    def copy(self, **values: Any) -> LetterTemplate:
        """A new template with this one's settings and sections (``values`` override the settings:
        ``name``, ``organisation`` ...). The caller holds the transaction."""
        fields = {name: getattr(self, name) for name in ("name", "description", *self.SETTINGS)}
        fields.update(values)
        copy = LetterTemplate.objects.create(copied_from=self, **fields)
        self.copy_sections_to(copy)
        return copy

    def copy_sections_to(self, other: LetterTemplate) -> None:
        TemplateSection.objects.bulk_create(
            [
                TemplateSection(
                    template=other,
                    **{f: getattr(section, f) for f in TemplateSection.COPIED},
                )
                for section in self.sections.all()
            ]
        )


class TemplateSection(models.Model):
    """One section of a letter template: its heading, numbering, what fills it, and when it shows."""

    class Content(models.TextChoices):
        GENERATED = "generated", "Text written from the review's data"
        FREE = "free", "Text written here, with placeholders"
        OWN = "own", "The lead reviewer's own words (starts empty in every letter)"

    class Show(models.TextChoices):
        WHEN_FILLED = "filled", "Only when it has something to say"
        ALWAYS = "always", "Always, even when it is empty"

    template = models.ForeignKey(LetterTemplate, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField(default=0)
    key = models.SlugField(max_length=60)
    heading = models.CharField(max_length=300, blank=True)
    numbered = models.BooleanField("number the heading", default=True)
    subsection = models.BooleanField("a subsection of the section before", default=False)
    content = models.CharField(max_length=10, choices=Content.choices, default=Content.GENERATED)
    block = models.CharField("generated text", max_length=40, blank=True)
    detail = models.BooleanField(
        "with detail",
        default=False,
        help_text="Key lines of enquiry: with their descriptions. The annex: with its chart.",
    )
    text = models.TextField(blank=True)
    show = models.CharField(max_length=10, choices=Show.choices, default=Show.WHEN_FILLED)
    hidden = models.BooleanField("leave out of the letter", default=False)

    COPIED = (
        "position",
        "key",
        "heading",
        "numbered",
        "subsection",
        "content",
        "block",
        "detail",
        "text",
        "show",
        "hidden",
    )

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["template", "key"], name="one_section_per_key"),
        ]

    def __str__(self) -> str:
        return self.heading or self.key


class Letter(Versioned):
    """One per review: its own copy of a template, its date, and where it is between draft and issued.

    ``template`` is the letter's own copy, taken when the letter is started (its first change);
    ``source`` is the library template it was copied from.
    """

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="letter")
    template = models.OneToOneField(
        LetterTemplate, on_delete=models.PROTECT, null=True, blank=True, related_name="letter"
    )
    source = models.ForeignKey(
        LetterTemplate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    date = models.DateField(
        "date of the letter", null=True, blank=True, help_text="Empty: the day it is issued."
    )
    shared_at = models.DateTimeField(null=True, blank=True)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The date the host is asked to reply by with factual corrections (set when shared).
    reply_by = models.DateField("reply by", null=True, blank=True)

    def __str__(self) -> str:
        return f"Letter for {self.review}"

    @property
    def reply_overdue(self) -> bool:
        return self.reply_by is not None and self.reply_by < timezone.localdate()

    def get_absolute_url(self) -> str:
        return reverse("reports:letter", kwargs={"pk": self.review_id})


class SectionEdit(Versioned):
    """The lead reviewer's own text for one section, in place of the generated text.

    ``generated_hash`` is the hash of the generated text the edit was made against: when the review's
    data later changes the generated text, the letter says so (the edit is kept).
    """

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="edits")
    key = models.CharField(max_length=60)
    text = models.TextField()
    generated_hash = models.CharField(max_length=64)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["letter", "key"], name="one_edit_per_section"),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.letter})"


class SlideEdit(Versioned):
    """The lead reviewer's change to one slide of the feedback presentation (all its continued
    slides), or a slide they added (``added``). Empty ``title`` or ``text``: the generated one."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="slide_edits")
    key = models.CharField(max_length=60)
    title = models.CharField(max_length=200, blank=True)
    text = models.TextField(blank=True)
    hidden = models.BooleanField(default=False)
    # Where the slide goes: slides are shown by this, then in their own order.
    position = models.PositiveIntegerField(null=True, blank=True)
    added = models.BooleanField(default=False)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["letter", "key"], name="one_edit_per_slide"),
        ]

    def __str__(self) -> str:
        return f"slide {self.key} ({self.letter})"


class SectionRevision(models.Model):
    """Every change to a section's text, kept: the section's history for the lead reviewer."""

    class Action(models.TextChoices):
        EDITED = "edited", "Edited"
        RESET = "reset", "Reset to the generated text"
        STRUCTURE = "structure", "Heading, place or visibility changed"

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="revisions")
    key = models.CharField(max_length=60)
    title = models.CharField(max_length=300)
    action = models.CharField(max_length=10, choices=Action.choices)
    text = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["letter", "key"])]

    def __str__(self) -> str:
        return f"{self.title}: {self.get_action_display()}"


class Comment(models.Model):
    """A factual accuracy comment by the host lead contact, on a section or a quoted passage."""

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for a reply"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="comments")
    section_key = models.CharField(max_length=60)
    section_title = models.CharField(max_length=300)
    quote = models.TextField("passage", blank=True)
    text = models.TextField("comment")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    reply = models.TextField(blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    replied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="comment_has_text"),
            models.CheckConstraint(
                condition=Q(status="open") | ~Q(reply=""), name="answered_comment_has_reply"
            ),
        ]

    def __str__(self) -> str:
        return f"Comment on {self.section_title}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


def _version_path(instance: LetterVersion, filename: str) -> str:
    # Server-chosen names only: nothing a person typed reaches a path.
    return f"letters/review-{instance.letter.review_id}/v{instance.number}/{filename}"


class LetterVersion(models.Model):
    """An issued letter, frozen: the files as issued, their SHA-256, who issued it and when.

    Nothing changes an issued version; issuing again makes the next number. The figures of the annex
    and the sections' text are kept too, so they outlive the case-level data (retention).
    """

    letter = models.ForeignKey(Letter, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    template_name = models.CharField(max_length=200, blank=True)
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    pdf = models.FileField(upload_to=_version_path, max_length=300)
    pdf_sha256 = models.CharField(max_length=64)
    pdf_size = models.PositiveIntegerField(default=0)
    docx = models.FileField(upload_to=_version_path, max_length=300)
    docx_sha256 = models.CharField(max_length=64)
    docx_size = models.PositiveIntegerField(default=0)
    # The feedback presentation as issued with this version, PowerPoint and PDF, from one slide model
    # (empty on versions issued before the presentation was stored).
    pptx = models.FileField(upload_to=_version_path, max_length=300, blank=True)
    pptx_sha256 = models.CharField(max_length=64, blank=True)
    slides_pdf = models.FileField(upload_to=_version_path, max_length=300, blank=True)
    slides_pdf_sha256 = models.CharField(max_length=64, blank=True)
    content = models.JSONField(default=dict, help_text="The sections' text and the annex figures.")

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["letter", "number"], name="one_number_per_version"),
        ]

    def __str__(self) -> str:
        return f"Version {self.number}"


class LetterDownload(models.Model):
    """Who downloaded which issued version, and when (also written to the audit trail)."""

    version = models.ForeignKey(LetterVersion, on_delete=models.CASCADE, related_name="downloads")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    file_format = models.CharField(max_length=12)  # pdf, docx, pptx, slides-pdf
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.version} ({self.file_format})"
