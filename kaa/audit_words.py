"""The audit trail's details in Swedish words, for the registerutdrag.

The trail stores field names and codes (never values), which an administrator or the
youth reading an extract should not have to decode: `from_user_id: 2` becomes
"Från: Kim Kollega", `change: started` becomes "Steg: startad".
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

KEYS = {
    "list": _("Lista"),
    "page": _("Sida"),
    "fields": _("Ändrade uppgifter"),
    "change": _("Steg"),
    "from_user_id": _("Från"),
    "to_user_id": _("Till"),
    "from": _("Från"),
    "to": _("Till"),
    "role": _("Roll"),
    "kind": _("Åtgärdskod"),
    "response": _("Svar"),
    "exit_reason": _("Orsakskod"),
    "end_date": _("Slutdatum"),
    "outcome": _("Utfall"),
    "source": _("Källa"),
    "import": _("Import"),
    "batch": _("Lista nr"),
    "released_youths": _("Ungdomar utan samordnare"),
    "log_review": _("Månad"),
    "format": _("Format"),
}
VALUES = {
    "list": {"todo": _("Att göra"), "youth_list": _("Ungdomslistan")},
    "change": {
        "offered": _("erbjuden"),
        "response": _("svar"),
        "started": _("startad"),
        "ended": _("avslutad"),
        "follow_up": _("uppföljningsdatum"),
        "occupation_after": _("sysselsättning efter"),
        "given": _("lämnat"),
        "withdrawn": _("återkallat"),
        "added": _("tillagd"),
        "removed": _("borttagen"),
        "created": _("skapad"),
        "role": _("ny roll"),
        "membership_added": _("medlemskap tillagt"),
        "membership_removed": _("medlemskap borttaget"),
    },
    "response": {"ja": _("Tackade ja"), "nej": _("Tackade nej")},
    "outcome": {"inskriven": _("Inskriven"), "ej_malgrupp": _("Tillhör inte målgruppen")},
    "import": {"upload": _("uppladdad"), "applied": _("inläst")},
}
NOBODY = _("ingen")


def user_ids(details) -> set[int]:
    return {
        value
        for detail in details
        if isinstance(detail, dict)
        for key, value in detail.items()
        if key.endswith("user_id") and isinstance(value, int)
    }


def field_label(name: str) -> str:
    from youths.models import Youth

    try:
        return str(Youth._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001 - a field of another model, or one removed since
        return name


def describe(detail, *, names: dict[int, str]) -> list[tuple[str, str]]:
    """(label, value) pairs in Swedish for one audit detail."""
    if not isinstance(detail, dict):
        return []
    pairs = []
    for key, value in detail.items():
        label = str(KEYS.get(key, key))
        if key.endswith("user_id"):
            text = names.get(value, str(NOBODY)) if value is not None else str(NOBODY)
        elif key == "fields" and isinstance(value, list):
            text = ", ".join(field_label(name) for name in value)
        elif key == "role":
            from kaa.models import Role

            text = str(dict(Role.choices).get(value, value))
        else:
            text = str(VALUES.get(key, {}).get(value, value))
        pairs.append((label, text))
    return pairs
