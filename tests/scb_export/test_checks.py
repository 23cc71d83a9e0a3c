"""One test per control: a register (or rows) that trips it, and one that passes."""

import datetime as dt

import pytest

from scb_export import checks
from scb_export.exporter import Row, YouthRows
from scb_export.layout import LayoutCode
from scb_export.periods import Period
from tests.scb_export.conftest import action, contact, enrol, fixed_pnr, youth
from tests.scb_export.test_exporter import build

d = dt.date
H1 = Period(2026, 1)
PNR = fixed_pnr(d(2008, 3, 10), 123)
CONTEXT = checks.CheckContext(
    period=H1,
    municipality_code="1880",
    kommunkoder=frozenset({"1880", "1814"}),
    today=d(2026, 8, 15),
)
REASON = LayoutCode("1", "avbrott_nationellt")
WORK = LayoutCode("21", "arbete")


def row(block=1, **values) -> Row:
    base = {
        "kommun": "1880",
        "personnummer": PNR,
        "registreringsdatum": d(2026, 1, 10),
        "orsak_registrering": REASON,
    }
    return Row(1, block, **(base | values))


def run(name, *rows, pnr=PNR, context=CONTEXT) -> list[str]:
    group = YouthRows(1, pnr, d(2028, 3, 10), list(rows))
    item = next(c for c in checks.CHECKS if c.name == name)
    return list(item.run(context, group))


def test_every_control_of_the_format_is_a_named_check():
    names = {c.name: c.severity for c in checks.CHECKS}
    assert names == {
        "personnummer": "error",
        "kommun": "error",
        "orsak_registrering": "error",
        "datum": "error",
        "atgard": "error",
        "kontakt": "error",
        "inskrivning": "error",
        "fyllt_20": "error",
        "dubblett": "error",
        "kod": "error",
        "ingen_kontakt": "warning",
        "lang_atgard": "warning",
        "okand_sysselsattning": "warning",
    }


def test_clean_rows_pass_every_error_check():
    rows = [
        row(2, kontaktdatum=d(2026, 2, 1), sysselsattning_kontakt=WORK),
        row(3, atgard=LayoutCode("2", "vagledning"), atgard_start=d(2026, 2, 2)),
    ]
    for item in checks.CHECKS:
        assert list(item.run(CONTEXT, YouthRows(1, PNR, d(2028, 3, 10), rows))) == [], item.name


def test_personnummer_checksum_and_format():
    bad = PNR[:-1] + str((int(PNR[-1]) + 1) % 10)
    assert run("personnummer", row(personnummer=bad), pnr=bad) == [
        "Personnumrets kontrollsiffra stämmer inte."
    ]
    assert run("personnummer", row(), pnr="2008031") == ["Personnumret har inte 12 siffror."]
    assert run("personnummer", row()) == []


def test_personnummer_age_under_20_on_every_date():
    old = fixed_pnr(d(2006, 3, 1), 5)
    messages = run(
        "personnummer", row(2, kontaktdatum=d(2026, 3, 1), sysselsattning_kontakt=WORK), pnr=old
    )
    assert messages and "fyllt 20 år (2026-03-01)" in messages[0]
    assert run("personnummer", row(5, upphort_datum=d(2026, 3, 1)), pnr=old) == []


def test_kommun_must_be_the_reporting_municipality():
    assert run("kommun", row(kommun="1814")) == [
        "Kommunkoden 1814 är inte den rapporterande kommunens."
    ]
    assert run("kommun", row()) == []


def test_entry_reason_set_and_in_list():
    assert "saknar orsak" in run("orsak_registrering", row(orsak_registrering=None))[0]
    odd = LayoutCode("8", "", in_list=False)
    assert "8 som inte finns" in run("orsak_registrering", row(orsak_registrering=odd))[0]


def test_dates_inside_the_period():
    assert run("datum", row(2, kontaktdatum=d(2026, 7, 1), sysselsattning_kontakt=WORK)) == [
        "Kontaktdatum 2026-07-01 ligger utanför perioden 2026H1."
    ]
    assert run("datum", row(registreringsdatum=d(2026, 7, 1))) == [
        "Inskrivningsdatum 2026-07-01 ligger efter periodens slut."
    ]
    # An åtgärd from an earlier period keeps its real start date.
    assert run("datum", row(3, atgard=WORK, atgard_start=d(2025, 5, 1))) == []
    assert run("datum", row(5, upphort_datum="2026-02-30")) == [
        "Datum då aktivitetsansvaret upphörde är inget riktigt datum."
    ]


def test_action_end_after_start_and_occupation_after():
    kind = LayoutCode("2", "vagledning")
    assert (
        "slutar före start"
        in run(
            "atgard",
            row(
                3,
                atgard=kind,
                atgard_start=d(2026, 3, 1),
                atgard_slut=d(2026, 2, 1),
                sysselsattning_efter_atgard=WORK,
            ),
        )[0]
    )
    assert run(
        "atgard", row(3, atgard=kind, atgard_start=d(2026, 3, 1), atgard_slut=d(2026, 4, 1))
    ) == ["Åtgärden som slutade 2026-04-01 saknar sysselsättning efter åtgärden."]
    assert run("atgard", row(3, atgard=kind)) == ["En åtgärd saknar startdatum."]


def test_contact_without_occupation_in_the_register(home, fixed_today):
    y = youth(home, d(2008, 2, 2), 201)
    enrol(y, d(2026, 1, 5))
    contact(y, d(2026, 2, 2))  # reached, no sysselsättning (data from before the rule)
    result, data = build(home)
    assert [(f.check, f.message) for f in result.errors] == [
        ("kontakt", "Kontakten 2026-02-02 saknar ungdomens sysselsättning.")
    ]
    assert result.errors[0].personnummer == y.personnummer[:8] + "-XXXX"


def test_enrolment_one_reason_one_exit_no_event_after_no_overlap():
    start = d(2026, 1, 10)
    other = LayoutCode("3", "aldrig_paborjat")
    assert (
        "flera orsaker"
        in run(
            "inskrivning",
            row(),
            row(
                2, orsak_registrering=other, kontaktdatum=d(2026, 2, 1), sysselsattning_kontakt=WORK
            ),
        )[0]
    )
    assert (
        "mer än en gång"
        in run(
            "inskrivning", row(5, upphort_datum=d(2026, 3, 1)), row(5, upphort_datum=d(2026, 4, 1))
        )[0]
    )
    assert run(
        "inskrivning",
        row(5, upphort_datum=d(2026, 3, 1)),
        row(2, kontaktdatum=d(2026, 3, 2), sysselsattning_kontakt=WORK),
    ) == ["Händelsen 2026-03-02 ligger efter att aktivitetsansvaret upphörde (2026-03-01)."]
    assert run(
        "inskrivning",
        row(registreringsdatum=start),
        row(registreringsdatum=d(2026, 2, 1)),
    ) == ["Inskrivningarna från 2026-01-10 och 2026-02-01 överlappar."]
    assert (
        run(
            "inskrivning",
            row(5, registreringsdatum=start, upphort_datum=d(2026, 2, 1)),
            row(registreringsdatum=d(2026, 2, 1)),
        )
        == []
    )


def test_turned_20_needs_the_birthday_and_an_exit(home, fixed_today):
    y = youth(home, d(2006, 3, 15), 202)
    enrol(y, d(2025, 9, 1))  # left open past the 20th birthday
    contact(y, d(2026, 2, 1), "arbete")
    result, _data = build(home)
    assert [(f.check, f.message) for f in result.errors] == [
        (
            "fyllt_20",
            "Ungdomen fyllde 20 år 2026-03-15 men inskrivningen har inte avslutats. "
            "Avsluta den med orsaken ”Fyllt 20 år”.",
        )
    ]
    old = fixed_pnr(d(2006, 3, 15), 202)
    wrong_day = row(5, upphort_datum=d(2026, 3, 10), orsak_upphort=LayoutCode("4", "fyllt_20"))
    assert run("fyllt_20", wrong_day, pnr=old)[0].startswith(
        "Orsaken ”Fyllt 20 år” kräver att datumet är 20-årsdagen 2026-03-15"
    )


def test_turning_20_later_in_an_unfinished_period_is_not_yet_an_error():
    early = checks.CheckContext(
        period=H1, municipality_code="1880", kommunkoder=frozenset({"1880"}), today=d(2026, 3, 1)
    )
    old = fixed_pnr(d(2006, 5, 15), 203)
    assert run("fyllt_20", row(), pnr=old, context=early) == []
    assert run("fyllt_20", row(), pnr=old) != []


def test_identical_rows_from_a_double_registration(home, fixed_today):
    y = youth(home, d(2008, 2, 2), 204)
    enrol(y, d(2026, 1, 5))
    action(y, "praktik", d(2026, 2, 1))
    action(y, "praktik", d(2026, 2, 1))
    result, _data = build(home)
    assert [f.check for f in result.errors] == ["dubblett"]


def test_code_not_in_the_layout_version(home, fixed_today):
    from kaa.models import Code, CodeListVersion

    version = CodeListVersion.objects.create(name="lokal", valid_from=d(2030, 1, 1))
    odd = Code.objects.create(version=version, list_name="atgard", value="55", label="Lokal")
    y = youth(home, d(2008, 2, 2), 205)
    enrol(y, d(2026, 1, 5))
    a = action(y, "praktik", d(2026, 2, 1))
    a.kind = odd
    a.save()
    result, _data = build(home)
    assert [(f.check, f.message) for f in result.errors] == [
        ("kod", "Åtgärd har koden 55 som inte finns i kodlistan.")
    ]


def test_warning_no_contact_in_the_period():
    assert run("ingen_kontakt", row()) == ["Ingen kontakt med ungdomen under perioden."]
    assert run("ingen_kontakt", row(2, kontaktdatum=d(2026, 2, 1))) == []


def test_warning_action_running_over_a_year():
    assert run("lang_atgard", row(3, atgard=WORK, atgard_start=d(2025, 6, 1))) == [
        "Åtgärden som startade 2025-06-01 har pågått mer än ett år."
    ]
    assert run("lang_atgard", row(3, atgard=WORK, atgard_start=d(2025, 7, 1))) == []


def test_warning_unknown_occupation_after_action():
    unknown = LayoutCode("99", "okand")
    assert run(
        "okand_sysselsattning",
        row(
            3,
            atgard=WORK,
            atgard_start=d(2026, 2, 1),
            atgard_slut=d(2026, 3, 1),
            sysselsattning_efter_atgard=unknown,
        ),
    ) == ["Sysselsättningen efter åtgärden som slutade 2026-03-01 är ”Okänd”."]


@pytest.mark.parametrize("number", ["200803101237", "200710657891"])
def test_mask_keeps_only_the_date_part(number):
    assert checks.mask(number) == number[:8] + "-XXXX"
