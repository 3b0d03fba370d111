"""People, the organisations they belong to, their roles, and each EPAO's policy.

Every user belongs to one EPAO (the tenant whose data they may see) and has one role. EPAO
admins, assessors and IQAs belong to the EPAO's own organisation; training-provider and
employer users to their organisation; an apprentice to no organisation, reaching their own
registration through :class:`openepa.registration.models.Apprentice`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone

from openepa.accounts.validators import validate_ukprn
from openepa.rules.labels import role_label


class Organisation(models.Model):
    """An EPAO, a training provider or an employer."""

    class Kind(models.TextChoices):
        EPAO = "epao", "End-point assessment organisation"
        PROVIDER = "provider", "Training provider"
        EMPLOYER = "employer", "Employer"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    name = models.CharField(max_length=200)
    epao = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="partners",
        help_text="The EPAO this provider or employer works with; empty for an EPAO.",
    )
    ukprn = models.CharField("UKPRN", max_length=8, blank=True, validators=[validate_ukprn])
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["epao", "kind", "name"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="epao", epao__isnull=True)
                | (~Q(kind="epao") & Q(epao__isnull=False)),
                name="organisation_epao_only_for_partners",
            ),
            models.UniqueConstraint(
                fields=["epao", "ukprn"],
                condition=~Q(ukprn=""),
                name="unique_ukprn_per_epao",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def tenant(self) -> Organisation:
        """The EPAO whose data this organisation belongs to."""
        return self if self.kind == self.Kind.EPAO else self.epao  # type: ignore[return-value]


class UserManager(BaseUserManager["User"]):
    """Creates users identified by email address."""

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        """Create a user with a hashed password (or none, for an invitation)."""
        if not email:
            raise ValueError("Users need an email address")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password) if password else user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        """An EPAO admin who may also use Django's admin site."""
        fields.setdefault("role", User.Role.EPAO_ADMIN)
        fields.update(is_staff=True, is_superuser=True)
        if "epao" not in fields and "epao_id" not in fields:
            epao, _ = Organisation.objects.get_or_create(
                kind=Organisation.Kind.EPAO, name="OpenEPA", epao=None
            )
            fields.update(epao=epao, organisation=epao)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an email address and has one role."""

    class Role(models.TextChoices):
        EPAO_ADMIN = "epao_admin", role_label("epao_admin")
        ASSESSOR = "assessor", role_label("assessor")
        IQA = "iqa", role_label("iqa")
        PROVIDER = "provider", role_label("provider")
        EMPLOYER = "employer", role_label("employer")
        APPRENTICE = "apprentice", role_label("apprentice")

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    role = models.CharField(max_length=16, choices=Role.choices)
    epao = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        default=False, help_text="May use Django's admin site (EPAO superusers only)."
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        indexes = [
            models.Index(fields=["epao", "role", "full_name"]),
            models.Index(fields=["organisation", "role"]),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>"

    def get_full_name(self) -> str:
        """The name the person gave."""
        return self.full_name

    def get_short_name(self) -> str:
        """The first of the person's names."""
        return self.full_name.split(" ")[0]

    @property
    def is_epao_staff(self) -> bool:
        """An EPAO admin, assessor or IQA."""
        return self.role in (self.Role.EPAO_ADMIN, self.Role.ASSESSOR, self.Role.IQA)


class Invitation(models.Model):
    """An EPAO admin's invitation for someone to create an account with a given role."""

    email = models.EmailField()
    full_name = models.CharField(max_length=200)
    role = models.CharField(max_length=16, choices=User.Role.choices)
    epao = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="invitations"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["epao", "-created_at"])]

    def __str__(self) -> str:
        return f"Invitation for {self.email} ({self.get_role_display()})"


class EpaoPolicy(models.Model):
    """An EPAO's settings for sampling, appeals and certificate claims, edited by its admins."""

    epao = models.OneToOneField(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="policy"
    )
    sample_first_decisions = models.PositiveSmallIntegerField(
        "sample every decision among each assessor's first", default=5
    )
    sample_all_fails = models.BooleanField("sample every fail", default=True)
    sample_all_distinctions = models.BooleanField("sample every distinction", default=True)
    sample_percent_of_rest = models.PositiveSmallIntegerField(
        "share of the other decisions sampled at random (per cent)", default=10
    )
    appeal_period_days = models.PositiveSmallIntegerField(
        "appeal period (days after the result is released)", default=31
    )
    claim_top_grade_immediately = models.BooleanField(
        "claim certificates for a distinction without waiting for the appeal period",
        default=False,
    )
    revision = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "results_epaopolicy"

    def __str__(self) -> str:
        return f"Policy of {self.epao}"


class StandardAtService(models.Model):
    """How the assessment service identifies one of the EPAO's standards: its LARS code.

    Neither seed states the standards' LARS codes, so an EPAO admin sets each once (or a
    standard file carries ``lars_code``); every certificate claim and EPA record reads it from
    here, never typed per claim. Each change is kept in the audit log with who, when and why.
    """

    epao = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="standards_at_service"
    )
    reference = models.CharField("standard reference", max_length=6)
    lars_code = models.PositiveIntegerField("LARS code")
    revision = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["epao", "reference"], name="one_lars_code_per_epao_standard"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference}: LARS code {self.lars_code}"
