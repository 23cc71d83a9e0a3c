"""The core: users, municipalities, memberships with roles, code lists and the audit trail."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    # Single sign-on matches users by e-mail or by the employer's id claim, never by
    # personnummer (the register must not hold staff personnummer either).
    employee_id = models.CharField(_("anställnings-id"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("användare")
        verbose_name_plural = _("användare")
        constraints = [
            models.UniqueConstraint(
                fields=["employee_id"],
                condition=~Q(employee_id=""),
                name="user_employee_id_unique",
            ),
            # The form refuses "Anna" when "anna" exists; this holds when both are
            # created at the same moment.
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
        ]

    def display_name(self) -> str:
        return self.get_full_name() or self.username


class Municipality(models.Model):
    """A kommun with SCB's 4-character kommunkod (leading zero kept: 0180 Stockholm)."""

    code = models.CharField(_("kommunkod"), max_length=4, unique=True)
    name = models.CharField(_("namn"), max_length=100)
    county = models.CharField(_("län"), max_length=100)
    # skollagen 7 kap. 12 §: skolplikt ends with the spring term of the year the youth
    # turns 16; the term's last day is the municipality's (huvudmannens) decision.
    spring_term_end_month = models.PositiveSmallIntegerField(
        _("vårterminen slutar (månad)"), default=6
    )
    spring_term_end_day = models.PositiveSmallIntegerField(
        _("vårterminen slutar (dag)"), default=30
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("kommun")
        verbose_name_plural = _("kommuner")
        constraints = [
            models.CheckConstraint(
                condition=Q(spring_term_end_month__gte=5, spring_term_end_month__lte=7)
                & Q(spring_term_end_day__gte=1, spring_term_end_day__lte=31),
                name="municipality_spring_term_end_sane",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Role(models.TextChoices):
    COORDINATOR = "samordnare", _("Samordnare / handläggare")
    PRINCIPAL = "rektor", _("Rektor / chef")
    ADMINISTRATOR = "administrator", _("Administratör")


class Membership(models.Model):
    """A user's role in one municipality. Everything a user sees is scoped by these."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("roll"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    # Bumped on every change of the role (kaa/versioning.py).
    version = models.PositiveIntegerField(default=1, db_default=1, editable=False)

    class Meta:
        verbose_name = _("medlemskap")
        verbose_name_plural = _("medlemskap")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "municipality"], name="membership_one_role_per_municipality"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.municipality} ({self.get_role_display()})"


class CodeListVersion(models.Model):
    """A versioned set of code lists, e.g. SCB's layout `kaa-scb-2018`.

    SCB publishes the codes per period, so codes are data: a new version is loaded as a
    data file (see `manage.py load_code_lists`) without a code change or a migration.
    """

    name = models.CharField(_("version"), max_length=40, unique=True)
    description = models.CharField(_("beskrivning"), max_length=300, blank=True)
    valid_from = models.DateField(_("gäller från"))
    # The file layout of the version: its columns (name, field, block, format, code list)
    # and file settings (separator, encodings, date format), as read from the layout file.
    # Kept as the file gives it so that a new layout needs no migration; the SCB export
    # validates and reads it (scb_export.layout). Empty for a version of code lists only.
    layout = models.JSONField(_("fillayout"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("kodlisteversion")
        verbose_name_plural = _("kodlisteversioner")

    def __str__(self) -> str:
        return self.name


class CodeQuerySet(models.QuerySet):
    def current(self, list_name: str, on=None):
        """The codes of `list_name` in the newest version valid on `on` (default today).

        Lazy: the version is chosen in a subquery, so no query runs until evaluated.
        """
        from django.utils import timezone

        on = on or timezone.localdate()
        newest = (
            CodeListVersion.objects.filter(valid_from__lte=on, codes__list_name=list_name)
            .order_by("-valid_from")
            .values("pk")[:1]
        )
        return self.filter(version=models.Subquery(newest), list_name=list_name, active=True)

    def by_key(self, list_name: str, key: str, on=None) -> "Code":
        return self.current(list_name, on=on).get(key=key)


class Code(models.Model):
    class ListName(models.TextChoices):
        ENTRY_REASON = "orsak_registrering", _("Orsak till inskrivning")
        OCCUPATION = "sysselsattning", _("Sysselsättning")
        ACTION = "atgard", _("Åtgärd")
        EXIT_REASON = "orsak_upphort", _("Orsak till att aktivitetsansvaret upphört")

    version = models.ForeignKey(CodeListVersion, on_delete=models.PROTECT, related_name="codes")
    list_name = models.CharField(_("kodlista"), max_length=40, choices=ListName.choices)
    value = models.CharField(_("kod"), max_length=10)
    label = models.CharField(_("benämning"), max_length=200)
    definition = models.TextField(_("definition"), blank=True)
    # A stable meaning for codes the system acts on ("fyllt_20" closes an enrolment on the
    # 20th birthday), so that a new version may renumber codes without a code change.
    key = models.SlugField(_("betydelse"), max_length=40, blank=True)
    sort_order = models.PositiveIntegerField(default=0)
    active = models.BooleanField(_("används"), default=True)

    objects = CodeQuerySet.as_manager()

    class Meta:
        ordering = ["list_name", "sort_order", "value"]
        verbose_name = _("kod")
        verbose_name_plural = _("koder")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "list_name", "value"], name="code_unique_in_version"
            ),
            # A key names one meaning in a list; the export maps codes between versions by it.
            models.UniqueConstraint(
                fields=["version", "list_name", "key"],
                condition=~Q(key=""),
                name="code_key_unique_in_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.value} {self.label}"


class AuditAction(models.TextChoices):
    YOUTH_VIEW = "youth.view", _("Visade ungdom")
    YOUTH_LIST = "youth.list", _("Visades i lista")
    YOUTH_CREATE = "youth.create", _("Registrerade ungdom")
    YOUTH_UPDATE = "youth.update", _("Ändrade uppgifter")
    YOUTH_ASSIGN = "youth.assign", _("Tilldelade samordnare")
    GUARDIAN_CHANGE = "guardian.change", _("Ändrade vårdnadshavare")
    ENROLMENT_CREATE = "enrolment.create", _("Skrev in i aktivitetsansvaret")
    ENROLMENT_CLOSE = "enrolment.close", _("Avslutade inskrivning")
    VERIFICATION_OPEN = "verification.open", _("Markerade att utreda")
    VERIFICATION_RESOLVE = "verification.resolve", _("Avslutade utredning")
    ACCESS_LOG_VIEW = "audit.view", _("Visade registerutdrag/åtkomstlogg")
    CASEWORK = "casework", _("Handläggning")
    CONTACT_LOG = "contact.log", _("Registrerade kontakt")
    ACTION_CHANGE = "action.change", _("Ändrade åtgärd")
    PLAN_REVISE = "plan.revise", _("Reviderade planering")
    CONSENT_CHANGE = "consent.change", _("Ändrade samtycke")
    RULES_CHANGE = "rules.change", _("Ändrade uppföljningsregler")
    USER_CHANGE = "user.change", _("Ändrade användare")
    SCB_EXPORT = "scb.export", _("SCB-export")
    SCB_DOWNLOAD = "scb.download", _("Laddade ned SCB-fil")
    LOGIN = "auth.login", _("Inloggning")
    LOGIN_FAILED = "auth.login_failed", _("Misslyckad inloggning")
    LOGOUT = "auth.logout", _("Utloggning")


class AuditEvent(models.Model):
    """Who did what, when, in which municipality and to which youth.

    The youth is kept as a plain id, not a foreign key: the trail must outlive the
    record it speaks of. `detail` holds field names and codes, never personal data.
    """

    at = models.DateTimeField(_("tidpunkt"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    username = models.CharField(_("användarnamn"), max_length=150, blank=True)
    municipality = models.ForeignKey(Municipality, null=True, blank=True, on_delete=models.PROTECT)
    youth_id = models.BigIntegerField(_("ungdom"), null=True, blank=True, db_index=True)
    action = models.CharField(_("händelse"), max_length=40, choices=AuditAction.choices)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.BigIntegerField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("loggpost")
        verbose_name_plural = _("åtkomstlogg")
        indexes = [models.Index(fields=["municipality", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action}"


class FormSubmission(models.Model):
    """A form's one-time token, kept once its POST has succeeded.

    Every form that writes carries a fresh token in a hidden field. A second POST with the
    same token (a double-click, a reload of the POST, a retried request) finds this row and
    is sent where the first went, with the same message, instead of writing again; two at
    once are decided by the unique constraint. Rows are purged after a few days.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token = models.UUIDField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    redirect_to = models.CharField(max_length=500)
    message = models.CharField(max_length=300, blank=True)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("formulärinskick")
        verbose_name_plural = _("formulärinskick")
        constraints = [
            models.UniqueConstraint(fields=["user", "token"], name="form_submission_once")
        ]

    def __str__(self) -> str:
        return f"{self.token}"
