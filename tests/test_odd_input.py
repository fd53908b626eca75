"""Odd values posted into every form: a success or a clear refusal, never a server error.

For each route of the permission matrix that takes a POST, a role allowed to use it posts the
route's form as a page of the world shows it (or, where no page does, a set of common field
names), first with each known odd value alone in each field, then with random values in
several fields at once. No answer may be a 5xx, and a refused post (4xx, or the form shown
again with errors) must change no row.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import MethodNotAllowed, NotFound

from coordination.models import Base
from tests.factories import PASSWORD
from tests.test_permission_matrix import MATRIX, World, _url, world  # noqa: F401

# The first of these allowed to post to a route posts to it: a form everyone may use (signing
# in, a forgotten password) is posted signed out.
ROLE_PREFERENCE = ("anonymous", "organiser", "admin", "coordinator", "participant", "outsider")
# The pages that carry the forms of routes with no page of their own, looked at as this role.
CRAWLING_ROLE = "admin"
# Fields posted to a route whose form no page of the world shows.
GENERIC_FIELDS = ["version", "invitation", "decision", "status", "scope", "next"]
# A failed sign-in is recorded by design, whatever else the post did.
RECORDED_EVEN_WHEN_REFUSED = {"sign_in_throttle"}
# Random values posted into several fields at once, after each field's known odd values.
RANDOM_EXAMPLES = 25

TEXT = [
    "",
    " ",
    "x" * 10_000,
    "a\x00b",
    "\x01\x1f\x7f\r\n",
    "\u202etxt\u200f",  # right-to-left override and mark
    "<script>alert(1)</script>",
]
IDS = [
    "\u00b2",  # superscript two: isdigit() is true, int() refuses it
    "\u0663",  # Arabic-Indic three: int() reads it as 3
    "9" * 25,  # past any 64-bit column
    "-1",
    "0",
    "1.5",
    "\uff11\uff12",  # full-width 12
    str(2**31),  # past a 32-bit column
    "1,2,,x",
    "user-\u00b2",
]
# Only in the random values: rarer shapes of the same mistakes.
RARER = [
    str(2**63),
    str(2**64),
    "-9223372036854775809",
    "00000000000000000000001",
    "1e309",
    "NaN",
    "delegate-" + "9" * 23,
    "\x00",
    "\ufeff\U0001f44d",
    "%00",
    "None",
]
DATES = [
    "2030-02-30T10:00",
    "2030-13-01T10:00",
    "99999-01-01T00:00",
    "0000-00-00",
    "9999-12-31T23:59",
    "0001-01-01T00:00",
    "2030-01-15T25:61",
    "2030-01-15 10:00 +99:00",
    "10:00",
    "2030-03-31T01:30",  # a wall-clock time that does not exist where clocks go forward
]
ZONES = ["Mars/Olympus_Mons", "../../etc/passwd", "Europe/London\x00", "UTC+99", "EUROPE/LONDON"]
URLS = [
    "http://[::1",
    "http://",
    "https://[::1]:99999/",
    "javascript:alert(1)",
    "https://exa mple.org",
    "//example.org",
    "ftp://example.org",
]
EMAILS = ["not-an-email", "a@", "@example.org", "a@b@example.org", "a" * 300 + "@example.org"]
# Which known odd values a field gets, by the words in its name or the kind of its input.
VALUES_BY_WORD = [
    (("email",), EMAILS),
    (("url", "website", "link"), URLS),
    (("zone",), ZONES),
    (("date", "_at", "_on", "deadline", "embargo", "start", "ends"), DATES),
]
# Fields whose value is chosen, not typed: most carry ids.
CHOICE_KINDS = {"select", "hidden", "checkbox", "radio", "number", "generic"}
VALUES_BY_KIND = {
    "email": EMAILS,
    "url": URLS,
    "date": DATES,
    "datetime-local": DATES,
    "time": DATES,
}


def known_odd_values(name: str, kind: str) -> list[str]:
    """The odd values worth trying in one field: those of its kind, then ids or text."""
    chosen = list(VALUES_BY_KIND.get(kind, []))
    for words, values in VALUES_BY_WORD:
        if any(word in name.lower() for word in words):
            chosen += values
    if kind in CHOICE_KINDS:
        chosen += IDS + TEXT[:3]
    else:
        chosen += TEXT + IDS[:3]
    return list(dict.fromkeys(chosen))


every_odd_value = list(dict.fromkeys(TEXT + IDS + RARER + DATES + ZONES + URLS + EMAILS))
any_odd_value = st.one_of(
    st.sampled_from(every_odd_value),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.text(max_size=30),
)


@dataclass
class FormSeen:
    """A form on a page: where it posts, its fields and the values it would send as it stands."""

    action: str
    values: list[tuple[str, str]] = field(default_factory=list)
    kinds: dict[str, str] = field(default_factory=dict)
    # Other addresses its buttons post the same fields to.
    also_to: list[str] = field(default_factory=list)


class FormReader(HTMLParser):
    """The post forms of a page, with each field's name, kind and current value."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[FormSeen] = []
        self._form: FormSeen | None = None
        self._select: str | None = None
        self._selected: str | None = None
        self._first_option: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            post = attributes.get("method", "get").lower() == "post"
            self._form = FormSeen(attributes.get("action", "")) if post else None
            return
        form = self._form
        if form is None:
            return
        if tag in ("button", "input") and attributes.get("formaction"):
            form.also_to.append(attributes["formaction"])
        if tag == "option" and self._select is not None:
            value = attributes.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in attributes:
                self._selected = value
            return
        name = attributes.get("name")
        if tag not in ("input", "select", "textarea") or not name or name == "csrf_token":
            return
        kind = attributes.get("type", "text").lower() if tag == "input" else tag
        if kind in ("submit", "button", "image", "reset"):
            return
        form.kinds.setdefault(name, kind)
        if tag == "select":
            self._select, self._selected, self._first_option = name, None, None
        elif tag == "textarea":
            self._textarea, self._text = name, []
        elif kind == "file" or (kind in ("checkbox", "radio") and "checked" not in attributes):
            return
        else:
            form.values.append((name, attributes.get("value", "on" if kind == "checkbox" else "")))

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        form = self._form
        if tag == "form":
            if form is not None:
                self.forms.append(form)
            self._form = None
        elif tag == "select" and form is not None and self._select is not None:
            chosen = self._selected if self._selected is not None else self._first_option
            if chosen is not None:
                form.values.append((self._select, chosen))
            self._select = None
        elif tag == "textarea" and form is not None and self._textarea is not None:
            form.values.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None


def _forms(page: str) -> list[FormSeen]:
    reader = FormReader()
    reader.feed(page)
    reader.close()
    return reader.forms


def _endpoint_of(app, path: str) -> str | None:
    urls = app.url_map.bind("coordination.example.org")
    try:
        endpoint, _values = urls.match(urlsplit(path).path, method="POST")
    except (NotFound, MethodNotAllowed):
        return None
    return endpoint


def _signed_in(app, scene: World, role: str):
    client = app.test_client()
    if role != "anonymous":
        response = client.post(
            "/account/sign-in", data={"email": scene.users[role].email, "password": PASSWORD}
        )
        assert response.status_code == 302, f"{role} could not sign in"
    return client


# Forms of routes without a page of their own, found once on the pages of the world: the
# world is built alike for every test, so the fields (and the ids in them) are the same.
_FORMS_ON_PAGES: dict[str, FormSeen] = {}


def _forms_on_pages(app, scene: World) -> dict[str, FormSeen]:
    if not _FORMS_ON_PAGES:
        client = _signed_in(app, scene, CRAWLING_ROLE)
        for endpoint, methods in sorted(MATRIX.items()):
            if "GET" not in methods:
                continue
            page_url = _url(app, endpoint, scene)
            response = client.get(page_url)
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            for form in _forms(response.get_data(as_text=True)):
                for action in [form.action or page_url, *form.also_to]:
                    target = _endpoint_of(app, action)
                    if target is not None:
                        _FORMS_ON_PAGES.setdefault(target, form)
    return _FORMS_ON_PAGES


def _form_for(app, client, scene: World, endpoint: str, url: str) -> FormSeen:
    """The route's form as its own page shows it, else as another page does; a form with no
    fields of its own (a lone button) or none at all is posted the generic fields."""
    found = None
    if "GET" in MATRIX[endpoint]:
        response = client.get(url)
        if response.status_code == 200:
            found = next(
                (
                    form
                    for form in _forms(response.get_data(as_text=True))
                    if urlsplit(form.action or url).path == urlsplit(url).path
                ),
                None,
            )
    if found is None:
        found = _forms_on_pages(app, scene).get(endpoint)
    if found is not None and found.kinds:
        return found
    generic = dict.fromkeys(GENERIC_FIELDS, "generic")
    return FormSeen(url, values=list(found.values) if found else [], kinds=generic)


def _rows(db) -> dict[str, tuple[int, str]]:
    """How many rows each table has, and a digest of them, to see that nothing was written."""
    seen = {}
    for table in Base.metadata.sorted_tables:
        if table.name in RECORDED_EVEN_WHEN_REFUSED:
            continue
        rows = db.execute(select(table).order_by(*table.primary_key.columns)).all()
        seen[table.name] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return seen


def _refused(response) -> bool:
    if 400 <= response.status_code < 500:
        return True
    if response.status_code == 200 and response.mimetype == "text/html":
        page = response.get_data(as_text=True)
        return 'class="error-summary"' in page or 'aria-invalid="true"' in page
    return False


class Poster:
    """Posts a form with some fields replaced, and checks the answer and the rows."""

    def __init__(self, client, db, endpoint: str, url: str, form: FormSeen):
        self.client, self.db, self.endpoint, self.url, self.form = client, db, endpoint, url, form
        # Only these posts write: the rows after one post are the rows before the next.
        self.rows = _rows(db)

    def post(self, odd: dict[str, str]) -> None:
        posted = [(name, value) for name, value in self.form.values if name not in odd]
        posted += list(odd.items())
        before = self.rows

        response = self.client.post(self.url, data=MultiDict(posted))

        self.rows = _rows(self.db)
        where = f"{self.endpoint} with {sorted(odd)}"
        assert response.status_code < 500, f"{where} answered {response.status_code}"
        if _refused(response):
            changed = {name for name, seen in self.rows.items() if before[name] != seen}
            assert changed == set(), f"{where} was refused but changed rows"


FUZZ_SETTINGS = settings(
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def each_known_odd_value(poster: Poster, name: str) -> None:
    """Every known odd value of the field's kind, alone in that field."""
    values = known_odd_values(name, poster.form.kinds[name])

    # A finite strategy: Hypothesis tries each value once and stops.
    @settings(FUZZ_SETTINGS, max_examples=len(values))
    @given(value=st.sampled_from(values))
    def post_one(value):
        poster.post({name: value})

    post_one()


def random_values_together(poster: Poster) -> None:
    """Any values, numbers or text in several fields at once."""
    names = sorted(poster.form.kinds)

    @settings(FUZZ_SETTINGS, max_examples=RANDOM_EXAMPLES)
    @given(data=st.data())
    def post_several(data):
        chosen = data.draw(st.lists(st.sampled_from(names), min_size=1, unique=True))
        poster.post({name: data.draw(any_odd_value, label=name) for name in chosen})

    post_several()


def _role_for(endpoint: str) -> str:
    allowed = MATRIX[endpoint]["POST"]
    return next(role for role in ROLE_PREFERENCE if role in allowed)


POST_ROUTES = sorted(endpoint for endpoint, methods in MATRIX.items() if methods.get("POST"))


@pytest.mark.parametrize("endpoint", POST_ROUTES)
def test_form_with_odd_values_never_errs_and_a_refusal_changes_nothing(app, world, db, endpoint):  # noqa: F811
    client = _signed_in(app, world, _role_for(endpoint))
    url = _url(app, endpoint, world)
    poster = Poster(client, db, endpoint, url, _form_for(app, client, world, endpoint, url))

    for name in sorted(poster.form.kinds):
        each_known_odd_value(poster, name)
    random_values_together(poster)
