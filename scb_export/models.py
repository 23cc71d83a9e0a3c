"""Runs of the SCB export: a check, and the stored file when the controls pass."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaa.models import CodeListVersion, Municipality


class ExportRun(models.Model):
    """One build of a municipality's file for a half-year.

    A run checks the register against SCB's controls and, when there are no errors,
    stores the file with its hash, counts and the difference from the period's current
    export. An administrator then makes it the period's export, replacing the previous
    one (SCB replaces an earlier upload of the period too). Earlier exports stay listed.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Väntar")
        RUNNING = "running", _("Pågår")
        BLOCKED = "blocked", _("Fel hittades")
        READY = "ready", _("Klar att godkänna")
        EXPORTED = "exported", _("Exporterad")
        FAILED = "failed", _("Misslyckades")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel (xlsx)"

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("kommun")
    )
    period = models.CharField(_("halvår"), max_length=6)
    layout_version = models.ForeignKey(
        CodeListVersion, on_delete=models.PROTECT, related_name="+", verbose_name=_("layout")
    )
    file_format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    encoding = models.CharField(_("teckenkodning"), max_length=20, default="utf-8")
    preliminary = models.BooleanField(_("preliminär"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("skapad av"),
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(_("klar"), null=True, blank=True)
    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    exported_at = models.DateTimeField(_("exporterad"), null=True, blank=True)
    file = models.FileField(_("fil"), upload_to="scb/", blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    row_count = models.PositiveIntegerField(_("rader"), default=0)
    youth_count = models.PositiveIntegerField(_("ungdomar"), default=0)
    # Rows per block: {"1": block 1 alone, "2": contacts, "3": åtgärder, "4": ended åtgärder,
    # "5": upphört}.
    block_counts = models.JSONField(default=dict, blank=True)
    # Findings of the controls: [{check, severity, youth_id, personnummer (masked), message}].
    errors = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    error_count = models.PositiveIntegerField(_("fel"), default=0)
    warning_count = models.PositiveIntegerField(_("varningar"), default=0)
    # {youth_id: [masked personnummer, digest of the youth's rows]}, for the next diff.
    youth_digests = models.JSONField(default=dict, blank=True)
    # Against the period's export current when this run was built:
    # {"previous": id, "added": [ids], "removed": [[id, masked]], "changed": [ids]}.
    diff = models.JSONField(default=dict, blank=True)
    failure = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("SCB-export")
        verbose_name_plural = _("SCB-exporter")
        indexes = [models.Index(fields=["municipality", "period", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="exported") | ~Q(sha256=""), name="scb_exported_has_file"
            )
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.get_status_display()}"

    @property
    def is_finished(self) -> bool:
        return self.status not in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def progress_percent(self) -> int:
        if not self.progress_total:
            return 0 if self.status in (self.Status.QUEUED, self.Status.RUNNING) else 100
        return round(100 * self.progress_done / self.progress_total)

    @property
    def file_name(self) -> str:
        prefix = "preliminar-" if self.preliminary else ""
        return f"{prefix}kaa-{self.municipality.code}-{self.period}.{self.file_format}"
