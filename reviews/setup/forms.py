"""Forms for a review, its frameworks and KLOEs, and its team."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.forms import BaseInlineFormSet, inlineformset_factory

from accounts.models import Organisation, User
from core.forms import END_AFTER_START, GovukDateField, GovukFormMixin, check_date_order
from core.versioning import VersionedFormMixin
from reviews.setup.models import (
    COORDINATOR_STATUSES,
    INTERNAL_AUDIT_ROLES,
    PEER_REVIEW_ROLES,
    Framework,
    Invitation,
    Kloe,
    Membership,
    Review,
    Role,
)

EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.gov.uk"


class DateField(GovukDateField):
    """The GOV.UK date input, with messages that say which date and what is wrong."""

    def __init__(self, *, label: str, required: bool = True, **kwargs: Any) -> None:
        super().__init__(label=label, required=required, **kwargs)
        what = label[0].lower() + label[1:]
        self.error_messages["required"] = f"Enter the {what}"
        self.error_messages["incomplete"] = f"Enter the {what} as a day, month and year"
        self.what = what

    def compress(self, data_list: list[str]) -> dt.date | None:
        try:
            return super().compress(data_list)
        except ValidationError:
            raise ValidationError(f"The {self.what} must be a real date") from None


class PersonChoiceField(forms.ModelMultipleChoiceField):
    default_error_messages = {
        "invalid_choice": "Choose only people who are on this review",
        "invalid_pk_value": "Choose only people who are on this review",
    }

    def label_from_instance(self, obj: User) -> str:
        return obj.full_name or obj.email


# Reviews -----------------------------------------------------------------------------------------


class ReviewForm(GovukFormMixin, VersionedFormMixin, forms.ModelForm):
    one_line_fields = ("title",)  # in email subjects and calendar entries
    start_date = DateField(label="Start date", required=False)
    end_date = DateField(label="End date", required=False)

    class Meta:
        model = Review
        fields = [
            "title",
            "host",
            "lead_organisation",
            "kind",
            "kind_other",
            "delivery",
            "start_date",
            "end_date",
            "request",
            "addressee_name",
            "addressee_title",
            "our_reference",
            "your_reference",
        ]
        labels = {
            "host": "Host authority",
            "lead_organisation": "Lead organisation",
            "kind": "Kind of review",
            "kind_other": "If other, what kind of review",
            "request": "The host's request and scope",
            "addressee_name": "Letter addressee",
            "addressee_title": "Addressee's job title",
        }
        widgets = {"kind": forms.RadioSelect, "delivery": forms.RadioSelect}
        error_messages = {
            "title": {"required": "Enter a title for the review"},
            "host": {"required": "Choose the host authority"},
            "lead_organisation": {"required": "Choose the lead organisation"},
        }

    def __init__(self, *args: Any, user: User, creating: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        host = cast(forms.ModelChoiceField, self.fields["host"])
        lead = cast(forms.ModelChoiceField, self.fields["lead_organisation"])
        host.queryset = Organisation.objects.order_by("name")
        lead.queryset = Organisation.objects.order_by("name")
        host.empty_label = "Choose the host authority"
        lead.empty_label = "Choose the lead organisation"
        if creating:
            self.fields["framework"] = forms.ModelChoiceField(
                label="Key lines of enquiry",
                help_text="The review takes its own copy, which you can adjust later.",
                queryset=Framework.objects.usable_by(user),
                widget=forms.RadioSelect,
                error_messages={"required": "Choose the key lines of enquiry for this review"},
            )
        else:
            self.fields["status"] = forms.ChoiceField(
                label="Status", choices=Review.Status.choices, initial=self.instance.status
            )
            self.fields["status_reason"] = forms.CharField(
                label="If you move the review back to an earlier stage, say why",
                help_text="Kept in the review's audit trail, with your name.",
                required=False,
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 3}),
                error_messages={"max_length": "The reason must be 1,000 characters or fewer"},
            )

    def clean_host(self) -> Organisation:
        host = self.cleaned_data["host"]
        review = self.instance
        if review.pk and host.pk != review.host_id and review.host_is_settled:
            raise ValidationError(
                "The host authority cannot be changed once the review has started (it is past "
                "scoping, or someone from the host has joined it). If it must change, ask an "
                "administrator."
            )
        return host

    def clean_status(self) -> str:
        status = self.cleaned_data["status"]
        if not self.instance.coordinator_may_set_status(status):
            if self.instance.status == Review.Status.ACCURACY_CHECK:
                raise ValidationError(
                    "The status cannot be changed by hand during the factual accuracy check: it "
                    "moves to “Letter issued” when the lead reviewer issues the letter."
                )
            if self.instance.status not in COORDINATOR_STATUSES:
                raise ValidationError(
                    "The letter has been issued: the status can no longer be changed."
                )
            raise ValidationError(
                "Choose scoping, preparation, fieldwork or drafting the letter. The factual "
                "accuracy check starts when the lead reviewer shares the draft letter, and "
                "“Letter issued” when they issue it."
            )
        return status

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        host, lead = data.get("host"), data.get("lead_organisation")
        if host and lead and host == lead:
            self.add_error(
                "lead_organisation", "The lead organisation cannot be the host authority"
            )
        if data.get("kind") == Review.Kind.OTHER and not data.get("kind_other"):
            self.add_error("kind_other", "Enter the kind of review")
        check_date_order(self, data, "start_date", "end_date", END_AFTER_START)
        status = data.get("status")
        if (
            "status_reason" in self.fields
            and status
            and self.instance.is_step_back(status)
            and not (data.get("status_reason") or "").strip()
        ):
            self.add_error(
                "status_reason",
                f"Say why the review goes back from “{self.instance.get_status_display()}” to "
                f"“{Review.Status(status).label}”",
            )
        return data


# Frameworks --------------------------------------------------------------------------------------


class FrameworkCopyForm(GovukFormMixin, forms.Form):
    name = forms.CharField(
        label="Name of your copy",
        max_length=200,
        error_messages={"required": "Enter a name for your copy"},
    )


class FrameworkForm(GovukFormMixin, VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Framework
        fields = ["name", "description", "rag_red", "rag_amber", "rag_green"]
        widgets = {
            f: forms.Textarea(attrs={"rows": 2}) for f in ("rag_red", "rag_amber", "rag_green")
        }
        error_messages = {"name": {"required": "Enter a name for the framework"}}


class KloeForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = Kloe
        fields = ["position", "group", "heading", "prompts"]
        labels = {"position": "Order", "group": "Group (optional)", "prompts": "Prompts (optional)"}
        widgets = {"prompts": forms.Textarea(attrs={"rows": 2})}
        error_messages = {
            "heading": {"required": "Enter the heading of this key line of enquiry"},
            "position": {"invalid": "Enter the order as a whole number, like 3"},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["position"].required = False
        self.fields["position"].widget.attrs.update(
            {"class": "govuk-input govuk-input--width-3", "inputmode": "numeric"}
        )

    def clean_position(self) -> int:
        position = self.cleaned_data.get("position")
        return 10_000 if position is None else position


class BaseKloeFormSet(BaseInlineFormSet):
    default_error_messages = {
        "too_many_forms": "A framework can have at most %(num)d key lines of enquiry",
    }

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Remove this line"


MAX_KLOES = 50


KloeFormSet = inlineformset_factory(
    Framework,
    Kloe,
    form=KloeForm,
    formset=BaseKloeFormSet,
    extra=3,
    can_delete=True,
    can_order=False,
    # Real frameworks have about 20 lines. The caps also stop a forged form count from making the
    # server build and show a thousand empty lines (Django's default ceiling).
    max_num=MAX_KLOES,
    validate_max=True,
    absolute_max=MAX_KLOES + 10,
)


# Team --------------------------------------------------------------------------------------------


def _council_field(label: str = "Council") -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=200,
        required=False,
        help_text="As the letter and the team page name it, for example Barnsley Council. A label "
        "only: it gives no access to that council's documents or tools.",
    )


def _job_title_field(label: str = "Job title") -> forms.CharField:
    return forms.CharField(label=label, max_length=200, required=False)


def works_for_host(review: Review, *, council: str, person: User | None = None) -> bool:
    """Is someone shown with ``council`` (or working for ``person``'s organisation) of the host
    authority? Names are compared without case or surrounding spaces."""
    if person is not None and person.organisation_id == review.host_id:
        return True
    shown = " ".join(council.split()).casefold()
    host = review.host
    return bool(shown) and shown in {
        " ".join(n.split()).casefold() for n in (host.name, host.short_name) if n
    }


class InvitationForm(GovukFormMixin, forms.Form):
    """An invitation: who, their role, and how they are shown on the review.

    Inviting a reviewer or lead reviewer shown as working for the host authority is a conflict of
    interest: the form says so and is valid only once ``confirm_conflict`` is ticked (a field that
    is there only then). Nothing is sent before."""

    full_name = forms.CharField(label="Full name", max_length=150, required=False)
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={"required": "Enter the email address", "invalid": EMAIL_FORMAT},
    )
    job_title = _job_title_field()
    council = _council_field()
    role = forms.ChoiceField(
        label="Role on the review",
        choices=Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a role"},
    )
    confirm_conflict = forms.BooleanField(label="I confirm the invitation", required=False)

    def __init__(self, *args: Any, review: Review, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.review = review
        self.conflict = False
        cast(forms.ChoiceField, self.fields["role"]).choices = role_choices(review)
        self.fields["council"].help_text = (
            "As the letter and the team page name it, for example Barnsley Council. Left empty, "
            "the council of their account, if they have one. A label only: it gives no access to "
            "that council's documents or tools."
        )
        self.fields["confirm_conflict"].label = (
            f"I confirm that this person should review {review.host.name} although they are shown "
            "as working for it"
        )
        # The box is there only once a conflict of interest is found, or when it was ticked.
        self._confirm = self.fields["confirm_conflict"]
        if not self.is_bound or not self.data.get(self.add_prefix("confirm_conflict")):
            del self.fields["confirm_conflict"]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        member = (
            Membership.objects.filter(review=self.review, user__email__iexact=email)
            .select_related("user")
            .first()
        )
        if member:
            raise ValidationError(
                f"{email} is already on this review as {member.get_role_display().lower()}"
            )
        if Invitation.objects.pending().filter(review=self.review, email__iexact=email).exists():
            raise ValidationError(
                f"An invitation to {email} has already been sent: resend it from the list of invitations"
            )
        return email

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        email = data.get("email")
        person = (
            User.objects.select_related("organisation").filter(email__iexact=email).first()
            if email
            else None
        )
        if person is not None:
            # Prefilled from their account: their organisation's name and their job title.
            if not data.get("council") and person.organisation is not None:
                data["council"] = person.organisation.name
            if not data.get("job_title"):
                data["job_title"] = person.job_title
        role = data.get("role")
        if role in (Role.REVIEWER, Role.LEAD_REVIEWER) and works_for_host(
            self.review, council=data.get("council", ""), person=person
        ):
            self.conflict = True
            self.fields["confirm_conflict"] = self._confirm
            if not data.get("confirm_conflict"):
                self.add_error(
                    "confirm_conflict",
                    f"Confirm that this person should review {self.review.host.name} although they "
                    "are shown as working for it, or change their role or council",
                )
        return data


def role_choices(review: Review | None) -> list[tuple[str, str]]:
    """The roles people can have on this review: a peer review's, or an authority's own audit's."""
    roles = (
        INTERNAL_AUDIT_ROLES
        if review is not None and review.is_internal_audit
        else PEER_REVIEW_ROLES
    )
    return [(role.value, role.label) for role in roles]


class RoleForm(GovukFormMixin, forms.Form):
    role = forms.ChoiceField(
        label="New role",
        choices=role_choices(None),
        error_messages={"required": "Choose a role"},
    )

    def __init__(self, *args: Any, review: Review | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["role"]).choices = role_choices(review)


class ShownAsForm(GovukFormMixin, forms.Form):
    """How someone is shown on the review: the acceptance page for an existing account."""

    job_title = _job_title_field("Your job title")
    council = _council_field("Your council")


class MemberShownAsForm(GovukFormMixin, VersionedFormMixin, forms.Form):
    """The coordinator's correction of how a member is shown on the review."""

    version_required = True
    job_title = _job_title_field()
    council = _council_field()


class AcceptNewAccountForm(GovukFormMixin, forms.Form):
    full_name = forms.CharField(
        label="Your full name", max_length=150, error_messages={"required": "Enter your full name"}
    )
    job_title = _job_title_field("Your job title")
    council = _council_field("Your council")
    password1 = forms.CharField(
        label="Create a password",
        strip=False,
        help_text="At least 12 characters.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter a password"},
    )
    password2 = forms.CharField(
        label="Confirm the password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter the password again"},
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The passwords do not match")
        elif p1:
            try:
                password_validation.validate_password(
                    p1, User(email=self.email, full_name=data.get("full_name", ""))
                )
            except ValidationError as error:
                self.add_error("password1", error)
        return data


# Several invitations at once ---------------------------------------------------------------------

MAX_PASTED_PEOPLE = 50

# Roles as people write them, without case, hyphens or underscores ("lead reviewer", "Host lead").
ROLE_WORDS: dict[str, str] = {
    **{label.casefold(): str(value) for value, label in Role.choices},
    **{str(value).replace("_", " "): str(value) for value in Role.values},
    "lead": Role.LEAD_REVIEWER,
    "host lead": Role.HOST_LEAD,
    "host contact": Role.HOST_LEAD,
    "host lead contact": Role.HOST_LEAD,
    "lead contact": Role.HOST_LEAD,
    "host": Role.HOST_STAFF,
    "staff": Role.HOST_STAFF,
}
ROLES_IN_WORDS = ", ".join(label.lower() for label in Role.labels)


def role_from_words(words: str) -> str | None:
    """``"Lead reviewer"``, ``"lead-reviewer"``, ``"reviewers"`` → the role's value; else None."""
    key = " ".join(words.replace("-", " ").replace("_", " ").split()).casefold()
    return ROLE_WORDS.get(key) or ROLE_WORDS.get(key.removesuffix("s"))


class PastedPerson:
    """One pasted line: what it says and what is wrong with it (``errors``)."""

    def __init__(self, number: int, text: str) -> None:
        self.number = number
        self.text = text
        self.full_name = ""
        self.email = ""
        self.role = ""
        self.council = ""
        self.job_title = ""
        self.errors: list[str] = []

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role in Role.values else ""

    @property
    def described(self) -> str:
        return ", ".join(part for part in (self.job_title, self.council) if part)


def _cells(line: str) -> list[str]:
    """A spreadsheet's row (tabs) or a typed line (commas, or semicolons)."""
    for separator in ("\t", ";", ","):
        if separator in line:
            return [" ".join(cell.split()) for cell in line.split(separator)]
    return [" ".join(line.split())]


def parse_people(text: str) -> list[PastedPerson]:
    """Each non-blank line: name, email, role, then optionally council and job title.

    Checks each line on its own (the members and pending invitations are checked by the form)."""
    email_field = forms.EmailField(max_length=254)
    people: list[PastedPerson] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        person = PastedPerson(number, line.strip())
        people.append(person)
        cells = _cells(line)
        if len(cells) > 5:
            person.errors.append(
                "has more than 5 parts: give the name, email, role, council and job title, "
                "separated by commas (a name or job title cannot contain a comma)"
            )
            continue
        name, email, role, council, job_title = (cells + [""] * 5)[:5]
        person.full_name, person.council, person.job_title = name, council, job_title
        if not email:
            person.errors.append(
                "has no email address: give the name, then the email, then the role"
            )
        else:
            try:
                person.email = email_field.clean(email).lower()
            except ValidationError:
                person.errors.append(
                    f"“{email[:60]}” is not an email address, like name@example.gov.uk"
                )
        if not role:
            person.errors.append(f"has no role: write one of {ROLES_IN_WORDS}")
        else:
            found = role_from_words(role)
            if found is None:
                person.errors.append(f"“{role[:60]}” is not a role: write one of {ROLES_IN_WORDS}")
            else:
                person.role = found
        if len(name) > 150:
            person.errors.append("has a name longer than 150 characters")
        if len(council) > 200 or len(job_title) > 200:
            person.errors.append("has a council or job title longer than 200 characters")
        if person.email:
            if person.email in seen:
                person.errors.append(
                    f"repeats {person.email}, already on line {seen[person.email]}"
                )
            else:
                seen[person.email] = number
    return people


class BulkInvitationForm(GovukFormMixin, forms.Form):
    """Several people pasted at once, one a line. Valid only when every line is, unless
    ``valid_only`` says to invite the valid lines and leave the others in the box."""

    people = forms.CharField(
        label="People to invite, one a line",
        help_text="On each line: name, email address, role, then (if you want) council and job "
        "title as shown on the review, separated by commas or pasted from a spreadsheet. Roles: "
        f"{ROLES_IN_WORDS}. For example: Sam Patel, sam.patel@example.gov.uk, reviewer, Barnsley "
        "Council, Head of Service",
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        error_messages={"required": "Paste or type at least one person"},
    )
    valid_only = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, review: Review, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.review = review
        self.pasted: list[PastedPerson] = []

    @property
    def valid_people(self) -> list[PastedPerson]:
        return [person for person in self.pasted if not person.errors]

    @property
    def invalid_people(self) -> list[PastedPerson]:
        return [person for person in self.pasted if person.errors]

    def clean_people(self) -> str:
        text: str = self.cleaned_data["people"]
        self.pasted = parse_people(text)
        if not self.pasted:
            raise ValidationError("Paste or type at least one person")
        if len(self.pasted) > MAX_PASTED_PEOPLE:
            raise ValidationError(
                f"Invite at most {MAX_PASTED_PEOPLE} people at once: you gave {len(self.pasted)}"
            )
        self._check_against_the_review()
        return text

    def _check_against_the_review(self) -> None:
        emails = [person.email for person in self.pasted if person.email]
        members = {
            m.user.email.lower(): m
            for m in Membership.objects.filter(review=self.review, user__email__in=emails)
            .select_related("user")
            .only("role", "user__email")
        }
        invited = {
            e.lower()
            for e in Invitation.objects.pending()
            .filter(review=self.review, email__in=emails)
            .values_list("email", flat=True)
        }
        accounts = {
            u.email.lower(): u
            for u in User.objects.select_related("organisation").filter(email__in=emails)
        }
        for person in self.pasted:
            if not person.email:
                continue
            member = members.get(person.email)
            if member is not None:
                person.errors.append(
                    f"{person.email} is already on this review as {member.get_role_display().lower()}"
                )
                continue
            if person.email in invited:
                person.errors.append(
                    f"an invitation to {person.email} has already been sent: resend it from the "
                    "list of invitations"
                )
                continue
            account = accounts.get(person.email)
            if account is not None:  # prefilled from their account, as one invitation is
                if not person.council and account.organisation is not None:
                    person.council = account.organisation.name
                if not person.job_title:
                    person.job_title = account.job_title
                if not person.full_name:
                    person.full_name = account.full_name
            if person.role in (Role.REVIEWER, Role.LEAD_REVIEWER) and works_for_host(
                self.review, council=person.council, person=account
            ):
                person.errors.append(
                    f"{person.email} is shown as working for {self.review.host.name}, the "
                    "authority being reviewed: invite them on their own (Invite someone) to "
                    "confirm the conflict of interest, or change their role or council"
                )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "people" not in self.errors and self.pasted:
            broken = self.invalid_people
            if broken and not (data.get("valid_only") and self.valid_people):
                self.add_error(
                    "people",
                    [f"Line {person.number}: {'; '.join(person.errors)}" for person in broken],
                )
        return data
