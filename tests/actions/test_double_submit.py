"""Every create form writes once per form: a double-click, a reload of the POST or a
retried request lands on the result of the first submit (kaa/idempotency.py)."""

import datetime as dt
import re
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.urls import reverse

from actions.models import Action, Consent, PlanRevision
from kaa.idempotency import purge_form_submissions
from kaa.models import AuditAction, AuditEvent, FormSubmission, Membership, Role
from tests.conftest import make_user, valid_personnummer
from youths.models import Contact, Enrolment, Guardian, Youth

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today")]

TOKEN = re.compile(r'name="form_token" value="([0-9a-f-]{36})"')


def token_of(response) -> str:
    match = TOKEN.search(response.content.decode())
    assert match, "the form has no one-time token"
    return match.group(1)


def cases(request):
    """name -> (user, url, form page url, data, rows)."""
    coordinator = request.getfixturevalue("coordinator")
    administrator = request.getfixturevalue("administrator")
    enrolled = request.getfixturevalue("enrolled")
    make_youth = request.getfixturevalue("make_youth")
    entry_reason = request.getfixturevalue("entry_reason")
    action_kind = request.getfixturevalue("action_kind")
    pk = enrolled.pk
    return {
        "contact": (
            coordinator,
            reverse("actions:contact_create", args=[pk]),
            {"at": "2026-11-20 10:00", "channel": "sms", "with_whom": "ungdomen", "reached": "0"},
            lambda: Contact.objects.filter(youth=enrolled),
        ),
        "action": (
            coordinator,
            reverse("actions:action_offer", args=[pk]),
            {"kind": action_kind.pk, "responsible": "kommunen", "offered_on": "2026-11-20"},
            lambda: Action.objects.filter(youth=enrolled),
        ),
        "consent": (
            coordinator,
            reverse("actions:consent_create", args=[pk]),
            {"agency": "Socialtjänsten", "scope": "Kontaktuppgifter", "given_on": "2026-11-20"},
            lambda: Consent.objects.filter(youth=enrolled),
        ),
        "plan": (
            coordinator,
            reverse("actions:plan_revise", args=[pk]),
            {"goal": "Börja på gymnasiet", "steps": "Studiebesök i januari"},
            lambda: PlanRevision.objects.filter(youth=enrolled),
        ),
        "guardian": (
            coordinator,
            reverse(
                "youths:guardian_add",
                args=[make_youth(birth=dt.date(2011, 2, 3), first_name="Ung").pk],
            ),
            {"name": "Vera Vårdnadshavare", "phone": "070-000 00 00"},
            lambda: Guardian.objects.all(),
        ),
        "register": (
            coordinator,
            reverse("youths:create"),
            {
                "personnummer_text": valid_personnummer(dt.date(2008, 3, 3)),
                "first_name": "Nova",
                "last_name": "Nyström",
                "initial_state": "enrol",
                "start_date": "2026-11-02",
                "entry_reason": entry_reason.pk,
            },
            lambda: Youth.objects.filter(first_name="Nova"),
        ),
        "enrolment": (
            coordinator,
            reverse("youths:enrolment_create", args=[make_youth(first_name="Utan").pk]),
            {"start_date": "2026-11-02", "entry_reason": entry_reason.pk},
            lambda: Enrolment.objects.filter(youth__first_name="Utan"),
        ),
        "verification": (
            coordinator,
            reverse("youths:verification_open", args=[make_youth(first_name="Utreds").pk]),
            {"note": "Avbrott enligt skolan"},
            lambda: AuditEvent.objects.filter(action=AuditAction.VERIFICATION_OPEN),
        ),
        "user": (
            administrator,
            reverse("user_create"),
            {
                "username": "ny.samordnare",
                "first_name": "Ny",
                "last_name": "Samordnare",
                "email": "ny@example.invalid",
                "role": Role.COORDINATOR,
            },
            lambda: get_user_model().objects.filter(username="ny.samordnare"),
        ),
        "membership": (
            administrator,
            reverse("membership_add"),
            {"email": "flyttad@example.invalid", "role": Role.COORDINATOR},
            lambda: Membership.objects.filter(user__username="flyttad", municipality__code="1880"),
        ),
    }


@pytest.mark.parametrize(
    "name",
    [
        "contact",
        "action",
        "consent",
        "plan",
        "guardian",
        "register",
        "enrolment",
        "verification",
        "user",
        "membership",
    ],
)
def test_second_submit_lands_on_the_first(name, request, client, other_municipality):
    make_user("flyttad", other_municipality, Role.COORDINATOR)
    user, url, data, rows = cases(request)[name]
    client.force_login(user)
    data = {**data, "form_token": token_of(client.get(url))}

    first = client.post(url, data)
    assert first.status_code == 302, first.content.decode()[:2000]
    first_messages = [str(m) for m in get_messages(first.wsgi_request)]
    assert first_messages
    client.get(first["Location"])  # shows, and so uses up, the first message
    second = client.post(url, data)

    assert second.status_code == 302
    assert second["Location"] == first["Location"]
    assert [str(m) for m in get_messages(second.wsgi_request)] == first_messages
    assert rows().count() == 1


def test_an_invalid_submit_keeps_its_token_for_the_corrected_one(client, coordinator, enrolled):
    url = reverse("actions:contact_create", args=[enrolled.pk])
    client.force_login(coordinator)
    token = token_of(client.get(url))
    data = {"at": "2026-11-20 10:00", "with_whom": "ungdomen", "reached": "0", "form_token": token}

    refused = client.post(url, data)  # no channel
    assert refused.status_code == 200
    assert token_of(refused) == token
    assert client.post(url, {**data, "channel": "sms"}).status_code == 302
    assert client.post(url, {**data, "channel": "sms"}).status_code == 302
    assert enrolled.contacts.count() == 1


def test_a_service_refusal_stores_no_token(client, coordinator, enrolled):
    url = reverse("actions:contact_create", args=[enrolled.pk])
    client.force_login(coordinator)
    token = str(uuid.uuid4())
    data = {"channel": "sms", "with_whom": "ungdomen", "reached": "0", "form_token": token}

    outside = client.post(url, {**data, "at": "2026-01-05 10:00"})  # before the enrolment
    assert outside.status_code == 200 and "utanför" in outside.content.decode()
    assert not FormSubmission.objects.exists()
    assert client.post(url, {**data, "at": "2026-11-20 10:00"}).status_code == 302
    assert enrolled.contacts.count() == 1


def test_a_token_is_the_users_own(client, coordinator, colleague, enrolled):
    url = reverse("actions:contact_create", args=[enrolled.pk])
    data = {
        "at": "2026-11-20 10:00",
        "channel": "sms",
        "with_whom": "ungdomen",
        "reached": "0",
        "form_token": str(uuid.uuid4()),
    }
    for user in (coordinator, colleague):
        client.force_login(user)
        assert client.post(url, data).status_code == 302
    assert enrolled.contacts.count() == 2


def test_used_tokens_are_purged_after_a_week(coordinator):
    from django.utils import timezone

    old = FormSubmission.objects.create(user=coordinator, token=uuid.uuid4(), redirect_to="/")
    FormSubmission.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(days=8)
    )
    recent = FormSubmission.objects.create(user=coordinator, token=uuid.uuid4(), redirect_to="/")
    assert purge_form_submissions() == 1
    assert list(FormSubmission.objects.all()) == [recent]


def test_double_click_on_remove_guardian_removes_once(client, coordinator, make_youth):
    youth = make_youth(birth=dt.date(2011, 2, 3))
    guardian = Guardian.objects.create(youth=youth, name="Vera Vårdnadshavare")
    url = reverse("youths:guardian_remove", args=[youth.pk, guardian.pk])
    client.force_login(coordinator)
    first = client.post(url)
    second = client.post(url)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert not Guardian.objects.filter(youth=youth).exists()
    assert AuditEvent.objects.filter(action=AuditAction.GUARDIAN_CHANGE).count() == 1
