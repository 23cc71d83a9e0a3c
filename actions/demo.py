"""Synthetic casework for the demo youths (called by `manage.py seed_demo`).

Every event lies inside one of the youth's enrolments, as the services require.
"""

import datetime as dt
import random

from django.utils import timezone

from actions.models import Action, Consent, PlanRevision
from kaa.models import Code
from youths.models import Contact, Enrolment

GOALS = [
    "Börja på ett nationellt program till hösten.",
    "Hitta en praktikplats och sedan studier på komvux.",
    "Få en tydlig bild av vilka utbildningar som passar.",
    "Komma igång med folkhögskola.",
]
NOTES_FAILED = ["Inget svar.", "Inget svar, försöker igen.", ""]
NOTES_REACHED = ["Bra samtal, vill träffas.", "Pratade om studier.", "Bokade möte med SYV.", ""]


def _day_between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randrange(0, max(1, (last - first).days + 1)))


def seed_casework(*, municipality, rng: random.Random, acting_user, today: dt.date) -> None:
    occupations = list(Code.objects.current(Code.ListName.OCCUPATION, on=today))
    kinds = list(Code.objects.current(Code.ListName.ACTION, on=today))
    contacts, actions, plans, consents = [], [], [], []
    enrolments = Enrolment.objects.filter(youth__municipality=municipality).select_related("youth")
    for enrolment in enrolments:
        youth = enrolment.youth
        first = enrolment.start_date
        last = min(
            enrolment.end_date - dt.timedelta(days=1) if enrolment.end_date else today, today
        )
        if last < first:
            continue
        for _ in range(rng.randrange(0, 5)):
            day = _day_between(rng, first, last)
            reached = rng.random() < 0.4
            at = timezone.make_aware(
                dt.datetime.combine(day, dt.time(rng.randrange(8, 17), rng.choice([0, 15, 30, 45])))
            )
            follow = day + dt.timedelta(days=rng.choice([14, 30])) if rng.random() < 0.5 else None
            contacts.append(
                Contact(
                    youth=youth,
                    at=at,
                    channel=rng.choice(["sms", "telefon", "brev", "e-post", "mote"]),
                    reached=reached,
                    occupation=rng.choice(occupations) if reached else None,
                    note=rng.choice(NOTES_REACHED if reached else NOTES_FAILED),
                    next_follow_up=follow if follow and follow >= today else None,
                    created_by=acting_user,
                )
            )
        if rng.random() < 0.45:
            offered = _day_between(rng, first, last)
            action = Action(
                youth=youth,
                kind=rng.choice(kinds),
                responsible=rng.choice(list(Action.Responsible.values)),
                offered_on=offered,
                created_by=acting_user,
            )
            if action.responsible == Action.Responsible.OTHER:
                action.responsible_name = rng.choice(
                    ["Arbetsförmedlingen", "Socialtjänsten", "Folkhögskolan"]
                )
            if offered < last and rng.random() < 0.8:
                action.responded_on = _day_between(rng, offered, last)
                action.response = (
                    Action.Response.DECLINED if rng.random() < 0.3 else Action.Response.ACCEPTED
                )
                if action.response == Action.Response.ACCEPTED and action.responded_on < last:
                    action.start_date = _day_between(rng, action.responded_on, last)
                    if action.start_date < last and rng.random() < 0.5:
                        action.end_date = _day_between(rng, action.start_date, last)
                        action.end_reason = rng.choice(
                            ["Genomförd", "Ungdomen började studera", "Avbruten"]
                        )
                        action.occupation_after = rng.choice(occupations)
            actions.append(action)
            if rng.random() < 0.7:
                plans.append(
                    PlanRevision(
                        youth=youth,
                        goal=rng.choice(GOALS),
                        steps="1. Träffa SYV\n2. Söka utbildning",
                        created_by=acting_user,
                    )
                )
        if rng.random() < 0.1:
            consents.append(
                Consent(
                    youth=youth,
                    agency="Arbetsförmedlingen",
                    scope="Kontaktuppgifter och pågående åtgärd",
                    given_on=_day_between(rng, first, last),
                    created_by=acting_user,
                )
            )
    Contact.objects.bulk_create(contacts)
    Action.objects.bulk_create(actions)
    PlanRevision.objects.bulk_create(plans)
    Consent.objects.bulk_create(consents)
