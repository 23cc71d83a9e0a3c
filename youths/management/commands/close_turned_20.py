import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from youths.services import enrolments_close_turned_20


class Command(BaseCommand):
    help = (
        "Avslutar inskrivningar för ungdomar som har fyllt 20 år, med 20-årsdagen som "
        "slutdatum (samma jobb som körs varje natt). Kan köras flera gånger."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Kör som om dagens datum vore ÅÅÅÅ-MM-DD.")

    def handle(self, *args, date=None, **options):
        today = None
        if date:
            try:
                today = dt.date.fromisoformat(date)
            except ValueError:
                raise CommandError(f"Ogiltigt datum {date!r}: skriv ÅÅÅÅ-MM-DD.") from None
        run = enrolments_close_turned_20(today=today)
        self.stdout.write(
            f"{run.closed} inskrivningar avslutades (fyllt 20 år), "
            f"{run.actions_ended} pågående åtgärder avslutades."
        )
        if run.problems:
            for code, reason in sorted(run.problems.items()):
                self.stderr.write(f"Kommun {code} hoppades över: {reason}")
            raise CommandError(
                f"{len(run.problems)} kommuner kunde inte behandlas; övriga är klara."
            )
