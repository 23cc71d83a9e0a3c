"""Edits never lose a colleague's change (kaa/versioning.py): the youth's own fields, the
plan, the follow-up rules and a membership's role carry a version; a stale save is
refused with both values side by side and the form kept, and only changed fields are
written."""

import html
import re

import pytest
from django.urls import reverse

from actions.models import FollowUpRules, PlanRevision
from kaa.models import AuditAction, AuditEvent, Membership, Role
from tests.conftest import make_user
from youths.services import youth_assign

pytestmark = pytest.mark.django_db


def field_value(response, name: str) -> str:
    """The value a rendered form shows in the <input> or <textarea> called `name`."""
    page = response.content.decode()
    tag = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', page)
    if tag:
        value = re.search(r'\bvalue="([^"]*)"', tag.group(0))
        return html.unescape(value.group(1)) if value else ""
    area = re.search(rf'<textarea[^>]*\bname="{name}"[^>]*>(.*?)</textarea>', page, re.S)
    assert area, f"no field {name}"
    return html.unescape(area.group(1)).strip()


def form_data(response, names) -> dict:
    return {name: field_value(response, name) for name in names}


YOUTH_FORM = ["first_name", "last_name", "street_address", "postal_code", "postal_town",
              "phone", "email", "edit_base", "form_token"]  # fmt: skip


@pytest.fixture
def youth(make_youth, coordinator):
    return make_youth(
        first_name="Saga",
        last_name="Lind",
        phone="070-1111111",
        street_address="Storgatan 1",
        postal_code="70210",
        postal_town="Örebro",
        assigned_to=coordinator,
    )


def test_phone_saved_by_a_colleague_is_not_reverted_by_an_address_change(
    client, coordinator, colleague, youth
):
    url = reverse("youths:edit", args=[youth.pk])
    client.force_login(coordinator)
    mine = form_data(client.get(url), YOUTH_FORM)
    client.force_login(colleague)
    theirs = form_data(client.get(url), YOUTH_FORM)

    assert client.post(url, {**theirs, "phone": "070-2222222"}).status_code == 302

    client.force_login(coordinator)
    refused = client.post(url, {**mine, "street_address": "Nygatan 5"})
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "En kollega har sparat ändringar" in page
    table = page[page.index("<table") : page.index("</table>")]
    assert "Sparat av kollega" in table and "I ditt formulär" in table
    assert "070-2222222" in table and "070-1111111" in table  # phone: theirs, the form's
    assert "Storgatan 1" in table and "Nygatan 5" in table  # address: saved, mine
    # The form is kept: my change stays, the colleague's phone is filled in.
    assert field_value(refused, "street_address") == "Nygatan 5"
    assert field_value(refused, "phone") == "070-2222222"
    youth.refresh_from_db()
    assert (youth.phone, youth.street_address) == ("070-2222222", "Storgatan 1")

    again = form_data(refused, YOUTH_FORM)
    assert client.post(url, again).status_code == 302
    youth.refresh_from_db()
    assert (youth.phone, youth.street_address) == ("070-2222222", "Nygatan 5")
    assert AuditEvent.objects.filter(action=AuditAction.YOUTH_UPDATE).latest("pk").detail == {
        "fields": ["street_address"]
    }


def test_only_the_fields_the_user_changed_are_written(client, coordinator, colleague, youth):
    url = reverse("youths:edit", args=[youth.pk])
    client.force_login(coordinator)
    mine = form_data(client.get(url), YOUTH_FORM)
    # A change outside the form (an assignment) bumps the version but differs from nothing
    # in the form: the save goes through and writes only the changed field.
    youth_assign(acting_user=coordinator, youth=youth, assignee=colleague)
    youth.refresh_from_db()
    version = youth.version
    assert client.post(url, {**mine, "email": "saga@example.invalid"}).status_code == 302
    youth.refresh_from_db()
    assert youth.email == "saga@example.invalid" and youth.assigned_to == colleague
    assert youth.version == version + 1
    assert AuditEvent.objects.filter(action=AuditAction.YOUTH_UPDATE).get().detail == {
        "fields": ["email"]
    }


def test_a_tampered_edit_base_is_a_form_error(client, coordinator, youth):
    url = reverse("youths:edit", args=[youth.pk])
    client.force_login(coordinator)
    data = form_data(client.get(url), YOUTH_FORM)
    response = client.post(url, {**data, "phone": "1", "edit_base": data["edit_base"] + "x"})
    assert response.status_code == 200
    assert "Formuläret kunde inte läsas" in response.content.decode()
    youth.refresh_from_db()
    assert youth.phone == "070-1111111"


def test_plan_saved_from_a_stale_form_is_refused_and_kept(client, coordinator, colleague, youth):
    url = reverse("actions:plan_revise", args=[youth.pk])
    names = ["goal", "steps", "edit_base", "form_token"]
    client.force_login(coordinator)
    client.post(url, {"goal": "Börja på gymnasiet", "steps": ""})
    mine = form_data(client.get(url), names)
    client.force_login(colleague)
    theirs = form_data(client.get(url), names)
    assert client.post(url, {**theirs, "steps": "Studiebesök"}).status_code == 302

    client.force_login(coordinator)
    refused = client.post(url, {**mine, "goal": "Börja på komvux"})
    assert refused.status_code == 200
    assert "En kollega har sparat ändringar" in refused.content.decode()
    assert PlanRevision.objects.filter(youth=youth).count() == 2
    assert field_value(refused, "goal") == "Börja på komvux"
    assert field_value(refused, "steps") == "Studiebesök"

    assert client.post(url, form_data(refused, names)).status_code == 302
    newest = PlanRevision.objects.filter(youth=youth).first()
    assert (newest.goal, newest.steps) == ("Börja på komvux", "Studiebesök")


def test_identical_plan_from_a_stale_form_is_not_saved_twice(client, coordinator, colleague, youth):
    url = reverse("actions:plan_revise", args=[youth.pk])
    names = ["goal", "steps", "edit_base"]
    client.force_login(coordinator)
    mine = form_data(client.get(url), names)
    client.force_login(colleague)
    theirs = form_data(client.get(url), names)
    assert client.post(url, {**theirs, "goal": "Praktik"}).status_code == 302
    client.force_login(coordinator)
    response = client.post(url, {**mine, "goal": "Praktik"})
    assert response.status_code == 200 and "oförändrad" in response.content.decode()
    assert PlanRevision.objects.filter(youth=youth).count() == 1


def test_follow_up_rules_from_a_stale_form_are_refused(client, administrator, home):
    other_admin = make_user("admin2", home, Role.ADMINISTRATOR)
    url = reverse("actions:rules")
    names = ["unreached_days", "declined_interval_days", "before_20_days", "after_exit_days",
             "absence_days", "edit_base"]  # fmt: skip
    client.force_login(administrator)
    mine = form_data(client.get(url), names)
    client.force_login(other_admin)
    theirs = form_data(client.get(url), names)
    assert client.post(url, {**theirs, "unreached_days": "14"}).status_code == 302

    client.force_login(administrator)
    refused = client.post(url, {**mine, "before_20_days": "90"})
    assert refused.status_code == 200
    assert "En kollega har sparat ändringar" in refused.content.decode()
    assert field_value(refused, "unreached_days") == "14"
    assert FollowUpRules.objects.get(municipality=home).before_20_days == 60
    assert client.post(url, form_data(refused, names)).status_code == 302
    rules = FollowUpRules.objects.get(municipality=home)
    assert (rules.unreached_days, rules.before_20_days) == (14, 90)


def test_role_change_from_a_stale_form_is_refused(client, administrator, home, coordinator):
    other_admin = make_user("admin2", home, Role.ADMINISTRATOR)
    member = Membership.objects.get(user=coordinator, municipality=home)
    url = reverse("membership_edit", args=[member.pk])
    names = ["edit_base"]
    client.force_login(administrator)
    mine = form_data(client.get(url), names)
    client.force_login(other_admin)
    theirs = form_data(client.get(url), names)
    assert client.post(url, {**theirs, "role": Role.PRINCIPAL}).status_code == 302

    client.force_login(administrator)
    refused = client.post(url, {**mine, "role": Role.ADMINISTRATOR})
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "En kollega har sparat ändringar" in page
    assert str(Role.PRINCIPAL.label) in page and str(Role.ADMINISTRATOR.label) in page
    member.refresh_from_db()
    assert member.role == Role.PRINCIPAL


def test_double_click_on_save_lands_on_the_saved_record(client, coordinator, youth):
    url = reverse("youths:edit", args=[youth.pk])
    client.force_login(coordinator)
    data = {**form_data(client.get(url), YOUTH_FORM), "phone": "070-3333333"}
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    youth.refresh_from_db()
    assert youth.phone == "070-3333333"
    assert AuditEvent.objects.filter(action=AuditAction.YOUTH_UPDATE).count() == 1
