"""What imported lists leave in the register: the batch and its rows, schools, school
notices and move-ins.

The batch and its rows are the preview, the error report and the idempotency key of an
import: every row is applied at most once, keyed by (batch, row number).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaa.models import Municipality

__all__ = [
    "ImportBatch",
    "ImportKind",
    "ImportRow",
    "MoveIn",
    "School",
    "SchoolEvent",
    "SchoolNotice",
]


class ImportKind(models.TextChoices):
    INFLYTTADE = "inflyttade", _("Inflyttade")
    SCHOOL_EVENTS = "skolhandelser", _("Skolhändelser (avbrott, frånvaro, börjat, slutat)")


class ImportBatch(models.Model):
    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uppladdad")
        PARSING = "parsing", _("Läses in")
        NEEDS_MAPPING = "mapping", _("Kolumner saknas")
        UNREADABLE = "unreadable", _("Kunde inte läsas")
        PREVIEW = "preview", _("Förhandsgranskning")
        QUEUED = "queued", _("Väntar på att läggas in")
        APPLYING = "applying", _("Läggs in")
        APPLIED = "applied", _("Inlagd")
        FAILED = "failed", _("Misslyckades")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("kommun")
    )
    kind = models.CharField(_("typ av lista"), max_length=20, choices=ImportKind.choices)
    file_name = models.CharField(_("filnamn"), max_length=255)
    # The uploaded bytes are kept with the batch so that a worker on another machine, a
    # retry or the error report reads exactly what was uploaded.
    content = models.BinaryField(editable=False)
    size = models.PositiveBigIntegerField(_("storlek"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uppladdad"), auto_now_add=True)
    upload_count = models.PositiveIntegerField(default=1)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.UPLOADED
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    # Claims: a task sets these with a conditional update; the sweeper looks at them.
    parse_started_at = models.DateTimeField(null=True, blank=True)
    apply_requested_at = models.DateTimeField(null=True, blank=True)
    apply_started_at = models.DateTimeField(null=True, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    failure = models.CharField(_("fel"), max_length=500, blank=True)
    header_row = models.PositiveIntegerField(null=True, blank=True)
    headers = models.JSONField(default=list, blank=True)
    # {field: column index} chosen automatically or in the mapping step.
    mapping = models.JSONField(default=dict, blank=True)
    missing = models.JSONField(default=list, blank=True)
    preview_counts = models.JSONField(default=dict, blank=True)
    applied_counts = models.JSONField(default=dict, blank=True)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    as_of = models.DateField(_("målgrupp beräknad per"), null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("importerad lista")
        verbose_name_plural = _("importerade listor")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "kind", "sha256"], name="importbatch_file_once"
            )
        ]
        indexes = [models.Index(fields=["status", "status_changed_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"

    @property
    def progress_percent(self) -> int:
        if not self.rows_total:
            return 0
        return min(100, round(100 * self.rows_done / self.rows_total))


class ImportRow(models.Model):
    """One non-blank row below the header, as read and as planned/applied."""

    class Action(models.TextChoices):
        ERROR = "error", _("Fel")
        CREATE = "create", _("Skapas")
        UPDATE = "update", _("Uppdateras")
        UNCHANGED = "unchanged", _("Oförändrad")
        SKIP_YOUNG = "under_skolplikt", _("Utanför målgruppen: skolplikten har inte upphört")
        SKIP_OLD = "age_20_or_over", _("Utanför målgruppen: har fyllt 20 år")

    # Indexed by the unique (batch, number) only: chunks are ranges of row numbers, and a
    # narrower index would be picked on stale statistics and scan the whole batch.
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.CASCADE, related_name="rows", db_index=False
    )
    number = models.PositiveIntegerField(_("rad"))  # as Excel shows it (1-based)
    values = models.JSONField(default=list)  # the original cells, as text
    errors = models.JSONField(default=list, blank=True)  # [{column, message}]
    personnummer = models.CharField(max_length=12, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    turns_20_on = models.DateField(null=True, blank=True)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    street_address = models.CharField(max_length=200, blank=True)
    postal_code = models.CharField(max_length=10, blank=True)
    postal_town = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.CharField(max_length=254, blank=True)
    event_date = models.DateField(null=True, blank=True)
    moved_from = models.CharField(max_length=100, blank=True)
    from_abroad = models.BooleanField(default=False)
    school_code = models.CharField(max_length=20, blank=True)
    school_name = models.CharField(max_length=200, blank=True)
    principal = models.CharField(max_length=200, blank=True)
    program = models.CharField(max_length=20, blank=True)
    event = models.CharField(max_length=20, blank=True)
    contact_person = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    # Why the row will put the youth on "att utreda" (empty: it will not).
    verify_reason = models.CharField(max_length=200, blank=True)
    # Planned at preview, decided again when applied: the row puts the youth on "att utreda".
    to_verify = models.BooleanField(default=False)
    # A code key of the suggested orsak (entry) or, for "börjat", the exit reason.
    suggested_code = models.CharField(max_length=40, blank=True)
    # What applying did: created/updated/unchanged; the youth; whether the row was new
    # information (a move-in or notice not seen before) and the verification it feeds.
    result = models.CharField(max_length=20, blank=True)
    # No indexes on these two: rows are written in bulk and read by batch; the youth's
    # history reaches them through its move-ins and notices. No constraints in the
    # database either: applying sets them to the youth and verification it has just
    # written or read in the same transaction, and youths and verifications are only
    # ever deleted through the ORM, which sets these to NULL first (on_delete). The
    # checks of the two constraints at commit were a fifth of all the foreign-key checks
    # of applying a list, for rows that only record what was done.
    youth = models.ForeignKey(
        "youths.Youth",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_rows",
        db_index=False,
        db_constraint=False,
    )
    new_event = models.BooleanField(default=False)
    opened_verification = models.BooleanField(default=False)
    verification = models.ForeignKey(
        "youths.Verification",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_rows",
        db_index=False,
        db_constraint=False,
    )
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["batch", "number"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "number"], name="importrow_number_once")
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.number}"


class School(models.Model):
    code = models.CharField(_("skolenhetskod"), max_length=20, unique=True)
    name = models.CharField(_("skola"), max_length=200)
    principal = models.CharField(_("huvudman"), max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("skola")
        verbose_name_plural = _("skolor")

    def __str__(self) -> str:
        return self.name


class SchoolEvent(models.TextChoices):
    # skollagen 15 kap. 15 §: a school with another huvudman tells the hemkommun when a
    # pupil starts, leaves or is absent without valid reason to a significant extent.
    DROPOUT = "avbrott", _("Avbrott")
    ABSENCE = "franvaro", _("Frånvaro")
    STARTED = "borjat", _("Börjat")
    LEFT = "slutat", _("Slutat")


class SchoolNotice(models.Model):
    youth = models.ForeignKey(  # indexed by the unique constraint, which leads with it
        "youths.Youth", on_delete=models.CASCADE, related_name="school_notices", db_index=False
    )
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="notices")
    program = models.CharField(_("program"), max_length=20, blank=True)
    event = models.CharField(_("händelse"), max_length=20, choices=SchoolEvent.choices)
    event_date = models.DateField(_("datum"))
    received_on = models.DateField(_("mottagen"))
    contact_person = models.CharField(_("kontaktperson"), max_length=200, blank=True)
    suggested_code = models.CharField(max_length=40, blank=True)
    source_row = models.ForeignKey(
        ImportRow, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verification = models.ForeignKey(
        "youths.Verification",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notices",
    )

    class Meta:
        ordering = ["-event_date", "-pk"]
        verbose_name = _("skolhändelse")
        verbose_name_plural = _("skolhändelser")
        constraints = [
            models.UniqueConstraint(
                fields=["youth", "school", "event", "event_date"], name="schoolnotice_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_event_display()} {self.event_date}"

    @property
    def is_intro_program(self) -> bool:
        return self.program.upper().startswith("IM")


class MoveIn(models.Model):
    """The youth became folkbokförd in the municipality on `moved_in_on`."""

    youth = models.ForeignKey(  # indexed by the unique constraint, which leads with it
        "youths.Youth", on_delete=models.CASCADE, related_name="move_ins", db_index=False
    )
    moved_in_on = models.DateField(_("inflyttningsdatum"))
    moved_from = models.CharField(_("inflyttad från"), max_length=100, blank=True)
    from_abroad = models.BooleanField(_("från utlandet"), default=False)
    source_row = models.ForeignKey(
        ImportRow, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verification = models.ForeignKey(
        "youths.Verification",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="move_ins",
    )

    class Meta:
        ordering = ["-moved_in_on", "-pk"]
        verbose_name = _("inflyttning")
        verbose_name_plural = _("inflyttningar")
        constraints = [
            models.UniqueConstraint(fields=["youth", "moved_in_on"], name="movein_once"),
        ]

    def __str__(self) -> str:
        return f"{self.moved_in_on}"
