"""Personas and factories shared by the suite.

Personas: a coordinator, a colleague in the same municipality, a rektor, an
administrator (all in Örebro, 1880) and an outsider coordinator in another municipality
(Lekeberg, 1814). Tests fix "today" with `time_machine` where dates matter.
"""

import datetime as dt
import itertools

import pytest
from django.contrib.auth import get_user_model
from hypothesis import settings as hypothesis_settings

from kaa.models import Code, Membership, Municipality, Role
from youths import personnummer
from youths.models import Youth

# Property tests run the same examples on every run (no timing limit on a loaded
# machine, no example database written into the checkout): a failure reproduces.
hypothesis_settings.register_profile("kaa", deadline=None, derandomize=True, database=None)
hypothesis_settings.load_profile("kaa")

PASSWORD = "test-lösenord-123"
HOME_CODE = "1880"
OTHER_CODE = "1814"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # A transactional test (browser, worker) empties every table when it ends, including
    # the municipalities and code lists that the migrations loaded. A database reused by
    # the next run gets them back here.
    from kaa.reference_data import ensure_reference_data

    with django_db_blocker.unblock():
        ensure_reference_data()


@pytest.fixture(autouse=True)
def _reference_data_in_transactional_tests(request):
    """Reload the reference data at the start of each transactional test.

    Django's serialized_rollback cannot do it here: it keeps its snapshot on the
    thread's connection object, and Playwright's sync API runs tests in another context.
    """
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("_django_db_helper")
    from kaa.reference_data import ensure_reference_data

    ensure_reference_data()


@pytest.fixture(autouse=True)
def _case_summary_in_step(request):
    """Keep the casework summary in step with rows that tests write straight through the
    ORM (factories, fixtures), as the services do for the product. Tests marked
    `summary_by_services` see only what the services and jobs write themselves."""
    if request.node.get_closest_marker("summary_by_services"):
        yield
        return
    from django.db.models.signals import post_delete, post_save

    from actions.models import Action
    from youths.imports.models import SchoolNotice
    from youths.models import Contact, Enrolment, Verification, Youth
    from youths.summary import case_summary_refresh

    def refresh(sender, instance, **kwargs):
        origin = kwargs.get("origin")
        if isinstance(origin, Youth) or getattr(origin, "model", None) is Youth:
            return  # the youth itself is deleted, with its summary
        youth_id = instance.pk if sender is Youth else instance.youth_id
        if Youth.objects.filter(pk=youth_id).exists():
            case_summary_refresh([youth_id])

    senders = (Youth, Contact, Enrolment, Verification, Action, SchoolNotice)
    for sender in senders:
        post_save.connect(refresh, sender=sender, dispatch_uid=f"summary-{sender.__name__}")
        if sender is not Youth:
            post_delete.connect(refresh, sender=sender, dispatch_uid=f"summary-d-{sender.__name__}")
    yield
    for sender in senders:
        post_save.disconnect(sender=sender, dispatch_uid=f"summary-{sender.__name__}")
        post_delete.disconnect(sender=sender, dispatch_uid=f"summary-d-{sender.__name__}")


@pytest.fixture
def home(db):
    return Municipality.objects.get(code=HOME_CODE)


@pytest.fixture
def other_municipality(db):
    return Municipality.objects.get(code=OTHER_CODE)


def make_user(username: str, municipality, role: str, **extra):
    user = get_user_model().objects.create_user(
        username=username,
        password=PASSWORD,
        first_name=extra.pop("first_name", username.title()),
        last_name=extra.pop("last_name", "Testsson"),
        email=extra.pop("email", f"{username}@example.invalid"),
        **extra,
    )
    if municipality is not None:
        Membership.objects.create(user=user, municipality=municipality, role=role)
    return user


@pytest.fixture
def coordinator(home):
    return make_user("samordnare", home, Role.COORDINATOR)


@pytest.fixture
def colleague(home):
    return make_user("kollega", home, Role.COORDINATOR)


@pytest.fixture
def rektor(home):
    return make_user("rektor", home, Role.PRINCIPAL)


@pytest.fixture
def administrator(home):
    return make_user("admin", home, Role.ADMINISTRATOR)


@pytest.fixture
def outsider(other_municipality):
    return make_user("utomstaende", other_municipality, Role.COORDINATOR)


@pytest.fixture
def client_for(client):
    """Log a persona in: `client_for(coordinator)` returns the logged-in test client."""

    def login(user):
        client.force_login(user)
        return client

    return login


_serial = itertools.count(1)


def valid_personnummer(birth: dt.date, *, female: bool | None = None, samordning=False) -> str:
    """A syntactically valid, synthetic 12-digit number for `birth` (no real person)."""
    day = birth.day + (60 if samordning else 0)
    for _ in range(1000):
        # Födelsenummer run 001-999: Skatteverket never issues 000.
        serial = next(_serial) % 999 + 1
        if female is not None and (serial % 10) % 2 != (0 if female else 1):
            continue
        base = f"{birth:%y%m}{day:02d}{serial:03d}"
        for check in range(10):
            if personnummer.luhn_ok(base + str(check)):
                return f"{birth.year:04d}{birth:%m}{day:02d}{serial:03d}{check}"
    raise AssertionError("no number found")


@pytest.fixture
def make_youth(home):
    def factory(*, municipality=None, birth=dt.date(2008, 5, 17), **fields) -> Youth:
        fields.setdefault("first_name", "Testa")
        fields.setdefault("last_name", "Ungdom")
        return Youth.objects.create(
            municipality=municipality or home,
            personnummer=fields.pop("personnummer", None) or valid_personnummer(birth),
            **fields,
        )

    return factory


def code(list_name: str, key: str) -> Code:
    return Code.objects.current(list_name, on=dt.date(2026, 1, 1)).get(key=key)


@pytest.fixture
def entry_reason(db):
    return code(Code.ListName.ENTRY_REASON, "avbrott_nationellt")


@pytest.fixture
def exit_moved(db):
    return code(Code.ListName.EXIT_REASON, "flyttat")
