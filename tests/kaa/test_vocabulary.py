"""One word for one thing on every page a user reads: "inskrivning" for the enrolment,
"Tackade nej" for the answer; and a field's label never said twice in a row (a legend, a
heading and a label repeating the same words is noise to a screen reader user)."""

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from actions.models import Action
from tests.urlwalk import all_routes, build_world, fill

pytestmark = [pytest.mark.django_db]

# Words for the enrolment and the declined offer that the product no longer uses. The SCB
# file keeps SCB's own field names (registreringsdatum), but no page shows them as words.
OLD_WORDS = [
    r"registreringsdatum",
    r"orsak(?:er)? till registrering",
    r"tackat nej",
    r"avböj",
    r"nekade",
    r"ladda ned",
]
LABEL_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6", "legend", "label", "caption", "summary"}
SKIP_TAGS = {"script", "style", "template"}


class PageText(HTMLParser):
    """The visible text of <main> and its labels/legends/headings in document order."""

    def __init__(self):
        super().__init__()
        self.in_main = 0
        self.skip = 0
        self.open_labels: list[list[str]] = []
        self.labels: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self.in_main += 1
        if tag in SKIP_TAGS:
            self.skip += 1
        if self.in_main and tag in LABEL_TAGS:
            self.open_labels.append([])

    def handle_endtag(self, tag):
        if tag in SKIP_TAGS:
            self.skip -= 1
        if self.in_main and tag in LABEL_TAGS and self.open_labels:
            words = " ".join("".join(self.open_labels.pop()).split())
            if words:
                self.labels.append(words)
        if tag == "main":
            self.in_main -= 1

    def handle_data(self, data):
        if not self.in_main or self.skip:
            return
        self.text.append(data)
        for label in self.open_labels:
            label.append(data)


def read(html: str) -> PageText:
    parser = PageText()
    parser.feed(html)
    return parser


def normalised(label: str) -> str:
    return re.sub(r"[\s*:]+", " ", label).strip().casefold()


def repeated_labels(labels: list[str]) -> list[str]:
    return [a for a, b in zip(labels, labels[1:], strict=False) if normalised(a) == normalised(b)]


def test_the_checks_can_fail():
    page = read(
        "<main><h2>Kontakt</h2><fieldset><legend>Kontakt</legend></fieldset>"
        "<p>Registreringsdatum 2026-01-01</p></main>"
    )
    assert repeated_labels(page.labels) == ["Kontakt"]
    assert re.search(OLD_WORDS[0], " ".join(page.text), re.I)


@pytest.fixture
def pages(make_youth, coordinator, administrator, entry_reason, client_for):
    with time_machine.travel(dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC), tick=False):
        world = build_world(
            make_youth=make_youth,
            coordinator=coordinator,
            administrator=administrator,
            entry_reason=entry_reason,
        )
        # An answered offer, so the youth page and Att göra show the answer's word.
        Action.objects.filter(youth=world["youth"]).update(
            response="nej", responded_on=dt.date(2026, 8, 2)
        )
        client = client_for(administrator)
        found = {}
        for route in all_routes():
            if "remove" in route.name or route.name in {"logout", "password_reset_confirm"}:
                continue
            for kwargs in fill(route, world):
                url = reverse(route.name, kwargs=kwargs)
                response = client.get(url)
                if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                    found[url] = response.content.decode()
        anonymous = Client()
        for url in (reverse("login"), reverse("accessibility")):
            found[url] = anonymous.get(url).content.decode()
        return found


def test_every_page_uses_the_products_words(pages):
    assert len(pages) > 20
    failures = {}
    for url, html in pages.items():
        text = " ".join(" ".join(read(html).text).split())
        for word in OLD_WORDS:
            if match := re.search(word, text, re.IGNORECASE):
                failures.setdefault(url, []).append(match.group(0))
    assert failures == {}
    youth_page = next(html for url, html in pages.items() if re.fullmatch(r"/ungdomar/\d+/", url))
    assert "Tackade nej" in youth_page
    assert "Orsak till inskrivning" in youth_page


def test_no_label_is_said_twice_in_a_row(pages):
    failures = {
        url: found for url, html in pages.items() if (found := repeated_labels(read(html).labels))
    }
    assert failures == {}
