"""Synthetic casework for the demo youths (called by `manage.py seed_demo`).

Every event lies inside one of the youth's enrolments, as the services require: contacts
(most of them attempts that did not reach the youth), åtgärder in every state, revised
plans and consents, done by the coordinators of the municipality. The latest contact of
some youths sets a next follow-up, in the past (overdue) or ahead. Rows are plain values
written with one COPY per table (`kaa.bulk.bulk_insert`).
"""

import datetime as dt
import random

from django.utils import timezone

from actions.models import END_REASONS as ACTION_END_REASONS
from actions.models import Action, Consent, PlanRevision
from kaa.bulk import bulk_insert
from kaa.models import Code
from youths.models import Contact
from youths.personnummer import birthday_of_age

GOALS = [
    "Börja på ett nationellt program till hösten.",
    "Hitta en praktikplats och sedan studier på komvux.",
    "Få en tydlig bild av vilka utbildningar som passar.",
    "Komma igång med folkhögskola.",
]
STEPS = [
    "1. Träffa SYV\n2. Söka utbildning",
    "1. Studiebesök\n2. Ansöka till folkhögskola",
    "1. Praktik två dagar i veckan\n2. Utvärdera efter en månad",
]
NOTES_FAILED = ["Inget svar.", "Inget svar, försöker igen.", "Lämnade meddelande.", ""]
NOTES_REACHED = ["Bra samtal, vill träffas.", "Pratade om studier.", "Bokade möte med SYV.", ""]
CHANNELS_FAILED = ["sms", "sms", "telefon", "telefon", "brev", "e-post", "sociala_medier"]
CHANNELS_REACHED = ["telefon", "mote", "mote", "sms", "digitalt_mote", "hembesok"]
# How many contacts an enrolment gets: most a few, some a long run of attempts.
CONTACT_COUNTS = [0, 1, 1, 2, 2, 3, 3, 4, 5, 6, 8, 12, 20]
# The form's list of reasons (actions.models.END_REASONS), as stored.
END_REASONS = [str(reason) for reason in ACTION_END_REASONS[:5]]
OTHER_ACTORS = ["Arbetsförmedlingen", "Socialtjänsten", "Folkhögskolan"]


def _day_between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randrange(0, max(1, (last - first).days + 1)))


def seed_casework(*, municipality, youths, coordinators, rng: random.Random, today: dt.date):
    """Casework for `youths` (seed_demo's SeededYouth records, with their periods)."""
    occupations = [c.pk for c in Code.objects.current(Code.ListName.OCCUPATION, on=today)]
    kinds = [c.pk for c in Code.objects.current(Code.ListName.ACTION, on=today)]
    coordinator_ids = [u.pk for u in coordinators]
    responsibles = list(Action.Responsible.values)
    zone = timezone.get_current_timezone()
    contacts, actions, plans, consents = [], [], [], []

    def at(day: dt.date) -> dt.datetime:
        return dt.datetime(
            day.year,
            day.month,
            day.day,
            rng.randrange(8, 17),
            rng.choice((0, 15, 30, 45)),
            tzinfo=zone,
        )

    for youth in youths:
        if not youth.periods:
            continue
        minor_until = birthday_of_age(youth.birth_date, 18)
        latest_contact = None
        for start, end in youth.periods:
            last = min(end - dt.timedelta(days=1) if end else today, today)
            if last < start:
                continue
            by = youth.assigned_to_id or rng.choice(coordinator_ids)
            days = sorted(_day_between(rng, start, last) for _ in range(rng.choice(CONTACT_COUNTS)))
            for day in days:
                reached = rng.random() < 0.35
                when = at(day)
                row = {
                    "youth_id": youth.id,
                    "at": when,
                    "channel": rng.choice(CHANNELS_REACHED if reached else CHANNELS_FAILED),
                    "with_whom": (
                        Contact.WithWhom.GUARDIAN
                        if day < minor_until and rng.random() < 0.2
                        else Contact.WithWhom.YOUTH
                    ),
                    "reached": reached,
                    "occupation_id": rng.choice(occupations) if reached else None,
                    "note": rng.choice(NOTES_REACHED if reached else NOTES_FAILED),
                    "next_follow_up": None,
                    "created_by_id": rng.choice((by, by, by, rng.choice(coordinator_ids))),
                    "created_at": when,
                }
                contacts.append(row)
                if end is None:
                    latest_contact = row
            kinds_used = set()
            for _ in range(2 if rng.random() < 0.1 else 1):
                if rng.random() >= 0.45:
                    continue
                offered = _day_between(rng, start, last)
                kind = rng.choice(kinds)
                if kind in kinds_used:
                    # Two åtgärder of one kind starting the same day would be two
                    # identical rows in the SCB file, which its controls refuse.
                    kind = kinds[(kinds.index(kind) + 1) % len(kinds)]
                kinds_used.add(kind)
                action = {
                    "youth_id": youth.id,
                    "kind_id": kind,
                    "responsible": rng.choice(responsibles),
                    "offered_on": offered,
                    "created_by_id": by,
                    "created_at": at(offered),
                }
                if action["responsible"] == Action.Responsible.OTHER:
                    action["responsible_name"] = rng.choice(OTHER_ACTORS)
                if offered < last and rng.random() < 0.8:
                    action["responded_on"] = _day_between(rng, offered, last)
                    action["response"] = (
                        Action.Response.DECLINED if rng.random() < 0.3 else Action.Response.ACCEPTED
                    )
                    responded = action["responded_on"]
                    if action["response"] == Action.Response.ACCEPTED and responded < last:
                        action["start_date"] = started = _day_between(rng, responded, last)
                        if started < last and rng.random() < 0.5:
                            action["end_date"] = _day_between(rng, started, last)
                            action["end_reason"] = rng.choice(END_REASONS)
                            action["occupation_after_id"] = rng.choice(occupations)
                        elif rng.random() < 0.5:
                            action["follow_up_on"] = started + dt.timedelta(
                                days=rng.randrange(30, 91)
                            )
                actions.append(action)
                if rng.random() < 0.7:
                    for day in sorted(
                        _day_between(rng, offered, last) for _ in range(rng.randrange(1, 4))
                    ):
                        when = at(day)
                        plans.append(
                            {
                                "youth_id": youth.id,
                                "goal": rng.choice(GOALS),
                                "steps": rng.choice(STEPS),
                                "created_by_id": by,
                                "created_at": when,
                            }
                        )
            if rng.random() < 0.1:
                consents.append(
                    {
                        "youth_id": youth.id,
                        "agency": rng.choice(OTHER_ACTORS),
                        "scope": "Kontaktuppgifter och pågående åtgärd",
                        "given_on": (given := _day_between(rng, start, last)),
                        "created_by_id": by,
                        **(
                            {"given_by": "vardnadshavare", "given_by_name": "Vårdnadshavare"}
                            if given < minor_until and rng.random() < 0.5
                            else {}
                        ),
                    }
                )
        if latest_contact is not None and rng.random() < 0.5:
            # The latest contact plans the next one: due ahead, or overdue.
            latest_contact["next_follow_up"] = latest_contact["at"].date() + dt.timedelta(
                days=rng.choice((7, 14, 30))
            )
    bulk_insert(Contact, contacts)
    bulk_insert(Action, actions)
    bulk_insert(PlanRevision, plans)
    bulk_insert(Consent, consents)
