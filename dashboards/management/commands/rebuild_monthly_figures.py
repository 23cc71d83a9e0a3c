import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from dashboards.tasks import rebuild_monthly_figures
from kaa.models import Municipality


class Command(BaseCommand):
    help = "Räknar om månadssiffrorna för översikten (en kommun eller alla)."

    def add_arguments(self, parser):
        parser.add_argument("--municipality", help="Kommunkod, t.ex. 1880. Utan: alla kommuner.")
        parser.add_argument("--date", help="Räkna som om det vore detta datum (ÅÅÅÅ-MM-DD).")

    def handle(self, *args, **options):
        municipality_id = None
        if options["municipality"]:
            municipality = Municipality.objects.filter(code=options["municipality"]).first()
            if municipality is None:
                raise CommandError(f"Kommunkoden {options['municipality']} finns inte.")
            municipality_id = municipality.pk
        today_iso = None
        if options["date"]:
            try:
                today_iso = dt.date.fromisoformat(options["date"]).isoformat()
            except ValueError:
                raise CommandError("Datumet ska skrivas ÅÅÅÅ-MM-DD.") from None
        count = rebuild_monthly_figures(municipality_id=municipality_id, today_iso=today_iso)
        self.stdout.write(f"Månadssiffror omräknade för {count} kommun(er).")
