"""Deterministic synthetic demo data: users for each role and youths in several states.

Everything is made up: names from short lists, valid but invented personnummer, phone
numbers from the 070-1740xxx series that is set aside for fiction, e-mail @example.invalid.
"""

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from kaa.models import Code, Membership, Municipality, Role
from youths import personnummer
from youths.models import Enrolment, Guardian, Verification, Youth

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

DEMO_USERS = [
    # (username stem, role, first name, last name)
    ("samordnare", Role.COORDINATOR, "Sam", "Ordnare"),
    ("kollega", Role.COORDINATOR, "Kim", "Kollega"),
    ("rektor", Role.PRINCIPAL, "Rut", "Rektor"),
    ("admin", Role.ADMINISTRATOR, "Ada", "Administratör"),
]


def demo_password(stem: str, code: str) -> str:
    return f"demo-{stem}-{code}-KAA"


class Command(BaseCommand):
    help = "Skapar demodata: en användare per roll och syntetiska ungdomar (kan köras igen)."

    def add_arguments(self, parser):
        parser.add_argument("--municipality", default="1814", help="Kommunkod (4 siffror).")
        parser.add_argument("--youths", type=int, default=300, help="Antal ungdomar.")
        parser.add_argument(
            "--seed", type=int, default=1, help="Slumpfrö (samma frö ger samma data)."
        )

    def handle(self, *args, municipality: str, youths: int, seed: int, **options):
        try:
            kommun = Municipality.objects.get(code=municipality.zfill(4))
        except Municipality.DoesNotExist:
            raise CommandError(f"Okänd kommunkod {municipality!r}.") from None
        if youths < 0:
            raise CommandError("--youths måste vara 0 eller fler.")
        today = timezone.localdate()
        users = self._users(kommun)
        existing = Youth.objects.filter(municipality=kommun).count()
        if existing:
            self.stdout.write(f"{existing} ungdomar finns redan i {kommun.name}; inga nya skapas.")
        else:
            with transaction.atomic():
                created = self._youths(kommun, users, youths, random.Random(seed), today)
                self._casework(kommun, users, random.Random(seed + 1), today)
            self.stdout.write(f"Skapade {created} syntetiska ungdomar i {kommun.name}.")
        self._print_logins(kommun)

    def _users(self, kommun) -> dict[str, object]:
        model = get_user_model()
        users = {}
        for stem, role, first, last in DEMO_USERS:
            username = f"{stem}.{kommun.code}"
            user, _ = model.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@example.invalid",
                },
            )
            user.set_password(demo_password(stem, kommun.code))
            user.is_active = True
            user.save()
            Membership.objects.update_or_create(
                user=user, municipality=kommun, defaults={"role": role}
            )
            users[stem] = user
        return users

    def _youths(self, kommun, users, count, rng, today) -> int:
        reasons = list(Code.objects.current(Code.ListName.ENTRY_REASON, on=today))
        exits = {c.key: c for c in Code.objects.current(Code.ListName.EXIT_REASON, on=today)}
        coordinators = [users["samordnare"], users["kollega"]]
        numbers = set()
        made = []
        while len(made) < count:
            # Ages 15–20 today: some too young for the group yet, some who turned 20.
            birth = today - dt.timedelta(days=rng.randrange(int(15 * 365.25), int(20.6 * 365.25)))
            samordning = rng.random() < 0.04
            number = _personnummer(birth, rng, samordning)
            if number in numbers:
                continue
            numbers.add(number)
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            youth = Youth(
                municipality=kommun,
                personnummer=number,
                first_name=first,
                last_name=last,
                street_address=f"{rng.choice(STREETS)} {rng.randint(1, 60)}",
                postal_code=f"716 {rng.randint(30, 99)}",
                postal_town="Fjugesta",
                phone=f"070-1740{rng.randint(0, 999):03d}" if rng.random() < 0.8 else "",
                email=f"ung{len(made)}@example.invalid" if rng.random() < 0.5 else "",
                protected_identity=rng.random() < 0.03,
                assigned_to=rng.choice(coordinators) if rng.random() < 0.85 else None,
            )
            youth.derive_dates()
            made.append(youth)
        Youth.objects.bulk_create(made)

        enrolments, verifications, guardians = [], [], []
        year_ago = today - dt.timedelta(days=365)
        for youth in made:
            age = personnummer.age_on(youth.birth_date, today)
            if youth.age_on(today) < 18 and rng.random() < 0.5:
                guardians.append(
                    Guardian(
                        youth=youth,
                        name=f"{rng.choice(FIRST_NAMES)} {youth.last_name}",
                        phone=f"070-1740{rng.randint(0, 999):03d}",
                    )
                )
            # The target group starts around 16 (after grundskolan).
            earliest = max(year_ago, personnummer.birthday_of_age(youth.birth_date, 16))
            latest = min(today, youth.turns_20_on - dt.timedelta(days=1))
            roll = rng.random()
            if age < 16 or earliest > latest or roll < 0.12:
                if roll < 0.12 and age >= 16:
                    verifications.append(
                        Verification(
                            youth=youth,
                            opened_on=today - dt.timedelta(days=rng.randrange(0, 30)),
                            source=rng.choice(
                                [Verification.Source.INFLYTTADE, Verification.Source.SCHOOL_NOTICE]
                            ),
                            note="Ny på listan, kontrollera skolgång.",
                        )
                    )
                continue
            start = earliest + dt.timedelta(days=rng.randrange(0, (latest - earliest).days + 1))
            reason = rng.choice(reasons)
            if youth.turns_20_on <= today:
                # Turned 20: the enrolment ended on the birthday (skollagen 29 kap. 9 §).
                enrolments.append(
                    Enrolment(
                        youth=youth,
                        start_date=start,
                        entry_reason=reason,
                        end_date=youth.turns_20_on,
                        exit_reason=exits["fyllt_20"],
                    )
                )
                continue
            if roll < 0.3 and (today - start).days > 40:
                # Left the group during the period, some came back later.
                end = start + dt.timedelta(days=rng.randrange(20, (today - start).days - 10))
                key = rng.choice(["paborjat_nationellt", "flyttat", "paborjat_introduktion"])
                enrolments.append(
                    Enrolment(
                        youth=youth,
                        start_date=start,
                        entry_reason=reason,
                        end_date=end,
                        exit_reason=exits[key],
                    )
                )
                if roll < 0.15 and (today - end).days > 5:
                    back = end + dt.timedelta(days=rng.randrange(1, (today - end).days))
                    enrolments.append(Enrolment(youth=youth, start_date=back, entry_reason=reason))
                continue
            enrolments.append(Enrolment(youth=youth, start_date=start, entry_reason=reason))
        Enrolment.objects.bulk_create(enrolments)
        Verification.objects.bulk_create(verifications)
        Guardian.objects.bulk_create(guardians)
        return len(made)

    def _casework(self, kommun, users, rng, today) -> None:
        """Casework for the demo youths, when the casework app provides it."""
        try:
            from actions.demo import seed_casework
        except ImportError:
            return
        seed_casework(municipality=kommun, rng=rng, acting_user=users["admin"], today=today)

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


def _personnummer(birth: dt.date, rng: random.Random, samordning: bool) -> str:
    day = birth.day + (60 if samordning else 0)
    serial = rng.randrange(0, 1000)
    base = f"{birth:%y%m}{day:02d}{serial:03d}"
    for check in range(10):
        if personnummer.luhn_ok(base + str(check)):
            return f"{birth.year:04d}{birth:%m}{day:02d}{serial:03d}{check}"
    raise AssertionError("unreachable: one check digit always fits")
