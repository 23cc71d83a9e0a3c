"""Casework: åtgärder, individual plans, consents and each municipality's follow-up rules.

Documentation of åtgärder follows the seven elements of Skolverket's allmänna råd
(DOMAIN.md §2): planning and goal (Plan), efforts by the youth, the municipality and
another actor (Action.responsible), start and end dates, why it ended, and follow-up dates.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kaa.models import Code, Municipality
from youths.models import Youth


class FollowUpRules(models.Model):
    """Per municipality; a municipality without a row uses the defaults below."""

    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, related_name="follow_up_rules"
    )
    unreached_days = models.PositiveSmallIntegerField(
        _("Nytt kontaktförsök inom (dagar) när ungdomen inte nåtts"), default=30
    )
    declined_interval_days = models.PositiveSmallIntegerField(
        _("Uppföljning av ungdom som tackat nej, var (dagar)"), default=30
    )
    before_20_days = models.PositiveSmallIntegerField(
        _("Påminnelse före 20-årsdagen (dagar)"), default=60
    )
    follow_up_after_exit = models.BooleanField(
        _("Följ upp ungdomar som lämnat målgruppen"), default=False
    )
    after_exit_days = models.PositiveSmallIntegerField(
        _("Uppföljning efter att ungdomen lämnat målgruppen (dagar)"), default=183
    )
    # A school's frånvaro notice asks for a preventive follow-up while it is fresh; how
    # long it stays in Att göra is the municipality's choice (skollagen 29 kap. 9 § says
    # nothing of it). A contact logged since it was received takes it off at once.
    absence_days = models.PositiveSmallIntegerField(
        _("Frånvaroanmälan visas i Att göra i (dagar)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    updated_at = models.DateTimeField(auto_now=True)
    # Bumped on every save (kaa/versioning.py); 0 until the municipality's first save.
    version = models.PositiveIntegerField(default=0, db_default=0, editable=False)

    class Meta:
        verbose_name = _("uppföljningsregler")
        verbose_name_plural = _("uppföljningsregler")

    def __str__(self) -> str:
        return f"{self.municipality_id}"

    @classmethod
    def for_municipality(cls, municipality_id: int) -> "FollowUpRules":
        rules = cls.objects.filter(municipality_id=municipality_id).first()
        return rules or cls(municipality_id=municipality_id)


# Why an åtgärd ended (Skolverket's allmänna råd, element 6): a short list, or "Annat" with
# a short note. Stored as the words themselves in Action.end_reason.
END_REASONS = [
    _("Genomförd"),
    _("Ungdomen började studera"),
    _("Ungdomen började arbeta"),
    _("Ungdomen avbröt"),
    _("Ungdomen flyttade"),
    _("Ungdomen fyllde 20 år"),
]


class Action(models.Model):
    """An individual åtgärd: offered, accepted or declined, started, ended."""

    class Responsible(models.TextChoices):
        YOUTH = "ungdomen", _("Ungdomen")
        MUNICIPALITY = "kommunen", _("Kommunen")
        OTHER = "annan_aktor", _("Annan aktör")

    class Response(models.TextChoices):
        PENDING = "", _("Inget svar ännu")
        ACCEPTED = "ja", _("Tackade ja")
        DECLINED = "nej", _("Tackade nej")

    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="actions")
    kind = models.ForeignKey(
        Code, on_delete=models.PROTECT, related_name="+", verbose_name=_("åtgärd")
    )
    responsible = models.CharField(
        _("ansvarig"), max_length=20, choices=Responsible.choices, default=Responsible.MUNICIPALITY
    )
    responsible_name = models.CharField(_("ansvarig aktör (namn)"), max_length=120, blank=True)
    content = models.CharField(_("innehåll"), max_length=300, blank=True)
    offered_on = models.DateField(_("erbjuden"))
    response = models.CharField(
        _("svar"), max_length=3, choices=Response.choices, default=Response.PENDING, blank=True
    )
    responded_on = models.DateField(_("svarade"), null=True, blank=True)
    start_date = models.DateField(_("startdatum"), null=True, blank=True)
    end_date = models.DateField(_("slutdatum"), null=True, blank=True)
    end_reason = models.CharField(_("orsak till avslut"), max_length=200, blank=True)
    occupation_after = models.ForeignKey(
        Code,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sysselsättning efter åtgärden"),
    )
    follow_up_on = models.DateField(_("uppföljning/utvärdering"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-offered_on", "-pk"]
        verbose_name = _("åtgärd")
        verbose_name_plural = _("åtgärder")
        indexes = [
            # "Att göra": åtgärder with a follow-up date, and offers that were declined.
            models.Index(
                fields=["follow_up_on"],
                condition=Q(follow_up_on__isnull=False),
                name="action_follow_up_on",
            ),
            models.Index(fields=["youth"], condition=Q(response="nej"), name="action_declined"),
            # The overview's åtgärder ended within a half-year (ended with okänd
            # sysselsättning, utfall per type), and the lists behind them: a range of end
            # dates read from the index alone instead of every åtgärd's row.
            models.Index(
                fields=["end_date"],
                include=["youth", "kind", "occupation_after"],
                condition=Q(end_date__isnull=False),
                name="action_ended",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=False, end_date__gte=F("start_date")),
                name="action_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(occupation_after__isnull=False),
                name="action_end_has_occupation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind.label} {self.offered_on}"

    @property
    def state_label(self) -> str:
        if self.end_date:
            return _("Avslutad")
        if self.start_date:
            return _("Pågår")
        if self.response == self.Response.DECLINED:
            return _("Tackade nej")
        if self.response == self.Response.ACCEPTED:
            return _("Tackade ja, ej startad")
        return _("Erbjuden")


class PlanRevision(models.Model):
    """The individual plan: each save is a new revision; the newest is the plan."""

    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="plan_revisions")
    goal = models.CharField(_("mål"), max_length=500)
    steps = models.TextField(_("överenskomna steg"), max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("sparad"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("planering")
        verbose_name_plural = _("planeringar")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d}"


class Consent(models.Model):
    """Samtycke to share information with a named agency (not the legal basis of the
    register itself: förordning 2006:39 allows it without consent)."""

    class GivenBy(models.TextChoices):
        YOUTH = "ungdomen", _("Ungdomen")
        GUARDIAN = "vardnadshavare", _("Vårdnadshavare")

    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="consents")
    agency = models.CharField(_("med vem (myndighet/aktör)"), max_length=120)
    # Who gave it: the youth, or a guardian of a youth under 18 (named).
    given_by = models.CharField(
        _("lämnat av"), max_length=20, choices=GivenBy.choices, default=GivenBy.YOUTH
    )
    given_by_name = models.CharField(_("vårdnadshavarens namn"), max_length=200, blank=True)
    scope = models.CharField(_("vilka uppgifter"), max_length=200)
    given_on = models.DateField(_("lämnat"))
    valid_until = models.DateField(_("gäller till"), null=True, blank=True)
    withdrawn_on = models.DateField(_("återkallat"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-given_on", "-pk"]
        verbose_name = _("samtycke")
        verbose_name_plural = _("samtycken")

    def __str__(self) -> str:
        return self.agency

    def is_valid_on(self, on) -> bool:
        return (
            self.given_on <= on
            and (self.valid_until is None or on <= self.valid_until)
            and (self.withdrawn_on is None or on < self.withdrawn_on)
        )


class DigestDelivery(models.Model):
    """The day's digest to one coordinator in one municipality, claimed BEFORE the e-mail
    is sent: tasks run with acks_late and are redelivered after a lost worker, so the
    unique row is what makes the digest go out at most once per day."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("dag"))
    claimed_at = models.DateTimeField(_("påbörjat"), auto_now_add=True)
    sent_at = models.DateTimeField(_("skickat"), null=True, blank=True)

    class Meta:
        verbose_name = _("skickad sammanställning")
        verbose_name_plural = _("skickade sammanställningar")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "municipality", "day"], name="digest_once_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.user_id}"
