"""Deterministic synthetic demo data: users for each role and youths in several states.

Everything is made up: names from short lists, valid but invented personnummer, phone
numbers from the 070-1740xxx series that is set aside for fiction, e-mail @example.invalid.

Built for size as well as for `make run`: rows are generated as plain values and written
with one COPY per table (`kaa.bulk.bulk_insert`), so 50 000 youths with their casework
take well under a minute on PostgreSQL. The data obeys the register's rules: youths are
past skolplikt and under 20 (a few turned 20 recently, their enrolment closed on the
birthday), an enrolment starts after skolplikt, every casework event lies inside one of
the youth's enrolments (actions/demo.py).
"""

import datetime as dt
import math
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from kaa.bulk import bulk_insert
from kaa.models import Code, Membership, Municipality, Role
from youths import personnummer
from youths.models import TARGET_GROUP_AGE_LIMIT, Enrolment, Guardian, Verification, Youth
from youths.rules import skolplikt_end
from youths.summary import case_summary_rebuild

FIRST_NAMES = [
    "Alva",
    "Elsa",
    "Maja",
    "Saga",
    "Ebba",
    "Märta",
    "Åsa",
    "Ingrid",
    "Leila",
    "Amina",
    "Noah",
    "William",
    "Hugo",
    "Lucas",
    "Oskar",
    "Elias",
    "Björn",
    "Örjan",
    "Ali",
    "Mohammed",
    "Nora",
    "Vera",
    "Tyra",
    "Liam",
    "Adam",
    "Sixten",
    "Ville",
    "Aya",
    "Sara",
    "Emil",
]
LAST_NAMES = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Åberg",
    "Öberg",
    "Ekström",
    "Lindqvist",
    "Hassan",
    "Mohammed",
    "Berg",
    "Sjöberg",
    "Holm",
    "Björk",
    "Çelik",
    "Nyström",
    "Ahmadi",
    "Lund",
]
STREETS = ["Storgatan", "Skolvägen", "Björkvägen", "Kyrkogatan", "Ängsvägen", "Sjövägen"]

STREETS = ["Storgatan", "Skolvägen", "Björkvägen", "Kyrkogatan", "Ängsvägen", "Sjövägen"]

DEMO_USERS = [
    # (username stem, role, first name, last name)
    ("samordnare", Role.COORDINATOR, "Sam", "Ordnare"),
    ("kollega", Role.COORDINATOR, "Kim", "Kollega"),
    ("rektor", Role.PRINCIPAL, "Rut", "Rektor"),
    ("admin", Role.ADMINISTRATOR, "Ada", "Administratör"),
]
# One coordinator per this many youths (a large city's caseloads), at least the two above.
YOUTHS_PER_COORDINATOR = 1500
# Youths who turned 20 at most this long ago are still in the demo register.
TURNED_20_WITHIN_DAYS = 150
# Enrolments and casework reach back at most this far.
HISTORY_DAYS = 2 * 365


def demo_password(stem: str, code: str) -> str:
    return f"demo-{stem}-{code}-KAA"


class SeededYouth:
    """What the casework generator needs to know about one generated youth."""

    __slots__ = ("assigned_to_id", "birth_date", "id", "periods", "personnummer", "turns_20_on")

    def __init__(self, personnummer, birth_date, turns_20_on, assigned_to_id):
        self.id = None
        self.personnummer = personnummer
        self.birth_date = birth_date
        self.turns_20_on = turns_20_on
        self.assigned_to_id = assigned_to_id
        # (start, end or None) of each enrolment, oldest first.
        self.periods: list[tuple[dt.date, dt.date | None]] = []


class Command(BaseCommand):
    help = (
        "Skapar demodata: en användare per roll och syntetiska ungdomar med handläggning "
        "(kan köras igen; en kommun som redan har ungdomar lämnas orörd)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--municipality",
            default="1814",
            help="Kommunkod (4 siffror), eller flera åtskilda med komma.",
        )
        parser.add_argument("--youths", type=int, default=300, help="Antal ungdomar per kommun.")
        parser.add_argument(
            "--seed", type=int, default=1, help="Slumpfrö (samma frö ger samma data)."
        )
        parser.add_argument(
            "--municipalities",
            type=int,
            default=0,
            metavar="N",
            help=(
                "Lägg i stället till ungdomar i N kommuner som ännu inte har några "
                "(i kommunkodsordning), t.ex. för att bygga en regional databas."
            ),
        )

    def handle(self, *args, municipality: str, youths: int, seed: int, municipalities: int, **o):
        if youths < 0:
            raise CommandError("--youths måste vara 0 eller fler.")
        if municipalities < 0:
            raise CommandError("--municipalities måste vara 0 eller fler.")
        if municipalities:
            with_youths = Youth.objects.values("municipality_id").distinct()
            kommuner = list(
                Municipality.objects.exclude(pk__in=with_youths).order_by("code")[:municipalities]
            )
            if len(kommuner) < municipalities:
                raise CommandError(f"Bara {len(kommuner)} kommuner saknar ungdomar.")
        else:
            kommuner = []
            for part in municipality.split(","):
                code = part.strip().zfill(4)
                try:
                    kommuner.append(Municipality.objects.get(code=code))
                except Municipality.DoesNotExist:
                    raise CommandError(f"Okänd kommunkod {part.strip()!r}.") from None
        today = timezone.localdate()
        created_any = False
        for index, kommun in enumerate(kommuner):
            users = self._users(kommun, youths)
            existing = Youth.objects.filter(municipality=kommun).count()
            if existing:
                self.stdout.write(
                    f"{existing} ungdomar finns redan i {kommun.name}; inga nya skapas."
                )
                continue
            kommun_seed = seed + 1000 * index
            with transaction.atomic():
                seeded = self._youths(kommun, users, youths, random.Random(kommun_seed), today)
                self._casework(kommun, users, seeded, random.Random(kommun_seed + 1), today)
                self._absence_notices(kommun, seeded, random.Random(kommun_seed + 2), today)
                # The rows were written in bulk, past the services: fill the casework
                # summary for them in set-based statements.
                case_summary_rebuild(municipality_id=kommun.pk)
            created_any = True
            self.stdout.write(f"Skapade {len(seeded)} syntetiska ungdomar i {kommun.name}.")
        if created_any and connection.vendor == "postgresql":
            # Fresh statistics for the planner after a bulk load (autovacuum may be off).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        if not municipalities:
            for kommun in kommuner:
                self._print_logins(kommun)

    def _users(self, kommun, youths: int) -> dict[str, object]:
        model = get_user_model()
        users = {}
        stems = list(DEMO_USERS)
        for number in range(3, max(2, math.ceil(youths / YOUTHS_PER_COORDINATOR)) + 1):
            first = FIRST_NAMES[number % len(FIRST_NAMES)]
            last = LAST_NAMES[number % len(LAST_NAMES)]
            stems.append((f"samordnare{number}", Role.COORDINATOR, first, last))
        # The extra coordinators share the first coordinator's password: hashing is slow
        # on purpose, and they are there to spread the caseload.
        shared_hash = None
        for stem, role, first, last in stems:
            username = f"{stem}.{kommun.code}"
            user, created = model.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@example.invalid",
                },
            )
            if (stem, role, first, last) in DEMO_USERS:
                user.set_password(demo_password(stem, kommun.code))
            elif created or not user.has_usable_password():
                if shared_hash is None:
                    shared_hash = make_password(demo_password("samordnare", kommun.code))
                user.password = shared_hash
            user.is_active = True
            user.save()
            Membership.objects.update_or_create(
                user=user, municipality=kommun, defaults={"role": role}
            )
            users[stem] = user
        return users

    def _youths(self, kommun, users, count, rng, today) -> list[SeededYouth]:
        reasons = [c.pk for c in Code.objects.current(Code.ListName.ENTRY_REASON, on=today)]
        exits = {c.key: c.pk for c in Code.objects.current(Code.ListName.EXIT_REASON, on=today)}
        coordinators = [
            u.pk for stem, u in users.items() if stem.startswith(("samordnare", "kollega"))
        ]
        zone = timezone.get_current_timezone()
        taken = set()
        if Youth.objects.exists():
            # Personnummer stay unique across the installation, as people are.
            taken = set(Youth.objects.values_list("personnummer", flat=True))
        # Past skolplikt today, and under 20 or turned 20 a short while ago.
        youngest = dt.date(today.year - 16, 12, 31)
        while skolplikt_end(youngest, municipality=kommun) >= today:
            youngest = dt.date(youngest.year - 1, 12, 31)
        oldest = _years_before(today, TARGET_GROUP_AGE_LIMIT) - dt.timedelta(
            days=TURNED_20_WITHIN_DAYS
        )
        span = (youngest - oldest).days
        history_start = today - dt.timedelta(days=HISTORY_DAYS)

        seeded: list[SeededYouth] = []
        youth_rows, enrolments, verifications, guardians = [], [], [], []
        while len(seeded) < count:
            birth = oldest + dt.timedelta(days=rng.randrange(0, span + 1))
            number = _personnummer(birth, rng, rng.random() < 0.04)
            if number in taken:
                continue
            taken.add(number)
            # Derived exactly as Youth.save() derives them.
            probe = Youth(personnummer=number)
            probe.derive_dates()
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            assigned = rng.choice(coordinators) if rng.random() < 0.9 else None
            youth = SeededYouth(number, probe.birth_date, probe.turns_20_on, assigned)
            index = len(seeded)
            seeded.append(youth)
            after_skolplikt = skolplikt_end(youth.birth_date, municipality=kommun) + dt.timedelta(
                days=1
            )
            earliest = max(history_start, after_skolplikt)
            latest = min(today, youth.turns_20_on - dt.timedelta(days=1))
            first_seen = earliest
            roll = rng.random()
            if earliest > latest:
                roll = 0.2  # never in the group in the demo's window
            if roll < 0.10 and youth.turns_20_on > today:
                # On a list, not confirmed yet: "att utreda".
                opened = max(earliest, today - dt.timedelta(days=rng.randrange(0, 45)))
                first_seen = opened
                verifications.append(
                    {
                        "youth_id": index,
                        "opened_on": opened,
                        "source": rng.choice(
                            [Verification.Source.INFLYTTADE, Verification.Source.SCHOOL_NOTICE]
                        ),
                        "note": "Ny på listan, kontrollera skolgång.",
                    }
                )
            elif roll < 0.25 or earliest > latest:
                # In school: on the lists, not in the target group.
                if roll < 0.17 and earliest <= latest:
                    opened = earliest + dt.timedelta(
                        days=rng.randrange(0, (latest - earliest).days + 1)
                    )
                    first_seen = opened
                    verifications.append(
                        {
                            "youth_id": index,
                            "opened_on": opened,
                            "source": Verification.Source.SCHOOL_NOTICE,
                            "note": "Anmälan om frånvaro.",
                            "resolved_on": min(
                                today, opened + dt.timedelta(days=rng.randrange(1, 20))
                            ),
                            "outcome": Verification.Outcome.NOT_IN_GROUP,
                            "resolution_note": "Har bytt skola.",
                        }
                    )
            else:
                start = earliest + dt.timedelta(days=rng.randrange(0, (latest - earliest).days + 1))
                first_seen = start
                reason = rng.choice(reasons)
                by = assigned or rng.choice(coordinators)
                if rng.random() < 0.3 and start > earliest:
                    # Came from a list: verified first, then enrolled.
                    opened = max(earliest, start - dt.timedelta(days=rng.randrange(1, 21)))
                    first_seen = opened
                    verifications.append(
                        {
                            "youth_id": index,
                            "opened_on": opened,
                            "source": rng.choice(list(Verification.Source.values)),
                            "note": "",
                            "resolved_on": start,
                            "outcome": Verification.Outcome.ENROLLED,
                            "created_by_id": by,
                        }
                    )
                common = {"youth_id": index, "entry_reason_id": reason, "created_by_id": by}
                common["created_at"] = _at(start, 9, zone)
                if youth.turns_20_on <= today:
                    # Turned 20: the enrolment ended on the birthday (skollagen 29 kap. 9 §).
                    end = youth.turns_20_on
                    enrolments.append(
                        common
                        | {
                            "start_date": start,
                            "end_date": end,
                            "exit_reason_id": exits["fyllt_20"],
                        }
                    )
                    youth.periods.append((start, end))
                elif roll < 0.40 and (today - start).days > 40:
                    # Left the group during the period; some came back later.
                    end = start + dt.timedelta(days=rng.randrange(20, (today - start).days - 10))
                    key = rng.choice(["paborjat_nationellt", "flyttat", "paborjat_introduktion"])
                    enrolments.append(
                        common
                        | {
                            "start_date": start,
                            "end_date": end,
                            "exit_reason_id": exits[key],
                            "closed_by_id": by,
                        }
                    )
                    youth.periods.append((start, end))
                    if roll < 0.32 and (today - end).days > 5:
                        back = end + dt.timedelta(days=rng.randrange(1, (today - end).days))
                        enrolments.append(
                            common | {"start_date": back, "created_at": _at(back, 9, zone)}
                        )
                        youth.periods.append((back, None))
                else:
                    enrolments.append(common | {"start_date": start})
                    youth.periods.append((start, None))
            if personnummer.age_on(youth.birth_date, today) < 18 and rng.random() < 0.5:
                guardians.append(
                    {
                        "youth_id": index,
                        "name": f"{rng.choice(FIRST_NAMES)} {last}",
                        "phone": f"070-1740{rng.randint(0, 999):03d}",
                    }
                )
            created = _at(first_seen, 8, zone)
            youth_rows.append(
                {
                    "municipality_id": kommun.pk,
                    "personnummer": number,
                    "birth_date": youth.birth_date,
                    "turns_20_on": youth.turns_20_on,
                    "first_name": first,
                    "last_name": last,
                    "street_address": f"{rng.choice(STREETS)} {rng.randint(1, 60)}",
                    "postal_code": f"{rng.randint(100, 989)} {rng.randint(10, 99)}",
                    "postal_town": kommun.name,
                    "phone": f"070-1740{rng.randint(0, 999):03d}" if rng.random() < 0.8 else "",
                    "email": f"ung{index}.{kommun.code}@example.invalid"
                    if rng.random() < 0.5
                    else "",
                    "protected_identity": rng.random() < 0.03,
                    "assigned_to_id": assigned,
                    "created_at": created,
                    "updated_at": created,
                }
            )
        bulk_insert(Youth, youth_rows)
        ids = dict(Youth.objects.filter(municipality=kommun).values_list("personnummer", "pk"))
        for youth in seeded:
            youth.id = ids[youth.personnummer]
        for rows in (enrolments, verifications, guardians):
            for row in rows:
                row["youth_id"] = seeded[row["youth_id"]].id
        bulk_insert(Enrolment, enrolments)
        bulk_insert(Verification, verifications)
        bulk_insert(Guardian, guardians)
        return seeded

    def _casework(self, kommun, users, seeded, rng, today) -> None:
        """Casework for the demo youths, when the casework app provides it."""
        try:
            from actions.demo import seed_casework
        except ImportError:
            return
        coordinators = [
            u for stem, u in users.items() if stem.startswith(("samordnare", "kollega"))
        ]
        seed_casework(
            municipality=kommun, youths=seeded, coordinators=coordinators, rng=rng, today=today
        )

    def _absence_notices(self, kommun, seeded, rng, today) -> None:
        """Frånvaro notices from two made-up schools for about one youth in a hundred,
        received over the last 60 days, so Att göra shows its frånvaro section (and
        older notices that no longer ask for a follow-up)."""
        from youths.imports.models import School, SchoolEvent, SchoolNotice

        candidates = [youth for youth in seeded if youth.turns_20_on > today]
        if not candidates:
            return
        schools = [
            School.objects.get_or_create(
                code=f"9{kommun.code}{number:03d}",
                defaults={"name": f"{kommun.name} {name}", "principal": f"{kommun.name} kommun"},
            )[0].pk
            for number, name in ((1, "gymnasium"), (2, "naturbruksgymnasium"))
        ]
        notices = []
        count = min(len(candidates), max(3, len(candidates) // 100))
        for youth in rng.sample(candidates, count):
            received = today - dt.timedelta(days=rng.randrange(0, 60))
            notices.append(
                {
                    "youth_id": youth.id,
                    "school_id": rng.choice(schools),
                    "program": rng.choice(["NA", "EE", "IMA", "SA"]),
                    "event": SchoolEvent.ABSENCE,
                    "event_date": received - dt.timedelta(days=rng.randrange(0, 5)),
                    "received_on": received,
                    "contact_person": "Elevhälsan",
                    "suggested_code": "",
                }
            )
        bulk_insert(SchoolNotice, notices)

    def _print_logins(self, kommun) -> None:
        self.stdout.write("")
        self.stdout.write(f"Demo-inloggningar för {kommun.name} ({kommun.code}):")
        self.stdout.write(f"  {'Användarnamn':24} {'Roll':26} Lösenord")
        for stem, role, _first, _last in DEMO_USERS:
            self.stdout.write(
                f"  {stem + '.' + kommun.code:24} {Role(role).label:26} {demo_password(stem, kommun.code)}"
            )
        self.stdout.write("")
        self.stdout.write("Öppna http://127.0.0.1:8000/ och logga in.")


def _at(day: dt.date, hour: int, zone) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=zone)


def _years_before(on: dt.date, years: int) -> dt.date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:
        return on.replace(year=on.year - years, day=28)


def _personnummer(birth: dt.date, rng: random.Random, samordning: bool) -> str:
    day = birth.day + (60 if samordning else 0)
    serial = rng.randrange(1, 1000)  # födelsenummer 000 is never issued
    base = f"{birth:%y%m}{day:02d}{serial:03d}"
    for check in range(10):
        if personnummer.luhn_ok(base + str(check)):
            return f"{birth.year:04d}{birth:%m}{day:02d}{serial:03d}{check}"
    raise AssertionError("unreachable: one check digit always fits")
