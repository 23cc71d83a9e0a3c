"""An expected refusal (403) is logged as one line, not as a traceback."""

import logging

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.django_db]


def test_refusal_is_one_line_without_traceback(client_for, rektor, enrolled, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client_for(rektor).get(reverse("actions:contact_create", args=[enrolled.pk]))
    assert response.status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1
    assert records[0].exc_info is None and "Forbidden" in records[0].getMessage()
    assert "Traceback" not in caplog.text
