"""The forms of an authority's audit programme (issue 23)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError

from accounts.models import Organisation, User
from audits.models import AuditTool, LiveAuditRecord
from core.forms import END_AFTER_START, GovukDateField, GovukFormMixin, check_date_order
from core.versioning import VersionedFormMixin
from reviews.setup.models import Agency, Membership, Review, Role

EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.gov.uk"


class _DateField(GovukDateField):
    def __init__(self, *, label: str, **kwargs: Any) -> None:
        super().__init__(label=label, required=False, **kwargs)


def _scope_field() -> forms.CharField:
    return forms.CharField(
        label="What the audit looks at (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )


class InternalAuditForm(GovukFormMixin, forms.Form):
    """A new audit of the authority's own: its kind, theme, criteria and dates."""

    one_line_fields = ("title", "audit_theme")

    title = forms.CharField(
        label="Title",
        max_length=250,
        help_text="For example: Front door case file audit, spring 2026",
        error_messages={"required": "Enter a title for the audit"},
    )
    audit_kind = forms.ChoiceField(
        label="Kind of audit",
        choices=Review.AuditKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of audit"},
    )
    audit_theme = forms.CharField(
        label="Theme (for a thematic audit)",
        max_length=200,
        required=False,
        help_text="For example: child exploitation",
    )
    tool = forms.ModelChoiceField(
        label="Audit tool (the criteria)",
        queryset=AuditTool.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        help_text="The audit gets its own copy. A thematic audit uses a tool with its own criteria: "
        "copy one in the audit tools library and adapt it first.",
        error_messages={
            "required": "Choose an audit tool",
            "invalid_choice": "Choose an audit tool",
        },
    )
    start_date = _DateField(label="Start date")
    end_date = _DateField(label="End date")
    request_text = _scope_field()

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tools = AuditTool.objects.visible_to(user).order_by("organisation_id", "name", "pk")
        cast(forms.ModelChoiceField, self.fields["tool"]).queryset = tools

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (
            data.get("audit_kind") == Review.AuditKind.THEMATIC
            and not (data.get("audit_theme") or "").strip()
        ):
            self.add_error("audit_theme", "Enter the theme of the thematic audit")
        check_date_order(self, data, "start_date", "end_date", END_AFTER_START)
        return data


class InternalAuditDetailsForm(GovukFormMixin, VersionedFormMixin, forms.ModelForm):
    """An own audit's details once it has started: its kind and its criteria stay as they began
    (its case audits rest on them); a thematic audit's theme can be put better."""

    one_line_fields = ("title", "audit_theme")

    start_date = _DateField(label="Start date")
    end_date = _DateField(label="End date")
    request = _scope_field()

    class Meta:
        model = Review
        fields = ["title", "audit_theme", "start_date", "end_date", "request"]
        labels = {"title": "Title", "audit_theme": "Theme"}
        help_texts = {"audit_theme": "For example: child exploitation"}
        error_messages = {"title": {"required": "Enter a title for the audit"}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.audit_kind != Review.AuditKind.THEMATIC:
            del self.fields["audit_theme"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "audit_theme" in self.fields and not (data.get("audit_theme") or "").strip():
            self.add_error("audit_theme", "Enter the theme of the thematic audit")
        check_date_order(self, data, "start_date", "end_date", END_AFTER_START)
        return data


class ReopenAuditForm(GovukFormMixin, forms.Form):
    """Why a closed audit is reopened: kept in its trail."""

    reason = forms.CharField(
        label="Why are you reopening the audit?",
        help_text="Kept in the audit's trail, with your name.",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Say why you are reopening the audit",
            "max_length": "The reason must be 1,000 characters or fewer",
        },
    )


class AuditInvitationForm(GovukFormMixin, forms.Form):
    """Invite a quality assurance colleague, a partner auditor or a moderating peer."""

    one_line_fields = ("full_name", "council", "job_title")

    full_name = forms.CharField(label="Full name", max_length=150, required=False)
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={"required": "Enter the email address", "invalid": EMAIL_FORMAT},
    )
    role = forms.ChoiceField(
        label="Role on the audit",
        choices=[
            (Role.QA_AUDITOR.value, "Quality assurance auditor: runs the whole audit"),
            (Role.PARTNER_AUDITOR.value, "Partner auditor: sees only the cases assigned to them"),
            (
                Role.MODERATING_PEER.value,
                "Moderating peer from another council: sees only the audits chosen for moderation",
            ),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a role"},
    )
    agency = forms.ChoiceField(
        label="Partner auditor's agency",
        choices=Agency.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    council = forms.CharField(
        label="Council or organisation shown (optional)",
        max_length=200,
        required=False,
        help_text="For a moderating peer, their council, for example Sheffield City Council.",
    )
    job_title = forms.CharField(label="Job title shown (optional)", max_length=200, required=False)

    def __init__(self, *args: Any, review: Review, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.review = review

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if Membership.objects.filter(review=self.review, user__email__iexact=email).exists():
            raise ValidationError(f"{email} is already on this audit")
        return email

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("role") == Role.PARTNER_AUDITOR and not data.get("agency"):
            self.add_error("agency", "Choose the partner auditor's agency")
        return data


class QualityAssuranceGrantForm(GovukFormMixin, forms.Form):
    """Give a person of the authority its quality assurance role, by their email address."""

    email = forms.EmailField(
        label="Email address of the person",
        max_length=254,
        help_text="They must already have an account in your organisation.",
        error_messages={"required": "Enter the email address", "invalid": EMAIL_FORMAT},
    )

    def __init__(self, *args: Any, authority: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.authority = authority
        self.person: User | None = None

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        person = User.objects.filter(
            email__iexact=email, organisation=self.authority, is_active=True
        ).first()
        if person is None:
            raise ValidationError(
                f"No one of {self.authority.display_name} has an account with that email address"
            )
        self.person = person
        return email


class PeerSampleForm(GovukFormMixin, forms.Form):
    """Which completed audits peers from another council moderate."""

    cases = forms.TypedMultipleChoiceField(
        label="Completed audits for peer moderation",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Choose from the completed audits listed"},
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["cases"]).choices = choices


class LiveAuditRecordForm(GovukFormMixin, VersionedFormMixin, forms.ModelForm):
    """The live audit's record, made with the social worker present."""

    one_line_fields = ("worker_name", "worker_role")

    class Meta:
        model = LiveAuditRecord
        fields = ["worker_name", "worker_role", "worker_email", "reflection", "learning_agreed"]
        labels = {
            "worker_name": "Social worker's name",
            "worker_role": "Social worker's role",
            "worker_email": "Social worker's email address",
            "reflection": "The social worker's reflection",
            "learning_agreed": "The learning agreed",
        }
        help_texts = {
            "worker_name": "A member of staff. Never write a child's or family member's name here.",
            "worker_email": "The record is sent here for the social worker to confirm.",
        }
        widgets = {
            "reflection": forms.Textarea(attrs={"rows": 5}),
            "learning_agreed": forms.Textarea(attrs={"rows": 5}),
        }
        error_messages = {
            "worker_name": {"required": "Enter the social worker's name"},
            "worker_email": {"invalid": EMAIL_FORMAT},
        }


class LiveAuditConfirmForm(GovukFormMixin, forms.Form):
    """The social worker confirms the record of their live audit."""

    comment = forms.CharField(
        label="Your comment (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        label="I confirm this is a fair record of the live audit",
        error_messages={"required": "Tick the box to confirm the record"},
    )
