"""The overview page, its drill-down lists, the nämnd report and who may see what."""

import io
import re
from html import unescape

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dashboards.models import MonthlyFigure, OverviewSnapshot
from dashboards.services import monthly_figures_rebuild
from kaa.models import AuditAction, AuditEvent
from tests.dashboards.conftest import TODAY, contact

pytestmark = [pytest.mark.django_db]

OVERVIEW = "/oversikt/"


def listed(client, **params) -> set[str]:
    response = client.get(reverse("youths:list"), params)
    assert response.status_code == 200
    return {youth.first_name for youth in response.context["page"].object_list}


def test_rektor_lands_on_the_overview(client_for, rektor, coordinator):
    assert client_for(rektor).get("/").url == reverse("dashboards:overview")
    assert client_for(coordinator).get("/").url == reverse("actions:todo")


def test_overview_shows_the_figures_and_links_them(client_for, rektor, register, home):
    response = client_for(rektor).get(OVERVIEW)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Översikt – Örebro" in html
    assert response.context["data"].in_group.total == 4
    # Every figure is a link to the youth list behind it.
    assert "/ungdomar/?coordinator=all&amp;figur=i_malgrupp&amp;kon=M&amp;alder=18" in html
    assert "/ungdomar/?coordinator=all&amp;figur=kontaktade&amp;kon=K" in html
    # Figures only: no names or personnummer on the page.
    assert "Registersson" not in html
    for youth in register.values():
        assert youth.personnummer[:8] not in html


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"figur": "i_malgrupp"}, {"Anna", "Bo", "Dan", "Frank"}),
        ({"figur": "i_malgrupp", "kon": "M", "alder": "18"}, {"Frank"}),
        ({"figur": "i_malgrupp", "kon": "K"}, {"Anna"}),
        ({"figur": "kontaktade"}, {"Anna", "Dan", "Frank"}),
        ({"figur": "ej_kontaktade"}, {"Bo"}),
        ({"figur": "aldrig_nadda"}, {"Bo", "Dan"}),
        ({"figur": "i_atgard"}, {"Dan"}),
        ({"figur": "tackat_nej"}, {"Frank"}),
        ({"figur": "okand_sysselsattning"}, {"Bo", "Frank"}),
        ({"figur": "forsenad_uppfoljning"}, {"Anna", "Dan"}),
        ({"figur": "saknar_orsak"}, {"Bo"}),
        ({"figur": "orsak", "orsak": "2"}, {"Dan"}),
        ({"figur": "utfall", "atgard": "5", "utfall": "okand"}, {"Ella"}),
        ({"figur": "utfall", "atgard": "4", "utfall": "studier"}, {"Frank"}),
        ({"figur": "avslutad_okand"}, {"Ella"}),
        ({"figur": "att_utreda_lange"}, {"Hugo"}),
        ({"figur": "anmalan_ej_hanterad"}, {"Bo", "Ivar"}),
        ({"figur": "i_malgrupp", "halvar": "2026H1"}, {"Anna", "Bo", "Cilla", "Dan", "Ella"}),
    ],
)
def test_drill_down_lists_exactly_the_youths_counted(
    client_for, rektor, register, params, expected
):
    assert listed(client_for(rektor), coordinator="all", **params) == expected


def test_every_link_on_the_overview_lists_as_many_youths_as_it_says(
    client_for, coordinator, register
):
    client = client_for(coordinator)
    for scope in ("kommun", "mina"):
        html = client.get(OVERVIEW, {"urval": scope}).content.decode()
        links = re.findall(r'<a href="(/ungdomar/\?[^"]+)">(\d+)</a>', html)
        assert len(links) > 30
        for url, count in links:
            response = client.get(unescape(url))
            assert response.context["page"].paginator.count == int(count), url


def test_drill_down_is_audited_like_any_list(client_for, rektor, register):
    listed(client_for(rektor), coordinator="all", figur="i_atgard")
    rows = AuditEvent.objects.filter(action=AuditAction.YOUTH_LIST, user=rektor)
    assert list(rows.values_list("youth_id", flat=True)) == [register["Dan"].pk]


def test_coordinator_sees_caseload_and_municipality(client_for, coordinator, register):
    client = client_for(coordinator)
    municipality = client.get(OVERVIEW)
    assert municipality.context["data"].in_group.total == 4
    mine = client.get(OVERVIEW, {"urval": "mina"})
    assert mine.context["data"].in_group.total == 2
    assert "coordinator=mine&amp;figur=i_malgrupp" in mine.content.decode()
    assert listed(client, coordinator="mine", figur="i_malgrupp") == {"Anna", "Dan"}
    # The caseload's own trend, labelled with when its past was counted, with its
    # table alternative split by age.
    assert [p.in_group for p in mine.context["trend"]] == [0, 0, 0, 0, 2, 2]
    html = mine.content.decode()
    assert "Dina ungdomar i målgruppen de senaste sex halvåren" in html
    assert "Tidigare halvår: beräknade 2026-11-22 13:00, för dem du var ansvarig" in html
    start = html.index('id="trend-table"')
    table = unescape(re.sub(r"<[^>]+>", " ", html[start : html.index("</table>", start)]))
    # Kvinnor 1, män 1, 17 år 1, 18 år 1, totalt 2.
    assert "2026 H1 2026-06-30 1 1 1 1 2" in re.sub(r"\s+", " ", table)


def test_rektor_cannot_choose_a_caseload(client_for, rektor, register):
    response = client_for(rektor).get(OVERVIEW, {"urval": "mina"})
    assert response.context["scope"] == "kommun"
    assert response.context["data"].in_group.total == 4


def test_outsider_sees_only_their_own_municipality(client_for, outsider, register):
    client = client_for(outsider)
    response = client.get(OVERVIEW)
    assert response.status_code == 200
    assert response.context["data"].in_group.total == 1  # Gustav, not Örebro's four
    assert listed(client, coordinator="all", figur="i_malgrupp") == {"Gustav"}


def test_anonymous_is_sent_to_login(client):
    response = client.get(OVERVIEW)
    assert response.status_code == 302 and "/konto/logga-in/" in response.url


def test_rektor_reads_but_cannot_change_casework(client_for, rektor, register):
    client = client_for(rektor)
    dan = register["Dan"]
    assert client.get(f"/ungdomar/{dan.pk}/").status_code == 200
    assert client.post(f"/ungdomar/{dan.pk}/kontakt/ny/", {}).status_code == 403
    assert client.post(f"/ungdomar/{dan.pk}/andra/", {}).status_code == 403


def test_overview_query_count_is_bounded(
    client_for, rektor, coordinator, register, home, django_assert_max_num_queries
):
    monthly_figures_rebuild(municipality_id=home.pk, today=TODAY)
    client = client_for(rektor)
    with django_assert_max_num_queries(15):
        assert client.get(OVERVIEW).status_code == 200
    client = client_for(coordinator)
    with django_assert_max_num_queries(15):
        assert client.get(OVERVIEW, {"urval": "mina"}).status_code == 200


def test_drill_down_list_query_count_is_bounded(
    client_for, rektor, register, django_assert_max_num_queries
):
    client = client_for(rektor)
    with django_assert_max_num_queries(12):
        client.get(reverse("youths:list"), {"coordinator": "all", "figur": "kontaktade"})


def test_trend_is_labelled_with_when_it_was_computed(
    client_for, rektor, register, home, django_capture_on_commit_callbacks
):
    client = client_for(rektor)
    assert "Tidigare halvår är inte beräknade ännu." in client.get(OVERVIEW).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("dashboards:rebuild"))
    assert response.status_code == 302
    assert MonthlyFigure.objects.filter(municipality=home).count() == 36
    html = client.get(OVERVIEW).content.decode()
    assert "Tidigare halvår: beräknade 2026-11-22" in html
    assert '<td class="text-end">5</td>' in html  # 2026 H1 in the table


def test_rebuild_is_post_only_and_needs_a_role(client_for, outsider, rektor, client):
    assert client_for(rektor).get(reverse("dashboards:rebuild")).status_code == 405


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [("rektor", True), ("administrator", True), ("coordinator", False), ("outsider", False)],
)
def test_who_may_recount_the_figures(
    request, client_for, persona, allowed, register, home, django_capture_on_commit_callbacks
):
    """Recounting is a cache, not casework (rektor may), but a heavy one: the ones who
    answer for the follow-up may, a coordinator (whose caseload is counted live) not."""
    client = client_for(request.getfixturevalue(persona))
    html = client.get(OVERVIEW).content.decode()
    assert ("Räkna om siffrorna nu" in html) is allowed
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("dashboards:rebuild"))
    assert response.status_code == (302 if allowed else 403)
    assert MonthlyFigure.objects.filter(municipality=home).exists() is allowed


def test_a_second_recount_within_minutes_queues_nothing(
    client_for, rektor, register, home, django_capture_on_commit_callbacks
):
    client = client_for(rektor)
    with django_capture_on_commit_callbacks(execute=True) as first:
        client.post(reverse("dashboards:rebuild"))
    assert len(first) == 1
    with django_capture_on_commit_callbacks(execute=True) as second:
        response = client.post(reverse("dashboards:rebuild"), follow=True)
    assert second == []
    assert "Siffrorna räknades om 13:00" in response.content.decode()


def test_report_page_is_printable_figures_only(client_for, rektor, register):
    response = client_for(rektor).get(reverse("dashboards:report"), {"halvar": "2026H1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "halvåret 2026 H1" in html
    assert "Siffrorna avser 2026-06-30" in html
    assert "Målgruppen vid halvårets slut per kön och ålder" in html
    assert "Registersson" not in html


def test_report_xlsx_cells(client_for, rektor, register, home):
    monthly_figures_rebuild(municipality_id=home.pk, today=TODAY)
    response = client_for(rektor).get(reverse("dashboards:report_xlsx"), {"halvar": "2026H2"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="kaa-namndrapport-1880-2026H2.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[1][:2] == ("Kommun", "Örebro (1880)")
    by_label = {}
    for row in rows:
        if row and row[0]:
            by_label.setdefault(row[0], row[1:])
    assert by_label["Halvår"][0] == "2026 H2"
    assert by_label["Siffrorna avser"][0] == "2026-11-22"
    header = next(row for row in rows if row[0] == "Kön")
    assert header[:5] == ("Kön", "17 år", "18 år", "19 år", "Totalt")
    assert by_label["Kvinnor"][:4] == (0, 1, 0, 1)
    assert by_label["Män"][:4] == (1, 1, 1, 3)
    assert by_label["Kontaktade detta halvår"][:3] == (1, 2, 3)
    assert by_label["Aldrig nådda under inskrivningen"][:3] == (0, 2, 2)
    assert by_label["Kartläggning"][:4] == (1, 0, 0, 0)
    assert by_label["Praktik"][:4] == (0, 0, 0, 1)
    assert by_label["Att utreda i mer än 14 dagar"][0] == 1
    assert by_label["Anmälan från skola som ingen har hanterat"][0] == 2
    trend_header = next(row for row in rows if row[:2] == ("Halvår", "Datum"))
    ages = ("16 år", "17 år", "18 år", "19 år")
    assert trend_header == ("Halvår", "Datum", "Kvinnor", "Män", *ages, "Totalt")
    assert by_label["2026 H1"] == ("2026-06-30", 3, 2, 1, 1, 2, 1, 5)
    assert by_label["2026 H2"] == ("2026-11-22", 1, 3, 0, 1, 2, 1, 4)
    # The trend by kön and age: two rows per half-year.
    split_rows = [row for row in rows if row[0] == "2026 H1" and row[1] in ("Kvinnor", "Män")]
    assert split_rows == [
        ("2026 H1", "Kvinnor", 1, 0, 1, 1, 3, None, None),
        ("2026 H1", "Män", 0, 1, 1, 0, 2, None, None),
    ]
    # Figures only.
    text = " ".join(str(cell) for row in rows for cell in row if cell is not None)
    assert "Registersson" not in text
    for youth in register.values():
        assert youth.personnummer[:8] not in text


def test_report_of_the_running_half_year_reads_the_days_stored_figures(
    client_for, rektor, register, django_assert_max_num_queries
):
    client = client_for(rektor)
    # The day's first view of the overview counts the figures and stores them.
    assert client.get(OVERVIEW).context["data"].figures["ej_kontaktade"].total == 1
    contact(register["Bo"], TODAY)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("dashboards:report"))
    # The same figures as the overview, and when they were counted.
    assert response.context["data"].figures["ej_kontaktade"].total == 1
    assert "Siffrorna avser 2026-11-22 och är beräknade 2026-11-22 13:00" in (
        response.content.decode()
    )
    # A past half-year is counted as asked, from the source tables.
    past = client.get(reverse("dashboards:report"), {"halvar": "2026H1"})
    assert past.context["data"].in_group.total == 5


def test_report_refuses_a_half_year_outside_the_choices(client_for, rektor, register):
    response = client_for(rektor).get(reverse("dashboards:report"), {"halvar": "1999H1"})
    assert response.context["half_year"] == "2026 H2"


def test_overview_reads_the_days_stored_figures(
    client_for,
    rektor,
    register,
    home,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):
    client = client_for(rektor)
    # The day's first view computes the figures and stores them.
    assert client.get(OVERVIEW).context["data"].figures["ej_kontaktade"].total == 1
    assert OverviewSnapshot.objects.filter(municipality=home, on=TODAY).count() == 1
    contact(register["Bo"], TODAY)
    # Session, user, membership, the stored figures, the trend, and the session's save.
    with django_assert_max_num_queries(10):
        second = client.get(OVERVIEW)
    # The page shows the stored figures and says when they were computed …
    assert second.context["data"].figures["ej_kontaktade"].total == 1
    assert "Siffrorna beräknades 2026-11-22 13:00" in second.content.decode()
    # … while the list behind a figure is always live.
    assert listed(client, coordinator="all", figur="ej_kontaktade") == set()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("dashboards:rebuild"))
    assert client.get(OVERVIEW).context["data"].figures["ej_kontaktade"].total == 0
    assert OverviewSnapshot.objects.count() == 1


def test_caseload_figures_are_live(client_for, coordinator, register):
    client = client_for(coordinator)
    figures = client.get(OVERVIEW, {"urval": "mina"}).context["data"].figures
    assert figures["aldrig_nadda"].total == 1  # Dan
    contact(register["Dan"], TODAY, reached=True)
    figures = client.get(OVERVIEW, {"urval": "mina"}).context["data"].figures
    assert figures["aldrig_nadda"].total == 0
