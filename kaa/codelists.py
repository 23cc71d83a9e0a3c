"""Loading versioned code lists from a layout data file (scb_export/layouts/*.json)."""

import datetime as dt
import json
from pathlib import Path

from django.db import transaction

LAYOUT_DIR = Path(__file__).resolve().parent.parent / "scb_export" / "layouts"
LIST_NAMES = ("orsak_registrering", "sysselsattning", "atgard", "orsak_upphort")


class CodeListError(ValueError):
    pass


def read_layout(path: Path) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise CodeListError(f"Kan inte läsa {path}: {error}") from error
    for field in ("version", "valid_from", "code_lists"):
        if field not in data:
            raise CodeListError(f"{path}: fältet '{field}' saknas.")
    for name in LIST_NAMES:
        codes = data["code_lists"].get(name)
        if not codes:
            raise CodeListError(f"{path}: kodlistan '{name}' saknas eller är tom.")
        values = [code["value"] for code in codes]
        if len(values) != len(set(values)):
            raise CodeListError(f"{path}: kodlistan '{name}' har dubbletter.")
        keys = [code["key"] for code in codes if code.get("key")]
        if len(keys) != len(set(keys)):
            raise CodeListError(f"{path}: kodlistan '{name}' har samma betydelse (key) två gånger.")
    if "columns" in data or "file" in data:
        # The export reads the layout; its own validation names what is wrong.
        from scb_export.layout import LayoutError, validate_layout

        try:
            validate_layout(layout_of(data))
        except LayoutError as error:
            raise CodeListError(f"{path}: {error}") from error
    return data


def layout_of(data: dict) -> dict:
    """The file layout part of a layout file (empty when it holds code lists only)."""
    if "columns" not in data and "file" not in data:
        return {}
    return {"file": data.get("file", {}), "columns": data.get("columns", [])}


def load_version(data: dict, version_model, code_model) -> tuple[object, bool]:
    """Create the version and its codes; a version already loaded is left as it is.

    Takes the model classes so that data migrations can pass their historical models.
    Returns (version, created).
    """
    # Migrations before the layout field existed pass a historical model without it.
    keeps_layout = any(field.name == "layout" for field in version_model._meta.get_fields())
    defaults = {
        "description": data.get("description", ""),
        "valid_from": dt.date.fromisoformat(data["valid_from"]),
    }
    if keeps_layout:
        defaults["layout"] = layout_of(data)
    with transaction.atomic():
        version, created = version_model.objects.get_or_create(
            name=data["version"], defaults=defaults
        )
        if not created:
            if keeps_layout and not version.layout and defaults["layout"]:
                # Loaded before layouts were kept: the codes stay, the layout is added.
                version.layout = defaults["layout"]
                version.save(update_fields=["layout"])
            return version, False
        code_model.objects.bulk_create(
            code_model(
                version=version,
                list_name=list_name,
                value=code["value"],
                label=code["label"],
                definition=code.get("definition", ""),
                key=code.get("key", ""),
                sort_order=index,
            )
            for list_name in LIST_NAMES
            for index, code in enumerate(data["code_lists"][list_name])
        )
        return version, True
