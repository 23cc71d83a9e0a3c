"""Every URL pattern of the project, resolved from the URLconf, with its path parameters
filled from a small world of real objects (or with bogus ids).

Used by the tests that must hold for every page: no 500 whatever the parameters, and a
read row for every page that shows a youth's data. A new page is walked without a change
here; a new kind of path parameter fails loudly until it is given a value below.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

from actions.models import Action, Consent, PlanRevision
from kaa.models import Membership
from tests.conftest import code

# Ids that exist nowhere, or cannot exist: PostgreSQL's bigint limit and beyond.
BOGUS_IDS = [0, 2**63 - 1, 2**63, 10**30]


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    route: str  # the pattern text, for messages
    params: tuple[str, ...]
    callback: object


def all_routes() -> list[Route]:
    routes: list[Route] = []

    def walk(patterns, prefix: str, namespace: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                ns = namespace
                if entry.namespace:
                    ns = f"{namespace}{entry.namespace}:"
                walk(entry.url_patterns, prefix + str(entry.pattern), ns)
            elif isinstance(entry, URLPattern) and entry.name:
                converters = dict(getattr(entry.pattern, "converters", {}))
                routes.append(
                    Route(
                        name=f"{namespace}{entry.name}",
                        route=prefix + str(entry.pattern),
                        params=tuple(converters),
                        callback=entry.callback,
                    )
                )

    walk(get_resolver().url_patterns, "/", "")
    return routes


def build_world(*, make_youth, coordinator, administrator, entry_reason) -> dict:
    """One youth with something behind every casework page, and its ids by parameter."""
    from youths.models import Enrolment, Guardian, Verification

    youth = make_youth(
        first_name="Skyddad",
        last_name="Walkesson",
        birth=dt.date(2010, 4, 4),
        assigned_to=coordinator,
        street_address="Hemliga gatan 1",
        protected_identity=True,
    )
    enrolment = Enrolment.objects.create(
        youth=youth, start_date=dt.date(2026, 7, 1), entry_reason=entry_reason
    )
    verification = Verification.objects.create(
        youth=youth, opened_on=dt.date(2026, 11, 1), source="manual"
    )
    guardian = Guardian.objects.create(youth=youth, name="Vera Walkesson", phone="070-1740999")
    action = Action.objects.create(
        youth=youth, kind=code("atgard", "vagledning"), offered_on=dt.date(2026, 8, 1)
    )
    PlanRevision.objects.create(youth=youth, goal="Börja studera")
    consent = Consent.objects.create(
        youth=youth, agency="Arbetsförmedlingen", scope="Kontakt", given_on=dt.date(2026, 8, 1)
    )
    membership = Membership.objects.get(user=coordinator)
    return {
        "youth": youth,
        "ids": {
            "pk": youth.pk,
            "enrolment_pk": enrolment.pk,
            "verification_pk": verification.pk,
            "guardian_pk": guardian.pk,
            "action_pk": action.pk,
            "consent_pk": consent.pk,
            "membership_pk": membership.pk,
            "kind": "inflyttade",
            # The password reset link (an unknown user: the page says the link is invalid).
            "uidb64": "MA",
            "token": "ogiltig-token",
        },
    }


def fill(route: Route, world: dict, *, bogus: int | None = None) -> list[dict]:
    """Path parameters for `route`: the world's real ids, or `bogus` for every id."""
    from actions.views import ACTION_STEPS

    kwargs: dict = {}
    variants: list[dict] = []
    for param in route.params:
        if param == "step":
            continue
        key = param
        if param == "pk" and route.name.startswith("membership_"):
            key = "membership_pk"
        if key not in world["ids"]:
            raise AssertionError(f"give {param!r} of {route.route} a value in tests/urlwalk.py")
        if param == "kind" and bogus is not None:
            kwargs[param] = str(bogus)
            continue
        kwargs[param] = bogus if bogus is not None else world["ids"][key]
    if "step" in route.params:
        for step in [*ACTION_STEPS, "okand"]:
            variants.append({**kwargs, "step": step})
        return variants
    return [kwargs]
