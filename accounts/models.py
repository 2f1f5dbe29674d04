from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.validators import validate_web_address


class Organisation(models.Model):
    """A local authority, a regional body or an independent organisation, with its letterhead."""

    class Kind(models.TextChoices):
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        REGIONAL_BODY = "regional_body", "Regional body"
        INDEPENDENT = "independent", "Independent"

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(
        max_length=80, blank=True, help_text="How the letter refers to it, for example 'Barnsley'."
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.LOCAL_AUTHORITY)
    address = models.TextField(blank=True, help_text="One line of the address per line.")
    telephone = models.CharField(max_length=40, blank=True)
    textphone = models.CharField(max_length=40, blank=True)
    email = models.EmailField("email address", blank=True)
    # Kept exactly as typed ("www.eastvale.gov.uk" stays so on the letter): see validate_web_address.
    website = models.CharField(
        "web address", max_length=200, blank=True, validators=[validate_web_address]
    )
    officers = models.TextField(
        "named officers",
        blank=True,
        help_text="Shown in the letterhead, one per line, for example "
        "'Jane Smith, Director of Children's Services'.",
    )
    # Judged by its content when uploaded (core.uploads.inspect_image), and named by what it is.
    logo = models.FileField(upload_to="logos/", blank=True)
    first_page_footer = models.CharField(
        "first-page footer",
        max_length=200,
        blank=True,
        help_text="One line at the foot of the letter's first page, for example "
        "'Chief Executive: Alan Jones'.",
    )
    director_name = models.CharField("default signatory's name", max_length=120, blank=True)
    director_title = models.CharField(
        "default signatory's title",
        max_length=200,
        blank=True,
        help_text="For example 'Director of Children's Services'.",
    )
    # What the feedback presentation says of the organisation (its "About us" slides).
    about_us = models.TextField(
        '"about us" text',
        blank=True,
        help_text="For the feedback presentation's 'About us' slide: one point per line.",
    )
    principles = models.TextField(
        "principles of engagement",
        blank=True,
        help_text="For the feedback presentation: one principle per line.",
    )
    # Raised by every save of the letterhead in the service (core.versioning).
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    @property
    def address_lines(self) -> list[str]:
        return [line.strip() for line in self.address.splitlines() if line.strip()]

    @property
    def officer_lines(self) -> list[str]:
        return [line.strip() for line in self.officers.splitlines() if line.strip()]

    @property
    def contact_lines(self) -> list[str]:
        """The letterhead's lines under the address: telephone, textphone, email, web (as typed)."""
        return [
            line
            for line in (
                self.telephone and f"Telephone {self.telephone}",
                self.textphone and f"Textphone {self.textphone}",
                self.email and f"Email {self.email}",
                self.website,
            )
            if line
        ]


def normalise_email(email: str | None) -> str:
    """The one form of an email address the service stores, looks up and counts lockouts by.

    NFKC folds compatibility characters (full-width letters, the long s) into their plain letters, and
    casefolding then makes upper and lower case one: ``EAſTVALE@ＥＸＡＭＰＬＥ.ORG`` and
    ``eastvale@example.org`` are one account, whatever the database's own idea of case.
    """
    return unicodedata.normalize("NFKC", str(email or "")).strip().casefold()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email: str | None) -> str:
        return normalise_email(email)

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=normalise_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email=normalise_email(username))


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their email address."""

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150)
    job_title = models.CharField(max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="people"
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        "administrator", default=False, help_text="Can sign in to the administration site."
    )
    date_joined = models.DateTimeField(default=timezone.now)
    # Raised to end every session this person has (sign-out, second factor reset).
    session_epoch = models.PositiveIntegerField(default=0, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UserManager()

    # Typing only: AbstractBaseUser keeps a newly set password here until save() (None otherwise).
    _password: str | None

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_unique_ci")]

    def __str__(self) -> str:
        return self.full_name or self.email

    if TYPE_CHECKING:

        def is_verified(self) -> bool:
            """Set on the signed-in user of each request by django_otp's OTPMiddleware."""
            ...

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = normalise_email(self.email)
        password_changed = self._password is not None and self.pk is not None
        super().save(*args, **kwargs)
        if password_changed:
            from accounts.signals import password_changed as changed

            changed.send(sender=type(self), user=self)

    def clean(self) -> None:
        super().clean()
        self.email = normalise_email(self.email)

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        """Sessions are tied to the password and to ``session_epoch``: changing either ends them all."""
        return salted_hmac(
            "accounts.User.get_session_auth_hash",
            f"{self.password}:{self.session_epoch}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def end_all_sessions(self) -> None:
        """Sign this person out everywhere."""
        type(self).objects.filter(pk=self.pk).update(session_epoch=models.F("session_epoch") + 1)
        self.refresh_from_db(fields=["session_epoch"])

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


# Regions -----------------------------------------------------------------------------------------
#
# A region groups authorities; a person given regional access sees the regional view of the reviews
# of its authorities (authorities they were not on named only by a letter). Moved here from the
# improvement app (issue 17) so that ``reviews.permissions`` can read them: the tables keep their names.


class Region(models.Model):
    """A group of authorities that learn together (a regional improvement programme)."""

    name = models.CharField(max_length=120, unique=True)
    organisations = models.ManyToManyField(Organisation, blank=True, related_name="regions")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "improvement_region"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RegionalAccess(models.Model):
    """A regional role: this person sees the regional view and the histories of the region's
    authorities. Granted by an administrator in the admin site."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="regional_access"
    )
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="access")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "improvement_regionalaccess"
        verbose_name = "regional access"
        verbose_name_plural = "regional access"
        constraints = [
            models.UniqueConstraint(fields=["user", "region"], name="one_access_per_person_region")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.region}"


class QualityAssuranceRole(models.Model):
    """An authority's own quality assurance person (issue 23): they run the authority's audit
    programme (its own case file, live, multi-agency and thematic audits). Given by the authority's
    coordinators (the audit programme's staff page) or by an administrator in the admin site. The
    person must be of that organisation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quality_assurance_roles"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="quality_assurance_roles"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "quality assurance role"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="one_quality_assurance_role_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – quality assurance – {self.organisation}"

    def clean(self) -> None:
        if (
            self.user_id
            and self.organisation_id
            and self.user.organisation_id != self.organisation_id
        ):
            raise ValidationError({"user": "The person must be of this organisation."})
