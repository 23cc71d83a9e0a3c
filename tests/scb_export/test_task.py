"""The export task: takes an id, claims the run once, reports progress, survives a retry."""

import datetime as dt

import pytest
from django.utils import timezone

from scb_export import services, tasks
from scb_export.models import ExportRun


@pytest.fixture
def queued(home, administrator, register, fixed_today, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        return services.export_run_request(
            acting_user=administrator, municipality=home, period="2026H1", file_format="csv"
        )


def test_task_builds_the_run_and_a_second_delivery_does_nothing(queued):
    assert queued.status == ExportRun.Status.QUEUED
    tasks.export_run_task(queued.pk)
    queued.refresh_from_db()
    assert queued.status == ExportRun.Status.READY
    assert (queued.progress_done, queued.progress_total) == (3, 3)
    assert queued.progress_percent == 100
    first_hash = queued.sha256
    tasks.export_run_task(queued.pk)  # redelivered
    queued.refresh_from_db()
    assert queued.sha256 == first_hash
    assert ExportRun.objects.count() == 1


def test_request_enqueues_after_commit(
    home, administrator, register, fixed_today, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run = services.export_run_request(
            acting_user=administrator, municipality=home, period="2026H1", file_format="xlsx"
        )
    assert len(callbacks) == 1
    run.refresh_from_db()
    assert run.status == ExportRun.Status.READY
    assert run.file.name.endswith(".xlsx")


def test_a_run_abandoned_by_a_dead_worker_is_taken_over(queued):
    assert services.export_run_claim(queued.pk)
    assert not services.export_run_claim(queued.pk)  # another worker, while it runs
    later = timezone.now() + services.STALE_AFTER + dt.timedelta(seconds=1)
    assert services.export_run_claim(queued.pk, now=later)


def test_a_missing_run_is_tolerated(db):
    tasks.export_run_task(987654)
    assert not ExportRun.objects.exists()


def test_a_crash_marks_the_run_failed(queued, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "export_build", boom)
    with pytest.raises(RuntimeError):
        tasks.export_run_task(queued.pk)
    queued.refresh_from_db()
    assert queued.status == ExportRun.Status.FAILED
    assert "Försök igen" in queued.failure
