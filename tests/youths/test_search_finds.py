"""Search that finds: names without diacritics and case, the whole municipality, the
header box on every page, and the "already registered" error linking to the youth."""

import datetime as dt

import pytest
from django.urls import reverse

from kaa.models import Code
from tests.conftest import code, valid_personnummer
from youths.folding import fold

pytestmark = [pytest.mark.django_db]


def test_fold():
    assert (
        fold("Björk") == "bjork" and fold("ÇELIK") == "celik" and fold("Åsa Øberg") == "asa oberg"
    )


@pytest.mark.parametrize("text", ["bjork", "BJÖRK", "Bjork", "björk", "ahlen", "Ahlén"])
def test_names_match_without_diacritics_and_case(client_for, coordinator, make_youth, text):
    bjork = make_youth(first_name="Märta", last_name="Björk", assigned_to=coordinator)
    celik = make_youth(first_name="Anna", last_name="Ahlén Çelik", assigned_to=coordinator)
    make_youth(first_name="Olle", last_name="Berg", assigned_to=coordinator)
    response = client_for(coordinator).post(
        reverse("youths:search"), {"q": text, "coordinator": "all"}
    )
    # Exactly one match: straight to that youth.
    expected = bjork if "j" in text.lower() else celik
    assert response.status_code == 302
    assert response["Location"] == reverse("youths:detail", args=[expected.pk])


def test_search_says_how_many_match_outside_the_filter(
    client_for, coordinator, colleague, make_youth
):
    make_youth(first_name="Ada", last_name="Sjöberg", assigned_to=coordinator)
    make_youth(first_name="Alva", last_name="Sjöberg", assigned_to=coordinator)
    make_youth(first_name="Bo", last_name="Sjöberg", assigned_to=colleague)
    make_youth(first_name="Cia", last_name="Sjöberg")
    client = client_for(coordinator)
    response = client.post(
        reverse("youths:search"), {"q": "sjoberg", "coordinator": "mine"}, follow=True
    )
    html = response.content.decode()
    assert "Sjöberg, Ada" in html and "Sjöberg, Bo" not in html
    assert "2 ungdomar till matchar sökningen utanför filtret." in html
    widen = html.split("utanför filtret.")[1].split('href="')[1].split('"')[0]
    assert "sjoberg" not in widen.lower() and "coordinator=all" in widen
    html = client.get(reverse("youths:list") + widen.replace("&amp;", "&")).content.decode()
    assert all(f"Sjöberg, {n}" in html for n in ("Ada", "Alva", "Bo", "Cia"))
    assert "utanför filtret" not in html


def test_header_search_box_on_every_page_and_whole_municipality(
    client_for, coordinator, colleague, make_youth
):
    youth = make_youth(first_name="Dana", last_name="Öhman", assigned_to=colleague)
    client = client_for(coordinator)
    for name in ("actions:todo", "youths:list", "youths:create", "code_lists"):
        html = client.get(reverse(name)).content.decode()
        assert 'id="header-search"' in html and 'name="coordinator" value="all"' in html
    # The header posts coordinator=all: a youth of a colleague is found, and one hit opens it.
    response = client.post(reverse("youths:search"), {"q": "ohman", "coordinator": "all"})
    assert response.status_code == 302
    assert response["Location"] == reverse("youths:detail", args=[youth.pk])


def test_already_registered_links_to_the_youth(client_for, coordinator, make_youth):
    number = valid_personnummer(dt.date(2008, 3, 4))
    youth = make_youth(first_name="Eva", last_name="Ek", personnummer=number)
    response = client_for(coordinator).post(
        reverse("youths:create"),
        {
            "personnummer_text": number,
            "first_name": "Eva",
            "last_name": "Ek",
            "initial_state": "enrol",
            "start_date": "2026-11-01",
            "entry_reason": code(Code.ListName.ENTRY_REASON, "aldrig_paborjat").pk,
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ungdomen finns redan i registret." in html
    assert reverse("youths:detail", args=[youth.pk]) in html
