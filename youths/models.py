"""The youth register (förordning 2006:39, 4 §) and each youth's periods in KAA.

The register holds only what 4 § allows: name, personnummer or samordningsnummer,
address, e-mail, telephone, sysselsättning and åtgärder. Guardians of a youth under 18 are
kept as contacts. Nothing else about the person (no health, ethnicity or social data).
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Cast, Mod, Substr
from django.db.models.lookups import Exact, In
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaa.models import Code, Municipality
from youths import personnummer, rules
from youths.querysets import EnrolmentQuerySet, YouthQuerySet

TARGET_GROUP_AGE_LIMIT = rules.TARGET_GROUP_AGE_LIMIT


def _luhn_holds(field: str):
    """Luhn over the last ten of twelve digits, in SQL: digits in even places count
    double, less 9 when doubled past 9 (2d - 9 * (d / 5) in integer arithmetic)."""
    total = None
    for index in range(10):
        digit = Cast(Substr(field, 3 + index, 1), models.IntegerField())
        term = digit * 2 - (digit / 5) * 9 if index % 2 == 0 else digit
        total = term if total is None else total + term
    # CASE keeps PostgreSQL from casting a non-digit (an error, not a check violation);
    # the shape itself is youth_personnummer_ascii_digits' to refuse.
    return Case(
        When(Q(**{f"{field}__regex": r"^[0-9]{12}$"}), then=Exact(Mod(total, 10), 0)),
        default=Value(True),
        output_field=models.BooleanField(),
    )


class Sex(models.TextChoices):
    FEMALE = "K", _("Kvinna")
    MALE = "M", _("Man")


class Youth(models.Model):
    # No index of its own: the unique (municipality, personnummer) and the name index lead
    # with it. A second, narrower index lets the planner pick it on stale statistics and
    # filter a whole municipality per lookup by personnummer (seen in bulk imports).
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="youths",
        verbose_name=_("kommun"),
        db_index=False,
    )
    personnummer = models.CharField(_("personnummer"), max_length=12)
    # Derived from the personnummer on save (it never changes for a given number), so
    # that age filters run in SQL; not a status flag that can drift.
    birth_date = models.DateField(_("födelsedatum"), editable=False)
    turns_20_on = models.DateField(_("fyller 20 år"), editable=False, db_index=True)
    # Kön as Skatteverket and SCB read it: the 11th of the 12 digits is even for women.
    # PostgreSQL computes it from the stored number, so no writer (form, import, bulk
    # load) can leave it out of step, and the statistics group by it in SQL.
    sex = models.GeneratedField(
        expression=Case(
            When(In(Substr("personnummer", 11, 1), ["0", "2", "4", "6", "8"]), then=Value("K")),
            default=Value("M"),
        ),
        output_field=models.CharField(_("kön"), max_length=1, choices=Sex.choices),
        db_persist=True,
    )
    first_name = models.CharField(_("förnamn"), max_length=100)
    last_name = models.CharField(_("efternamn"), max_length=100)
    street_address = models.CharField(_("utdelningsadress"), max_length=200, blank=True)
    postal_code = models.CharField(_("postnummer"), max_length=10, blank=True)
    postal_town = models.CharField(_("postort"), max_length=100, blank=True)
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    email = models.EmailField(_("e-post"), blank=True)
    protected_identity = models.BooleanField(
        _("skyddad folkbokföring"),
        default=False,
        help_text=_("Adressen visas aldrig och inga brev skapas till den."),
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="caseload",
        verbose_name=_("ansvarig samordnare"),
    )
    created_at = models.DateTimeField(_("registrerad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)
    # Bumped on every change of the youth's own fields (by bulk writers too, with
    # F("version") + 1), so an edit form based on an older version is refused instead of
    # silently reverting a colleague's change (kaa/versioning.py).
    version = models.PositiveIntegerField(_("version"), default=1, db_default=1, editable=False)

    objects = YouthQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "personnummer"]
        verbose_name = _("ungdom")
        verbose_name_plural = _("ungdomar")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "personnummer"], name="youth_personnummer_unique"
            ),
            # 12 ASCII digits (a `\d` in PostgreSQL's regex would take other scripts'
            # digits), never födelsenummer 000, born 1900 or later.
            models.CheckConstraint(
                condition=Q(personnummer__regex=r"^[0-9]{12}$")
                & ~Q(personnummer__regex=r"^[0-9]{8}000"),
                name="youth_personnummer_ascii_digits",
            ),
            models.CheckConstraint(
                condition=Q(birth_date__gte=dt.date(personnummer.EARLIEST_BIRTH_YEAR, 1, 1)),
                name="youth_birth_date_sane",
            ),
            # The check digit too, so that no path (a bulk import, a shell) stores a
            # number Youth.save would refuse.
            models.CheckConstraint(condition=_luhn_holds("personnummer"), name="youth_luhn"),
        ]
        indexes = [
            # The youth list's order within a municipality, with the id: a page's ids
            # are read from the index alone, however far the page (see
            # selectors.youth_list_page).
            models.Index(
                fields=["municipality", "last_name", "first_name", "personnummer"],
                include=["id"],
                name="youth_list_order",
            ),
            # The statistics count a municipality's youths under 20 on a day.
            models.Index(fields=["municipality", "turns_20_on"], name="youth_muni_turns_20"),
            # "Att göra" for the youths without a coordinator: a few thousand of a
            # municipality's youths, where the index on assigned_to holds every
            # municipality's unassigned youths under one key.
            models.Index(
                fields=["municipality"],
                include=["id"],
                condition=Q(assigned_to__isnull=True),
                name="youth_unassigned",
            ),
            # A coordinator's caseload with the list's order: Att göra finds the page's
            # youths of each section from this index and the summary's, without reading
            # a caseload of a thousand youths from the table for every section.
            models.Index(
                fields=["assigned_to", "municipality"],
                include=["id", "last_name", "first_name"],
                name="youth_caseload",
            ),
        ]

    def __str__(self) -> str:
        # Never used in logs: names and personnummer stay out of them.
        return f"{self.first_name} {self.last_name}"

    def save(self, *args, **kwargs):
        # The model guards itself, whatever path saves it (service, import, shell): an
        # invalid number would bypass the duplicate check and break the SCB file. Bulk
        # writers call personnummer.check_digits themselves; the check constraints below
        # hold the shape in the database.
        try:
            personnummer.check_digits(self.personnummer)
        except personnummer.InvalidPersonnummer as error:
            raise ValidationError({"personnummer": str(error)}) from None
        self.derive_dates()
        super().save(*args, **kwargs)

    def derive_dates(self) -> None:
        birth = personnummer.Personnummer(self.personnummer).birth_date
        self.birth_date = birth
        self.turns_20_on = rules.turns_20_on(birth)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def personnummer_display(self) -> str:
        return personnummer.format_digits(self.personnummer)

    @property
    def is_samordningsnummer(self) -> bool:
        return personnummer.Personnummer(self.personnummer).is_samordningsnummer

    @property
    def is_female(self) -> bool:
        return personnummer.Personnummer(self.personnummer).is_female

    def age_on(self, on: dt.date | None = None) -> int:
        return personnummer.age_on(self.birth_date, on or timezone.localdate())

    @property
    def age(self) -> int:
        return self.age_on()

    def is_minor_on(self, on: dt.date | None = None) -> bool:
        return self.age_on(on) < 18


class Guardian(models.Model):
    """A vårdnadshavare of a youth under 18, kept only as a contact."""

    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="guardians")
    name = models.CharField(_("namn"), max_length=200)
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    email = models.EmailField(_("e-post"), blank=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("vårdnadshavare")
        verbose_name_plural = _("vårdnadshavare")

    def __str__(self) -> str:
        return self.name


class Enrolment(models.Model):
    """A period in the target group (inskrivning): from `start_date` up to, not
    including, `end_date` (the UpphortDatum reported to SCB)."""

    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="enrolments")
    start_date = models.DateField(_("registreringsdatum"))
    entry_reason = models.ForeignKey(
        Code,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("orsak till registrering"),
        limit_choices_to={"list_name": Code.ListName.ENTRY_REASON},
    )
    # skollagen 7 kap. 12-14 §§: a pupil who has completed grundskolan before the spring
    # term of the year of 16 has no skolplikt left. Only then may an enrolment start before
    # rules.skolplikt_end; the coordinator states it explicitly, and it is audited.
    completed_school_early = models.BooleanField(
        _("Ungdomen har slutfört grundskolan innan skolplikten upphörde"), default=False
    )
    end_date = models.DateField(_("upphörde"), null=True, blank=True)
    exit_reason = models.ForeignKey(
        Code,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("orsak till att aktivitetsansvaret upphörde"),
        limit_choices_to={"list_name": Code.ListName.EXIT_REASON},
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("inskrivning")
        verbose_name_plural = _("inskrivningar")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="enrolment_end_after_start",
            ),
            # rules.EARLIEST_DATE: nothing in KAA predates the duty (and no year 1).
            models.CheckConstraint(
                condition=Q(start_date__gte=rules.EARLIEST_DATE),
                name="enrolment_start_sane",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True, exit_reason__isnull=True)
                | Q(end_date__isnull=False, exit_reason__isnull=False),
                name="enrolment_end_has_reason",
            ),
            # At most one open enrolment per youth; overlaps are refused by the service.
            models.UniqueConstraint(
                fields=["youth"], condition=Q(end_date__isnull=True), name="enrolment_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start_date}–{self.end_date or ''}"

    def covers(self, on: dt.date) -> bool:
        """Does an event dated `on` belong to this enrolment? (rules.enrolment_for)"""
        return rules.enrolment_for([self], on) is self

    @property
    def is_open(self) -> bool:
        return self.end_date is None


class Verification(models.Model):
    """ "Att utreda": the youth may belong to the target group but is not confirmed.

    Imports and school notices open one; a coordinator resolves it by enrolling the youth
    or by stating why the youth is not in the group.
    """

    class Source(models.TextChoices):
        MANUAL = "manual", _("Manuellt")
        INFLYTTADE = "inflyttade", _("Lista över inflyttade")
        SCHOOL_NOTICE = "skola", _("Anmälan från skola")
        RECONCILIATION = "avstamning", _("Avstämning mot skollistor")

    class Outcome(models.TextChoices):
        ENROLLED = "inskriven", _("Inskriven i aktivitetsansvaret")
        NOT_IN_GROUP = "ej_malgrupp", _("Tillhör inte målgruppen")

    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="verifications")
    opened_on = models.DateField(_("utreds sedan"))
    source = models.CharField(_("källa"), max_length=20, choices=Source.choices)
    note = models.CharField(_("anteckning"), max_length=300, blank=True)
    resolved_on = models.DateField(_("utredd"), null=True, blank=True)
    outcome = models.CharField(_("utfall"), max_length=20, choices=Outcome.choices, blank=True)
    resolution_note = models.CharField(_("kommentar"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The day the list or notice behind it says the thing happened (a move-in, a dropout);
    # the notices, move-ins and import rows behind it point here.
    observed_on = models.DateField(_("iakttaget"), null=True, blank=True)
    # A code key: the orsak to enrol with, or for "börjat" the reason to close the enrolment.
    suggested_code = models.CharField(_("föreslagen orsak"), max_length=40, blank=True)
    enrolment = models.ForeignKey(
        "youths.Enrolment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="verifications",
        verbose_name=_("ledde till inskrivning"),
    )

    class Meta:
        ordering = ["-opened_on", "-pk"]
        verbose_name = _("utredning")
        verbose_name_plural = _("utredningar")
        constraints = [
            models.UniqueConstraint(
                fields=["youth"],
                condition=Q(resolved_on__isnull=True),
                name="verification_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.opened_on}"

    @property
    def is_open(self) -> bool:
        return self.resolved_on is None


class Contact(models.Model):
    """A contact or contact attempt. Failed attempts matter: they show the effort."""

    class Channel(models.TextChoices):
        PHONE = "telefon", _("Telefon")
        SMS = "sms", _("Sms")
        LETTER = "brev", _("Brev")
        EMAIL = "e-post", _("E-post")
        HOME_VISIT = "hembesok", _("Hembesök")
        MEETING = "mote", _("Möte")
        DIGITAL_MEETING = "digitalt_mote", _("Digitalt möte")
        SOCIAL_MEDIA = "sociala_medier", _("Sociala medier")

    class WithWhom(models.TextChoices):
        YOUTH = "ungdomen", _("Ungdomen")
        GUARDIAN = "vardnadshavare", _("Vårdnadshavare")
        OTHER = "annan", _("Annan")

    NOTE_MAX_LENGTH = 300

    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="contacts")
    at = models.DateTimeField(_("tidpunkt"))
    channel = models.CharField(_("kanal"), max_length=20, choices=Channel.choices)
    with_whom = models.CharField(
        _("med vem"), max_length=20, choices=WithWhom.choices, default=WithWhom.YOUTH
    )
    reached = models.BooleanField(_("nådde ungdomen"), default=False)
    occupation = models.ForeignKey(
        Code,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sysselsättning vid kontakten"),
    )
    note = models.CharField(_("anteckning"), max_length=NOTE_MAX_LENGTH, blank=True)
    next_follow_up = models.DateField(_("nästa uppföljning"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("kontakt")
        verbose_name_plural = _("kontakter")
        indexes = [
            models.Index(fields=["youth", "at"]),
            # The latest contact of a youth (ordered by time, then id), read once per
            # youth by the overview's figures and Att göra: one index entry, not all of
            # the youth's contacts sorted.
            models.Index(fields=["youth", "-at", "-id"], name="contact_youth_latest"),
            # "Att göra": the few contacts that plan a next follow-up.
            models.Index(
                fields=["next_follow_up"],
                condition=Q(next_follow_up__isnull=False),
                name="contact_next_follow_up",
            ),
        ]
        constraints = [
            # From rules.EARLIEST_DATE at midnight in Sweden (CET, UTC+1 in January). A
            # time before year 1 in UTC cannot even be read back by the driver, and one in
            # the last day of year 9999 cannot be shown in Swedish time.
            models.CheckConstraint(
                condition=Q(
                    at__gte=dt.datetime.combine(rules.EARLIEST_DATE, dt.time(), dt.UTC)
                    - dt.timedelta(hours=1),
                    at__lt=dt.datetime(9999, 12, 31, tzinfo=dt.UTC),
                ),
                name="contact_at_sane",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.at:%Y-%m-%d}"


class AssignmentHistory(models.Model):
    """Who was made the youth's responsible coordinator, from whom, by whom and when.

    Casework history, kept as long as the youth is: the audit trail, which also records
    assignments, is purged after AUDIT_RETENTION_DAYS. Empty `from_user`/`to_user` mean
    "no coordinator" (or a user removed since)."""

    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="assignment_history")
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("tidpunkt"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("byte av samordnare")
        verbose_name_plural = _("byten av samordnare")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.from_user_id} -> {self.to_user_id}"


# The import models (batch, rows, schools, notices, move-ins) live in their own module.
from youths.imports.models import *  # noqa: E402, F403

# The casework summary (a rebuildable cache of dates) lives in its own module.
from youths.summary import CaseSummary  # noqa: E402, F401
