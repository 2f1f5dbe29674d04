from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth import forms as auth_forms
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import MaxLengthValidator
from django.utils.text import slugify

from accounts.models import Organisation
from core.email import send_email
from core.forms import GovukFormMixin
from core.uploads import UploadRefused, inspect_image
from core.versioning import VersionedFormMixin

if TYPE_CHECKING:
    from accounts.http import AuthenticatedHttpRequest
    from accounts.models import User


class SignInForm(GovukFormMixin, auth_forms.AuthenticationForm):
    username = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.gov.uk",
        },
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password"},
    )
    error_messages = {
        "invalid_login": "Enter a correct email address and password. Both are case-sensitive except the email address.",
        "inactive": "This account is inactive. Ask your review's coordinator for help.",
    }


class PasswordResetForm(GovukFormMixin, auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.gov.uk",
        },
    )

    def get_users(self, email: str) -> Iterator[User]:
        """The account with this address in its one normal form (as sign-in finds it)."""
        from accounts.models import User, normalise_email

        for user in User.objects.filter(email=normalise_email(email), is_active=True):
            if user.has_usable_password():
                yield user

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        """Through the service's one email function (``core.email``), whose templates are
        ``<name>_subject.txt`` and ``<name>.txt``: ``accounts/email/password_reset``."""
        send_email(
            template=email_template_name.removesuffix(".txt"), context=context, to=[to_email]
        )


class SetPasswordForm(GovukFormMixin, auth_forms.SetPasswordForm):
    pass


class TwoFactorCodeForm(GovukFormMixin, forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app, or a recovery code",
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "spellcheck": "false"}
        ),
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = None

    def clean_code(self) -> str:
        from django_otp import match_token

        code = self.cleaned_data["code"].replace(" ", "").strip()
        self.device = match_token(self.user, code)
        if self.device is None:
            raise forms.ValidationError(
                "That code is not right, or has already been used. Check your app and try again."
            )
        return code


class TwoFactorSetupForm(GovukFormMixin, forms.Form):
    setup_token = forms.CharField(widget=forms.HiddenInput)
    code = forms.CharField(
        label="Enter the 6-digit code your app shows",
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
    )

    def clean(self) -> dict[str, Any]:
        from accounts.twofactor import code_matches_key, key_from_setup_token

        cleaned = super().clean()
        key = key_from_setup_token(cleaned.get("setup_token", ""))
        if key is None:
            raise forms.ValidationError(
                "This set-up page has expired. Scan the new code below and try again."
            )
        code = cleaned.get("code")
        if code and not code_matches_key(key, code):
            self.add_error(
                "code",
                "That code is not right. Check the time on your phone is correct and try again.",
            )
        cleaned["key"] = key
        return cleaned


class StepUpForm(GovukFormMixin, forms.Form):
    """Before a sensitive change, the person signed in proves it is still them: their password and,
    when two-factor sign-in is on, a code their authenticator app shows now.

    The password goes through ``authenticate``: a wrong one counts towards the sign-in lockout, so a
    session left open is no way to guess the password, and a locked account cannot step up."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password"},
    )
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
    )

    def __init__(self, *args: Any, request: AuthenticatedHttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        if not settings.TWO_FACTOR_REQUIRED:
            del self.fields["code"]

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        user = self.request.user
        found = authenticate(self.request, username=user.email, password=password)
        if found is None or found.pk != user.pk:
            raise forms.ValidationError(
                "Your password is not right. Enter the password you sign in with"
            )
        return password

    def clean_code(self) -> str:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        code = self.cleaned_data["code"].replace(" ", "").strip()
        for device in TOTPDevice.objects.filter(user=self.request.user, confirmed=True):
            allowed, _ = device.verify_is_allowed()
            if allowed and device.verify_token(code):
                return code
        raise forms.ValidationError(
            "That code is not right, or has already been used. Enter the code your app shows now"
        )


# An organisation's letterhead, kept by its coordinators (reports.views.letterhead) -----------------

LOGO_MAX_MB = 2
MAX_OFFICERS = 6


def checked_logo(upload: Any, organisation: Organisation) -> Any:
    """A newly chosen logo, judged by its content (``core.uploads.inspect_image``) and named by what
    it is, not by the name it came with; a ``ValidationError`` says why it is refused."""
    try:
        inspected = inspect_image(upload, max_mb=LOGO_MAX_MB)
    except UploadRefused as refused:
        raise forms.ValidationError(str(refused), code="logo_refused") from None
    upload.name = (
        f"{slugify(organisation.display_name)[:40] or 'organisation'}{inspected.extension}"
    )
    return upload


def _lines(value: str, *, most: int, what: str) -> str:
    lines = [line.strip() for line in value.splitlines() if line.strip()]
    if len(lines) > most:
        raise forms.ValidationError(f"Enter at most {most} {what}, one per line")
    if any(len(line) > 200 for line in lines):
        raise forms.ValidationError(f"Each line of the {what} must be 200 characters or fewer")
    return "\n".join(lines)


# What an organisation's letterhead holds: its coordinators edit these in the service, the admin site too.
LETTERHEAD_FIELDS = [
    "address",
    "telephone",
    "textphone",
    "email",
    "website",
    "officers",
    "logo",
    "first_page_footer",
    "director_name",
    "director_title",
    "about_us",
    "principles",
]


class LogoCheckMixin:
    """A logo is taken only as ``checked_logo`` judges it (by its content), wherever it is uploaded."""

    cleaned_data: dict[str, Any]
    instance: Organisation

    def clean_logo(self) -> Any:
        upload = self.cleaned_data.get("logo")
        if isinstance(upload, UploadedFile):
            return checked_logo(upload, self.instance)
        return upload


class LetterheadForm(LogoCheckMixin, GovukFormMixin, VersionedFormMixin, forms.ModelForm):
    """What the letter's letterhead says about the organisation that leads the review."""

    version_required = True

    remove_logo = forms.BooleanField(label="Remove the current logo", required=False)

    class Meta:
        model = Organisation
        fields = LETTERHEAD_FIELDS
        labels = {
            "address": "Address",
            "telephone": "Telephone",
            "textphone": "Textphone",
            "email": "Email address",
            "website": "Web address",
            "officers": "Named officers",
            "logo": "Logo",
            "first_page_footer": "First-page footer",
            "director_name": "Name of the person who signs the letters",
            "director_title": "Their job title",
            "about_us": "About us (for the feedback presentation)",
            "principles": "Principles of engagement (for the feedback presentation)",
        }
        help_texts = {
            "address": "One line of the address per line, up to 8 lines.",
            "textphone": "For example 18001 01632 960000.",
            "email": "An address the host can write to, for example children@eastvale.gov.uk.",
            "website": "Printed exactly as you type it, for example www.eastvale.gov.uk.",
            "officers": (
                f"Up to {MAX_OFFICERS}, one per line, for example "
                "“Jane Smith, Director of Children's Services”."
            ),
            "logo": (
                f"A PNG, JPEG or SVG image, up to {LOGO_MAX_MB} MB. Choose nothing to keep the "
                "current logo."
            ),
            "first_page_footer": (
                "One line at the foot of the letter's first page, for example "
                "“Chief Executive: Alan Jones”."
            ),
            "director_name": "Each letter is signed by this person unless the review says otherwise.",
            "director_title": "For example “Director of Children's Services”.",
            "about_us": (
                "One point per line, for example “We have been a Partner in Practice since "
                "March 2018”. Use **two asterisks** for bold."
            ),
            "principles": (
                "One principle per line, for example “We work **together, as equals**”."
            ),
        }
        widgets = {
            "address": forms.Textarea(attrs={"rows": 5}),
            "officers": forms.Textarea(attrs={"rows": 4}),
            "about_us": forms.Textarea(attrs={"rows": 5}),
            "principles": forms.Textarea(attrs={"rows": 5}),
            "logo": forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/svg+xml"}),
            "email": forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            "website": forms.TextInput(attrs={"spellcheck": "false"}),
        }
        error_messages = {
            "email": {
                "invalid": "Enter an email address in the correct format, like name@eastvale.gov.uk"
            },
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, most in (("address", 1000), ("officers", 1500)):
            self.fields[name].validators.append(MaxLengthValidator(most))
        if not self.instance.logo:
            del self.fields["remove_logo"]

    def clean_address(self) -> str:
        return _lines(self.cleaned_data["address"], most=8, what="lines of the address")

    def clean_officers(self) -> str:
        return _lines(self.cleaned_data["officers"], most=MAX_OFFICERS, what="named officers")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        chosen = isinstance(cleaned.get("logo"), UploadedFile)
        if cleaned.get("remove_logo") and not chosen:
            cleaned["logo"] = False  # the model field then empties the logo
        return cleaned
