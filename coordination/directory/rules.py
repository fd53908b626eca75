"""What a valid organisation or contact looks like, shared by the forms, services and CSV import.

Each ``clean_*`` function takes what a person typed and returns the value to store, or
raises ``InvalidValue`` with a message that makes sense beside a form field and in a line
of an import preview.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pycountry
from email_validator import EmailNotValidError, validate_email

from ..models import OrganisationKind
from ..urls import is_web_address

NAME_MAX = 200
WEBSITE_MAX = 500
NOTES_MAX = 20_000
SECTOR_MAX = 80
SECTORS_MAX_COUNT = 20
EMAIL_MAX = 254
TITLE_MAX = 200
PHONE_MAX = 50


class InvalidValue(ValueError):
    """A value that cannot be stored; the message says why, for the person who typed it."""


def collapse(raw: Any) -> str:
    """The text with surrounding whitespace removed and inner runs of it made one space."""
    return " ".join(str(raw or "").split())


def normalize_name(name: str) -> str:
    """The form of a name that two spellings of the same organisation share."""
    return collapse(name).lower()


def _check_length(value: str, maximum: int) -> str:
    if len(value) > maximum:
        raise InvalidValue(f"Use at most {maximum:,} characters (this has {len(value):,}).")
    return value


def clean_name(raw: Any) -> str:
    name = collapse(raw)
    if not name:
        raise InvalidValue("Give the organisation's name.")
    return _check_length(name, NAME_MAX)


def clean_kind(raw: Any) -> OrganisationKind:
    """A kind from its stored value or its label, ignoring case."""
    if isinstance(raw, OrganisationKind):
        return raw
    wanted = collapse(raw).lower()
    for kind in OrganisationKind:
        if wanted in (kind.value, kind.label.lower()):
            return kind
    if not wanted:
        raise InvalidValue("Choose the kind of organisation.")
    known = ", ".join(kind.value for kind in OrganisationKind)
    raise InvalidValue(f"'{collapse(raw)}' is not one of {known}.")


# --- Countries ------------------------------------------------------------------------------


def _sort_key(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@cache
def _countries() -> dict[str, str]:
    """Alpha-2 code to the name people use for the country, sorted by that name."""
    names = {
        country.alpha_2: getattr(country, "common_name", None) or country.name
        for country in pycountry.countries
    }
    return dict(sorted(names.items(), key=lambda item: _sort_key(item[1])))


@cache
def _country_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for country in pycountry.countries:
        for attribute in ("official_name", "name", "common_name", "alpha_3", "alpha_2"):
            value = getattr(country, attribute, None)
            if value:
                lookup[value.casefold()] = country.alpha_2
    return lookup


def country_choices() -> list[tuple[str, str]]:
    return list(_countries().items())


def country_name(code: str | None) -> str:
    if not code:
        return ""
    return _countries().get(code, code)


def clean_country(raw: Any) -> str | None:
    """An ISO 3166 alpha-2 code from the code itself or the country's English name."""
    text = collapse(raw)
    if not text:
        return None
    code = _country_lookup().get(text.casefold())
    if code is None:
        raise InvalidValue(
            f"'{text}' is not a country we know; use its two-letter ISO code (such as GB) "
            "or its English name."
        )
    return code


# --- Sectors, website, notes -----------------------------------------------------------------


def clean_sectors(raw: Any, separator: str = ",") -> list[str]:
    """Sector tags: trimmed, without repeats (ignoring case), each short, not too many."""
    parts = raw.split(separator) if isinstance(raw, str) else list(raw or [])
    sectors: list[str] = []
    seen: set[str] = set()
    for part in parts:
        sector = collapse(part)
        if not sector or sector.lower() in seen:
            continue
        if len(sector) > SECTOR_MAX:
            raise InvalidValue(
                f"Keep each sector to {SECTOR_MAX} characters; '{sector[:30]}…' has {len(sector)}."
            )
        seen.add(sector.lower())
        sectors.append(sector)
    if len(sectors) > SECTORS_MAX_COUNT:
        raise InvalidValue(f"Give at most {SECTORS_MAX_COUNT} sectors (this has {len(sectors)}).")
    return sectors


def clean_website(raw: Any) -> str | None:
    website = str(raw or "").strip()
    if not website:
        return None
    _check_length(website, WEBSITE_MAX)
    if not is_web_address(website):
        raise InvalidValue("Enter a full web address starting with https:// or http://.")
    return website


def clean_notes(raw: Any) -> str:
    return _check_length(str(raw or "").strip(), NOTES_MAX)


# --- Contacts --------------------------------------------------------------------------------


def clean_contact_name(raw: Any) -> str:
    name = collapse(raw)
    if not name:
        raise InvalidValue("Give the contact's name.")
    return _check_length(name, NAME_MAX)


def clean_email(raw: Any) -> str | None:
    email = str(raw or "").strip()
    if not email:
        return None
    _check_length(email, EMAIL_MAX)
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidValue(f"'{email}' is not an email address we can use: {error}") from None
    return email


def clean_optional(maximum: int):
    def clean(raw: Any) -> str | None:
        return _check_length(collapse(raw), maximum) or None

    return clean


clean_title = clean_optional(TITLE_MAX)
clean_phone = clean_optional(PHONE_MAX)


# --- Whole records -----------------------------------------------------------------------------


@dataclass(frozen=True)
class OrganisationInput:
    name: str
    kind: OrganisationKind
    country: str | None = None
    sectors: tuple[str, ...] = field(default_factory=tuple)
    website: str | None = None
    notes: str = ""

    @property
    def name_normalized(self) -> str:
        return normalize_name(self.name)


@dataclass(frozen=True)
class ContactInput:
    name: str
    email: str | None = None
    title: str | None = None
    phone: str | None = None

    @property
    def email_normalized(self) -> str | None:
        return self.email.lower() if self.email else None


def _clean_fields(values: dict[str, Any], cleaners: dict[str, Any]) -> tuple[dict, dict]:
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, cleaner in cleaners.items():
        try:
            cleaned[name] = cleaner(values.get(name))
        except InvalidValue as error:
            errors[name] = str(error)
    return cleaned, errors


def clean_organisation(
    values: dict[str, Any], sector_separator: str = ","
) -> tuple[OrganisationInput | None, dict[str, str]]:
    """The organisation to store and no errors, or None and a message per field."""
    cleaned, errors = _clean_fields(
        values,
        {
            "name": clean_name,
            "kind": clean_kind,
            "country": clean_country,
            "sectors": lambda raw: tuple(clean_sectors(raw, sector_separator)),
            "website": clean_website,
            "notes": clean_notes,
        },
    )
    return (None if errors else OrganisationInput(**cleaned)), errors


def clean_contact(values: dict[str, Any]) -> tuple[ContactInput | None, dict[str, str]]:
    """The contact to store and no errors, or None and a message per field."""
    cleaned, errors = _clean_fields(
        values,
        {
            "name": clean_contact_name,
            "email": clean_email,
            "title": clean_title,
            "phone": clean_phone,
        },
    )
    return (None if errors else ContactInput(**cleaned)), errors
