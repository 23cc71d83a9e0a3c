"""No personnummer and no search text in any log line, in either format; no personal page
kept in a browser or proxy cache."""

import io
import json
import logging
import logging.config

import pytest
from django.conf import settings
from django.urls import reverse

from kaa.logging import redact

PNR = "200801014564"

SPELLINGS = [
    "200801014564",
    "0801014564",
    "20080101-4564",
    "080101-4564",
    "080101+4564",
    "2008-01-01-4564",
    "20080101.4564",
    "2008.01.01.4564",
    "2008 01 01 4564",
    "20080101 4564",
    "080101 4564",
    "2008/01/01-4564",
    "20080101%2D4564",
    "20080101+4564",  # a form-encoded space
    "%32%30%30%38%30%31%30%31%2D%34%35%36%34",  # every digit percent-encoded
    "%32%30%30%38%30%31%30%31%34%35%36%34",
    "２００８０１０１-４５６４",  # full-width digits
    "%EF%BC%92%EF%BC%90%EF%BC%90%EF%BC%98%EF%BC%90%EF%BC%91%EF%BC%90%EF%BC%91%34%35%36%34",
]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_every_spelling_of_a_personnummer_is_masked(spelling):
    line = f"search for {spelling} done"
    assert redact(line) == "search for [personnummer] done"


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-24 21:48:56,123 INFO kaa started",
        "GET /ungdomar/123/ HTTP/1.1",
        "youth 4564 changed by user 12",
        "127.0.0.1:8000",
    ],
)
def test_ordinary_numbers_are_left_alone(text):
    assert redact(text) == text


def _handler(format_name: str) -> tuple[logging.Handler, io.StringIO]:
    """The console handler as LOGGING configures it, writing to a string."""
    configurator = logging.config.DictConfigurator(settings.LOGGING)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(
        configurator.configure_formatter(dict(settings.LOGGING["formatters"][format_name]))
    )
    handler.addFilter(
        configurator.configure_filter(dict(settings.LOGGING["filters"]["no_personal_data"]))
    )
    return handler, stream


@pytest.fixture(params=["plain", "json"])
def log(request):
    handler, stream = _handler(request.param)
    logger = logging.getLogger(f"kaa.tests.{request.param}")
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    yield logger, stream, request.param
    logger.removeHandler(handler)


def test_request_lines_lose_their_query_string(log):
    logger, stream, _format = log
    # What runserver's request handler logs (django.core.servers.basehttp).
    logger.info(
        '"%s" %s %s', "GET /ungdomar/?q=Saga+Lind&sok=abc&coordinator=all HTTP/1.1", "200", "512"
    )
    logger.info('"%s" %s %s', f"GET /ungdomar/?q={PNR[:8]}-{PNR[8:]} HTTP/1.1", "200", "512")
    output = stream.getvalue()
    assert "Saga" not in output and "Lind" not in output and PNR[8:] not in output
    assert output.count("GET /ungdomar/?[…] HTTP/1.1") == 2


def test_exception_text_and_traceback_are_redacted(log):
    logger, stream, format_name = log
    try:
        raise ValueError(f"value 2008-01-01-4564 refused, also {PNR}")
    except ValueError:
        logger.exception("failed for %s", "20080101.4564")
    output = stream.getvalue()
    assert "4564" not in output
    assert output.count("[personnummer]") >= 3  # the source line in the traceback too
    assert "Traceback" in output and "ValueError" in output
    if format_name == "json":
        entry = json.loads(output)
        assert "ValueError" in entry["exception"] and "[personnummer]" in entry["message"]


def test_stack_info_is_redacted_too(log):
    logger, stream, _format = log

    def deep(number):
        logger.info("at %s", "x", stack_info=True)

    deep(PNR)
    assert "Stack" in stream.getvalue() and PNR not in stream.getvalue()


@pytest.mark.django_db
def test_a_search_is_never_in_the_request_log(client_for, coordinator, make_youth, caplog):
    youth = make_youth(first_name="Saga", last_name="Lind", assigned_to=coordinator)
    client = client_for(coordinator)
    with caplog.at_level(logging.DEBUG):
        client.post(reverse("youths:search"), {"q": "Lind"})
        client.post(reverse("youths:search"), {"q": youth.personnummer})
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "Lind" not in logged and youth.personnummer[8:] not in logged


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["actions:todo", "youths:list", "youths:create", "user_list", "log_review"]
)
def test_authenticated_pages_are_not_stored(client_for, administrator, name):
    response = client_for(administrator).get(reverse(name))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_youth_page_and_downloads_are_not_stored(client_for, administrator, make_youth):
    client = client_for(administrator)
    youth = make_youth()
    for url in (
        reverse("youths:detail", args=[youth.pk]),
        reverse("youths:access_log", args=[youth.pk]),
        reverse("log_review") + "?format=xlsx",
    ):
        response = client.get(url)
        assert response.status_code == 200 and "no-store" in response["Cache-Control"], url
