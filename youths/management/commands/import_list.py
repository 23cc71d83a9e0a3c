"""Import a list from the command line, synchronously (the services the tasks call).

    python manage.py import_list --municipality 1814 --kind inflyttade [--apply] [--user U] FILE

Prints one JSON object on stdout; exit 0 when the file was read (even with row errors),
2 when it could not be read, 1 for a wrong municipality, user or permission.
"""

import json
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from kaa.models import Municipality
from youths.imports import services
from youths.imports.models import ImportBatch, ImportKind
from youths.imports.reader import UnreadableFile

UNREADABLE = 2


class Command(BaseCommand):
    help = "Läser in en lista (inflyttade eller skolhändelser) och skriver resultatet som JSON."

    def add_arguments(self, parser):
        parser.add_argument("--municipality", required=True, help="kommunkod, t.ex. 1814")
        parser.add_argument("--kind", required=True, choices=["inflyttade", "skolhandelser"])
        parser.add_argument(
            "--apply", action="store_true", help="lägg in raderna, inte bara förhandsgranska"
        )
        parser.add_argument("--user", help="användarnamn (administratör i kommunen)")
        parser.add_argument("file")

    def handle(self, *args, **options):
        try:
            municipality = Municipality.objects.get(code=options["municipality"])
        except Municipality.DoesNotExist:
            raise CommandError(f"Okänd kommunkod: {options['municipality']}") from None
        user = None
        if options["user"]:
            try:
                user = get_user_model().objects.get(username=options["user"], is_active=True)
            except get_user_model().DoesNotExist:
                raise CommandError(f"Okänd användare: {options['user']}") from None
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError:
            self._unreadable("Filen finns inte eller kan inte läsas.")
        kind = ImportKind(options["kind"])
        try:
            batch, _new = services.import_batch_upload(
                acting_user=user,
                municipality=municipality,
                kind=kind,
                file_name=path.name,
                content=content,
            )
            batch = services.import_batch_preview(batch_id=batch.pk)
        except PermissionDenied:
            raise CommandError("Användaren får inte läsa in listor i kommunen.") from None
        except ValidationError as error:
            self._unreadable(" ".join(error.messages))
        except UnreadableFile as error:
            self._unreadable(str(error))
        if batch.status == ImportBatch.Status.NEEDS_MAPPING:
            from youths.imports.columns import column

            names = ", ".join(str(column(kind, field).header) for field in batch.missing)
            self._unreadable(f"Kolumner saknas i filen: {names}.")
        if batch.status in (ImportBatch.Status.QUEUED, ImportBatch.Status.APPLYING):
            self._unreadable("Listan läggs in just nu. Försök igen om en stund.")
        counts = batch.preview_counts
        status = "preview"
        if options["apply"]:
            if batch.status == ImportBatch.Status.PREVIEW:
                batch = services.import_batch_apply(batch_id=batch.pk, acting_user=user)
            counts = batch.applied_counts
            status = "applied"
        out = {
            "batch": batch.pk,
            "status": status,
            "rows": counts["rows"],
            "errors": services.error_list(batch),
            "created": counts["created"],
            "updated": counts["updated"],
            "unchanged": counts["unchanged"],
            "to_verify": counts["to_verify"],
            "skipped": counts["skipped"],
        }
        self.stdout.write(json.dumps(out, ensure_ascii=False))

    def _unreadable(self, message: str):
        self.stderr.write(f"Filen kunde inte läsas: {message}")
        sys.exit(UNREADABLE)
