"""`make backup` and `make restore` round trip: a dump restored into a fresh database
holds the same youths."""

import subprocess
import uuid
from pathlib import Path

import pytest
from django.db import connection

from youths.models import Youth

ROOT = Path(__file__).resolve().parents[2]


def url_for(name: str) -> str:
    params = connection.settings_dict
    user = params["USER"] or "postgres"
    return f"postgres://{user}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/{name}"


def psql(url: str, sql: str) -> str:
    return subprocess.run(
        ["psql", url, "-At", "-c", sql], capture_output=True, text=True, check=True
    ).stdout.strip()


@pytest.mark.django_db(transaction=True)
def test_backup_restore_round_trip(make_youth, tmp_path):
    for index in range(5):
        make_youth(first_name=f"Kopia{index}")
    expected = sorted(Youth.objects.values_list("personnummer", flat=True))
    source = url_for(connection.settings_dict["NAME"])
    dump = tmp_path / "kaa.dump"
    backup = subprocess.run(
        ["make", "--no-print-directory", "backup", f"BACKUP_FILE={dump}", f"DATABASE_URL={source}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert backup.returncode == 0, backup.stderr
    assert dump.stat().st_size > 0

    fresh = f"kaa_restore_{uuid.uuid4().hex[:8]}"
    admin = url_for("postgres")
    psql(admin, f'CREATE DATABASE "{fresh}"')
    try:
        restore = subprocess.run(
            [
                "make",
                "--no-print-directory",
                "restore",
                f"BACKUP_FILE={dump}",
                f"DATABASE_URL={url_for(fresh)}",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert restore.returncode == 0, restore.stderr
        restored = psql(
            url_for(fresh), "SELECT personnummer FROM youths_youth ORDER BY personnummer"
        ).splitlines()
        assert restored == expected
        assert psql(url_for(fresh), "SELECT count(*) FROM kaa_municipality") == "290"
    finally:
        psql(admin, f'DROP DATABASE IF EXISTS "{fresh}"')


def test_restore_refuses_a_missing_file():
    result = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "restore",
            "BACKUP_FILE=/nonexistent.dump",
            "DATABASE_URL=postgres://x@127.0.0.1/y",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "finns inte" in result.stderr
