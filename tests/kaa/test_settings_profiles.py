"""The settings profiles refuse to start without what they need."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_check(**env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_DEBUG"}
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_secret_key():
    result = run_check(DJANGO_ENV="production", ALLOWED_HOSTS="kaa.example.invalid")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_a_short_secret_key():
    result = run_check(
        DJANGO_ENV="production", SECRET_KEY="short", ALLOWED_HOSTS="kaa.example.invalid"
    )
    assert result.returncode != 0
    assert "at least 50 characters" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_check(DJANGO_ENV="production", SECRET_KEY="k" * 60)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_production_refuses_debug():
    result = run_check(
        DJANGO_ENV="production",
        SECRET_KEY="k" * 60,
        ALLOWED_HOSTS="x.example.invalid",
        DJANGO_DEBUG="1",
    )
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be off" in result.stderr


def test_bad_boolean_is_named():
    result = run_check(DJANGO_ENV="development", DJANGO_DEBUG="kanske")
    assert result.returncode != 0
    assert "DJANGO_DEBUG='kanske' is not a boolean" in result.stderr


def test_development_starts_with_debug_off_by_default():
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings; print(settings.DEBUG, settings.LANGUAGE_CODE, settings.TIME_ZONE)",
        ],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k != "DJANGO_DEBUG"}
        | {"DJANGO_ENV": "development"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False sv Europe/Stockholm"
