"""The personnummer parser and the model's own guard.

Property tests: every accepted form of a valid number round-trips to its 12 digits; any
other string, including other scripts' digits, is refused with a Swedish message.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from hypothesis import given
from hypothesis import strategies as st

from youths import personnummer
from youths.models import Youth

TODAY = dt.date(2026, 11, 22)

# Other scripts' zero..nine: `\d` and int() accept them all.
FOREIGN_DIGITS = {
    "full-width": "０１２３４５６７８９",
    "arabic-indic": "٠١٢٣٤٥٦٧٨٩",
    "eastern-arabic-indic": "۰۱۲۳۴۵۶۷۸۹",
    "devanagari": "०१२३४५६७८९",
    "bengali": "০১২৩৪৫৬৭৮৯",
    "mathematical-bold": "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗",
}


def _check_digit(nine: str) -> str:
    return next(str(c) for c in range(10) if personnummer.luhn_ok(nine + str(c)))


@st.composite
def numbers(draw, min_birth=dt.date(1900, 1, 1), max_birth=TODAY):
    """A valid 12-digit number (personnummer or samordningsnummer) and its birth date."""
    birth = draw(st.dates(min_value=min_birth, max_value=max_birth))
    samordning = draw(st.booleans())
    serial = draw(st.integers(min_value=1, max_value=999))
    day = birth.day + (60 if samordning else 0)
    nine = f"{birth:%y%m}{day:02d}{serial:03d}"
    return f"{birth.year:04d}{birth:%m}{day:02d}{serial:03d}{_check_digit(nine)}", birth


def _age(birth: dt.date) -> int:
    return personnummer.age_on(birth, TODAY)


def _spaced(draw, text: str) -> str:
    """Spaces anywhere, as people and spreadsheets put them."""
    out = []
    for char in text:
        out.append(draw(st.sampled_from(["", "", "", " ", "\u00a0"])))
        out.append(char)
    out.append(draw(st.sampled_from(["", " ", "\t"])))
    return "".join(out)


@st.composite
def written_forms(draw):
    digits, birth = draw(numbers())
    forms = [digits, f"{digits[:8]}-{digits[8:]}"]
    if _age(birth) < 100:
        forms += [digits[2:], f"{digits[2:8]}-{digits[8:]}"]
    else:
        forms += [f"{digits[2:8]}+{digits[8:]}"]
    form = draw(st.sampled_from(forms))
    return digits, _spaced(draw, form)


@given(written_forms())
def test_every_accepted_form_round_trips(case):
    digits, text = case
    parsed = personnummer.parse(text, today=TODAY)
    assert parsed.digits == digits
    assert parsed.formatted() == f"{digits[:8]}-{digits[8:]}"
    assert personnummer.parse(parsed.formatted(), today=TODAY).digits == digits
    assert personnummer.check_digits(parsed.digits) == digits


_ACCEPTED_SHAPE = r"^([0-9]{6}|[0-9]{8})[-+]?[0-9]{4}$"


@given(st.text(max_size=20))
def test_any_other_string_is_refused_in_swedish(text):
    import re

    try:
        parsed = personnummer.parse(text, today=TODAY)
    except personnummer.InvalidPersonnummer as error:
        assert str(error) in personnummer.MESSAGES
        return
    # Whatever was accepted had the shape of a number in ASCII digits.
    compact = re.sub(r"[ \t\r\n\u00a0\u202f]", "", text)
    assert re.match(_ACCEPTED_SHAPE, compact, re.ASCII)
    assert re.match(r"^[0-9]{12}$", parsed.digits, re.ASCII)


@given(
    written_forms(),
    st.sampled_from(sorted(FOREIGN_DIGITS)),
    st.data(),
)
def test_other_scripts_digits_are_refused(case, script, data):
    digits, text = case
    positions = [i for i, char in enumerate(text) if char in "0123456789"]
    chosen = data.draw(st.sets(st.sampled_from(positions), min_size=1))
    foreign = "".join(
        FOREIGN_DIGITS[script][int(char)] if i in chosen else char for i, char in enumerate(text)
    )
    with pytest.raises(personnummer.InvalidPersonnummer) as raised:
        personnummer.parse(foreign, today=TODAY)
    assert str(raised.value) == personnummer.MSG_FORMAT


@pytest.mark.parametrize("script", sorted(FOREIGN_DIGITS))
def test_the_reported_full_width_number_is_refused(script):
    table = str.maketrans("0123456789", FOREIGN_DIGITS[script])
    with pytest.raises(personnummer.InvalidPersonnummer):
        personnummer.parse("080101-4564".translate(table), today=TODAY)
    assert personnummer.parse("080101-4564", today=TODAY).digits == "200801014564"


@given(numbers())
def test_birth_number_000_is_never_accepted(case):
    digits, _birth = case
    nine = digits[2:8] + "000"
    zero = digits[:8] + "000" + _check_digit(nine)
    with pytest.raises(personnummer.InvalidPersonnummer) as raised:
        personnummer.parse(zero, today=TODAY)
    assert str(raised.value) == personnummer.MSG_SERIAL


def test_the_reported_000_number_is_refused():
    with pytest.raises(personnummer.InvalidPersonnummer, match="000"):
        personnummer.parse("20150916-0006", today=TODAY)


@given(numbers(min_birth=dt.date(1800, 1, 1), max_birth=dt.date(1899, 12, 31)))
def test_births_before_1900_are_refused(case):
    digits, _birth = case
    with pytest.raises(personnummer.InvalidPersonnummer) as raised:
        personnummer.parse(digits, today=TODAY)
    assert str(raised.value) == personnummer.MSG_YEAR


def test_a_wrong_check_digit_is_refused_with_its_message():
    with pytest.raises(personnummer.InvalidPersonnummer) as raised:
        personnummer.parse("20080101-4565", today=TODAY)
    assert str(raised.value) == personnummer.MSG_CHECK


# The model guards itself -----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "number",
    [
        "200801014565",  # bad check digit
        "201509160006",  # födelsenummer 000
        "２００８０１０１４５６４",  # full-width digits
        "18990101" + "0000",
        "2008010145",  # too short
    ],
)
def test_youth_save_refuses_an_invalid_number(home, number):
    with pytest.raises(ValidationError) as raised:
        Youth.objects.create(
            municipality=home, personnummer=number, first_name="Ogiltig", last_name="Nummer"
        )
    assert "personnummer" in raised.value.message_dict
    assert not Youth.objects.filter(municipality=home).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "number", ["２００８０１０１４５６４", "201509160006", "20080101456X", "200801014565"]
)
def test_the_database_refuses_what_bypasses_save(home, number):
    # bulk_create does not call save(): the check constraint holds the shape.
    with pytest.raises(IntegrityError), transaction.atomic():
        Youth.objects.bulk_create(
            [
                Youth(
                    municipality=home,
                    personnummer=number,
                    birth_date=dt.date(2008, 1, 1),
                    turns_20_on=dt.date(2028, 1, 1),
                    first_name="Förbi",
                    last_name="Spärren",
                )
            ]
        )


def test_format_digits_shows_only_ascii_numbers_formatted():
    assert personnummer.format_digits("200801014564") == "20080101-4564"
    assert personnummer.format_digits("２００８０１０１４５６４") == "２００８０１０１４５６４"
