from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.utils.translation import gettext_lazy as _

from kaa.models import Code, Role
from kaa.versioning import VersionedFormMixin


class DateInput(forms.DateInput):
    """A text field for YYYY-MM-DD, with a calendar beside it (static/js/datepicker.js).

    Not the native date picker: it shows dates in the browser's locale (11/22/2026 in an
    English browser), and Swedish users must see and type YYYY-MM-DD everywhere. The
    calendar is our own, in Swedish with Monday first; without JavaScript the field is
    still a plain text field.
    """

    def __init__(self, attrs=None):
        defaults = {
            "placeholder": "ÅÅÅÅ-MM-DD",
            "inputmode": "numeric",
            "pattern": r"\d{4}-\d{2}-\d{2}",
            "autocomplete": "off",
            "size": 10,
            "data-datepicker": "",
        }
        defaults.update(attrs or {})
        super().__init__(attrs=defaults, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    """A text field for YYYY-MM-DD TT:MM; the calendar beside it sets the date part and
    keeps the time typed."""

    def __init__(self, attrs=None):
        defaults = {"autocomplete": "off", "data-datepicker": "datetime"}
        defaults.update(attrs or {})
        super().__init__(attrs=defaults, format="%Y-%m-%d %H:%M")


class IsoDateField(forms.DateField):
    """A date typed or picked as YYYY-MM-DD, with a message that says so."""

    widget = DateInput
    default_error_messages = {
        "invalid": _("Skriv datumet som ÅÅÅÅ-MM-DD, till exempel 2026-08-15.")
    }


class CodeChoiceField(forms.ModelChoiceField):
    """A choice from the current version of a code list, labelled "code label".

    The definitions are shown next to the field (coordinators interpret codes differently;
    the definition is the shared reading).
    """

    def __init__(self, list_name: str, **kwargs):
        self.list_name = list_name
        kwargs.setdefault("empty_label", _("Välj…"))
        super().__init__(queryset=Code.objects.none(), **kwargs)

    def __deepcopy__(self, memo):
        # Every form instance asks for the version valid today, so a code list version
        # loaded while the server runs is used without a restart.
        result = super().__deepcopy__(memo)
        result.queryset = Code.objects.current(self.list_name)
        return result

    def label_from_instance(self, obj: Code) -> str:
        return f"{obj.value} – {obj.label}"

    def definitions(self) -> list[Code]:
        return list(self.queryset)


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("Användarnamn"), max_length=150)
    first_name = forms.CharField(label=_("Förnamn"), max_length=150)
    last_name = forms.CharField(label=_("Efternamn"), max_length=150)
    email = forms.EmailField(label=_("E-post"))
    employee_id = forms.CharField(
        label=_("Anställnings-id (för inloggning via kommunens konto)"),
        max_length=64,
        required=False,
    )
    role = forms.ChoiceField(label=_("Roll i kommunen"), choices=Role.choices)
    password = forms.CharField(
        label=_("Tillfälligt lösenord"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "Minst 12 tecken. Lämna tomt om användaren bara loggar in via kommunens konto."
        ),
        required=False,
        strip=False,
    )

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(
                _(
                    "Användarnamnet finns redan. Finns personen i en annan kommun? Lägg då till "
                    "medlemskap med hjälp av e-postadressen."
                )
            )
        return username

    def clean_password(self):
        password = self.cleaned_data.get("password")
        if password:
            password_validation.validate_password(password)
        return password


class MembershipAddForm(forms.Form):
    email = forms.EmailField(label=_("E-post för en befintlig användare"))
    role = forms.ChoiceField(label=_("Roll i kommunen"), choices=Role.choices)

    def clean_email(self):
        email = self.cleaned_data["email"]
        users = list(get_user_model().objects.filter(email__iexact=email, is_active=True)[:2])
        if len(users) != 1:
            raise forms.ValidationError(
                _("Ingen (entydig) aktiv användare har den e-postadressen.")
            )
        self.user = users[0]
        return email


class MembershipRoleForm(VersionedFormMixin, forms.Form):
    role = forms.ChoiceField(label=_("Roll"), choices=Role.choices)
