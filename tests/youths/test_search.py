"""The youth search: POSTed, results under an opaque token, never a personnummer in a URL."""

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from kaa.models import AuditAction, AuditEvent
from youths.search import SEARCH_TTL

pytestmark = [pytest.mark.django_db]

NOW = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def fixed_today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def twins(make_youth, coordinator):
    born = dt.date(2008, 1, 1)
    return [
        make_youth(first_name="Alva", last_name="Ek", birth=born, assigned_to=coordinator),
        make_youth(first_name="Alma", last_name="Ek", birth=born, assigned_to=coordinator),
    ]


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def test_the_list_page_posts_its_search_form(client_for, coordinator):
    html = client_for(coordinator).get(reverse("youths:list")).content.decode()
    form = re.search(r"<form[^>]*role=\"search\"[^>]*>", html).group(0)
    assert 'method="post"' in form and reverse("youths:search") in form
    assert "data-no-draft" in form  # the draft keeper never stores a search in the browser
    assert 'autocomplete="off"' in html


@pytest.mark.parametrize("form", ["{pnr}", "{pnr8}-{pnr4}", "{pnr6}-{pnr4}", "{pnr8} {pnr4}"])
def test_a_personnummer_search_with_one_match_opens_the_youth(
    client_for, coordinator, make_youth, form
):
    youth = make_youth(first_name="Saga", last_name="Lind", assigned_to=coordinator)
    pnr = youth.personnummer
    text = form.format(pnr=pnr, pnr8=pnr[:8], pnr6=pnr[2:8], pnr4=pnr[8:])
    response = client_for(coordinator).post(reverse("youths:search"), {"q": text})
    assert response.status_code == 302
    assert response["Location"] == reverse("youths:detail", args=[youth.pk])
    assert AuditEvent.objects.filter(youth_id=youth.pk, action=AuditAction.YOUTH_VIEW).count() == 0


def test_several_matches_are_listed_under_an_opaque_token(client_for, coordinator, twins):
    client = client_for(coordinator)
    text = twins[0].personnummer[:8]  # a part of the number matches both
    response = client.post(reverse("youths:search"), {"q": text, "status": ""})
    location = response["Location"]
    assert response.status_code == 302 and location.startswith(reverse("youths:list") + "?sok=")
    assert text not in _digits(location)
    html = client.get(location).content.decode()
    assert "Ek, Alva" in html and "Ek, Alma" in html
    # The text is shown back in the form (in the page, not in the URL).
    assert f'value="{text}"' in html
    assert "no-store" in client.get(location)["Cache-Control"]


def test_a_name_search_never_reaches_the_url(client_for, coordinator, twins, make_youth):
    make_youth(first_name="Nils", last_name="Berg", assigned_to=coordinator)
    client = client_for(coordinator)
    response = client.post(reverse("youths:search"), {"q": "Ek", "coordinator": "all"})
    location = response["Location"]
    assert "Ek" not in location and "coordinator=all" in location
    html = client.get(location).content.decode()
    assert "Ek, Alva" in html and "Berg, Nils" not in html


def test_filters_without_text_stay_plain_get_parameters(client_for, coordinator):
    response = client_for(coordinator).post(
        reverse("youths:search"), {"q": "", "coordinator": "all", "status": "i_malgrupp"}
    )
    assert "sok=" not in response["Location"]
    assert "coordinator=all" in response["Location"] and "status=i_malgrupp" in response["Location"]


def test_a_search_text_in_the_url_is_ignored(client_for, coordinator, twins, make_youth):
    make_youth(first_name="Nils", last_name="Berg", assigned_to=coordinator)
    html = client_for(coordinator).get(reverse("youths:list"), {"q": "Ek"}).content.decode()
    assert "Berg, Nils" in html  # not filtered: a URL never carries the search


def test_a_token_is_the_users_own_and_expires(client_for, coordinator, colleague, twins, settings):
    settings.SESSION_IDLE_TIMEOUT = settings.SESSION_ABSOLUTE_LIFETIME = 2 * SEARCH_TTL
    client = client_for(coordinator)
    location = client.post(reverse("youths:search"), {"q": "Ek"})["Location"]

    other = Client()
    other.force_login(colleague)
    response = other.get(location)
    html = response.content.decode()
    assert "Sökningen har gått ut" in html and 'value="Ek"' not in html

    with time_machine.travel(NOW + dt.timedelta(seconds=SEARCH_TTL + 1), tick=False):
        html = client.get(location).content.decode()
    assert "Sökningen har gått ut" in html and 'value="Ek"' not in html


def test_an_invalid_search_is_shown_with_its_error(client_for, coordinator):
    response = client_for(coordinator).post(reverse("youths:search"), {"q": "x" * 101})
    assert response.status_code == 200
    assert "som mest 100 tecken" in response.content.decode()


def test_search_is_post_only_and_needs_the_role(client_for, coordinator, outsider, client):
    assert client_for(coordinator).get(reverse("youths:search")).status_code == 405
    anonymous = Client().post(reverse("youths:search"), {"q": "Ek"})
    assert anonymous.status_code == 302 and "Ek" not in anonymous["Location"]


def test_outsider_search_finds_nothing_of_another_municipality(client_for, outsider, twins):
    client = client_for(outsider)
    response = client.post(
        reverse("youths:search"), {"q": twins[0].personnummer, "coordinator": "all"}
    )
    assert response["Location"].startswith(reverse("youths:list"))
    assert "Ek, Alva" not in client.get(response["Location"]).content.decode()
