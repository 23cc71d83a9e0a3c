"""Edits that never lose a colleague's change.

A record that is edited in a form (a youth's own fields, the plan, the follow-up rules, a
membership) carries a version, bumped on every change. The edit form carries, in one
signed hidden field, the version it was based on and the values it showed (`EditBase`).

On save, under the record's row lock, `resolve_edit` compares three sets of values: what
the form was based on, what is saved now, and what the user sent. Only the fields the
user changed are written, so an untouched field never reverts a colleague's change. When
the record changed since the form was shown and the colleague's saved values differ from
the form's, the save is refused (`StaleEdit`) and the form is shown again with both values
side by side, the user's changes kept and the colleague's filled in elsewhere; sending
it again then saves the user's changes on top of the colleague's.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaa.forms_util import apply_validation_error

BASE_FIELD = "edit_base"
_SALT = "kaa.versioning.edit_base"


@dataclass(frozen=True)
class EditBase:
    version: int
    values: dict


def base_dumps(version: int, values: dict) -> str:
    return signing.dumps({"v": version, "f": values}, salt=_SALT, compress=True)


def base_loads(text: str) -> EditBase:
    data = signing.loads(text, salt=_SALT)
    return EditBase(version=int(data["v"]), values=dict(data["f"]))


class StaleEdit(ValidationError):
    """The record changed since the form was shown, and differs from the form.

    `conflicts` lists (field name, the saved value, the form's value)."""

    def __init__(self, *, version: int, current: dict, user_changed: set, conflicts: list):
        self.version = version
        self.current = current
        self.user_changed = user_changed
        self.conflicts = conflicts
        super().__init__(
            _(
                "En kollega har sparat ändringar medan du hade formuläret öppet. Jämför "
                "värdena nedan: dina ändringar finns kvar i formuläret och kollegans i "
                "övriga fält. Spara igen för att behålla dina ändringar."
            )
        )


def split_base(data: dict) -> tuple[EditBase | None, dict]:
    """(the form's EditBase, the other cleaned values)."""
    rest = dict(data)
    return rest.pop(BASE_FIELD, None), rest


def resolve_edit(*, version: int, current: dict, mine: dict, based_on: EditBase | None) -> dict:
    """The fields to write ({name: value}); raises StaleEdit on a stale, differing form.

    `current` holds the saved values of the fields in `mine`. Without `based_on` (a client
    that does not send it) every field that differs from the saved value is written.
    """
    base = {**current, **(based_on.values if based_on else {})}
    user_changed = {name for name, value in mine.items() if value != base[name]}
    if based_on is not None and based_on.version != version:
        theirs_changed = {name for name in mine if current[name] != base[name]}
        differing = [
            name for name in sorted(user_changed | theirs_changed) if current[name] != mine[name]
        ]
        # Refused when the form shows a value the colleague has since changed; every field
        # where saved and sent differ is then shown side by side.
        if any(name in theirs_changed for name in differing):
            raise StaleEdit(
                version=version,
                current=current,
                user_changed=user_changed,
                conflicts=[(name, current[name], mine[name]) for name in differing],
            )
    return {name: mine[name] for name in sorted(user_changed) if mine[name] != current[name]}


class VersionedFormMixin:
    """Adds the hidden `edit_base` field and shows a StaleEdit on the form.

    Pass `edit_base=(version, values)` when building the form for a GET.
    """

    def __init__(self, *args, edit_base: tuple[int, dict] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[BASE_FIELD] = forms.CharField(required=False, widget=forms.HiddenInput)
        if edit_base is not None:
            self.fields[BASE_FIELD].initial = base_dumps(*edit_base)
        self.stale_conflicts: list = []

    def clean_edit_base(self) -> EditBase | None:
        text = self.cleaned_data.get(BASE_FIELD)
        if not text:
            return None
        try:
            return base_loads(text)
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            # Shown at the top of the form: the field itself is hidden.
            self.add_error(
                None, gettext_lazy("Formuläret kunde inte läsas. Ladda om sidan och försök igen.")
            )
            return None

    def show_error(self, error: ValidationError) -> None:
        if not isinstance(error, StaleEdit):
            apply_validation_error(self, error)
            return
        data = self.data.copy()
        for name, value in error.current.items():
            if name not in error.user_changed and name in self.fields:
                _set_data(data, name, self.fields[name], value)
        data[BASE_FIELD] = base_dumps(error.version, _jsonable(error.current))
        # Validate the merged form again, then add the message and the comparison.
        self.data = data
        self._errors = None
        self._bound_fields_cache = {}
        self.full_clean()
        self.add_error(None, error.messages[0])
        self.stale_conflicts = [
            (
                self.fields[name].label if name in self.fields else name,
                _display(self.fields.get(name), theirs),
                _display(self.fields.get(name), mine),
            )
            for name, theirs, mine in error.conflicts
        ]


def _jsonable(values: dict) -> dict:
    return {name: getattr(value, "pk", value) for name, value in values.items()}


def _set_data(data, name: str, form_field, value) -> None:
    if isinstance(form_field, forms.BooleanField):
        if value:
            data[name] = "on"
        else:
            data.pop(name, None)
    else:
        data[name] = "" if value is None else str(getattr(value, "pk", value))


def _display(form_field, value) -> str:
    if isinstance(value, bool):
        return _("Ja") if value else _("Nej")
    if value in (None, ""):
        return _("(tomt)")
    choices = getattr(form_field, "choices", None)
    if choices:
        for key, label in choices:
            if str(key) == str(value):
                return str(label)
    return str(value)
