"""Importing the directory from CSV: read and check every row, say what would happen, then
apply it all in one transaction or not at all.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from ..csv_export import unescape_cell
from ..models import Contact, Organisation
from ..principal import Principal
from ..service import InputError, StaleError
from . import services
from .csv_io import COLUMNS, SECTOR_SEPARATOR
from .rules import ContactInput, OrganisationInput, clean_contact, clean_organisation

CONTACT_COLUMNS = {
    "name": "contact_name",
    "email": "contact_email",
    "title": "contact_title",
    "phone": "contact_phone",
}
_LOOKUP_CHUNK = 500
DIRECTORY_CHANGED = (
    "The directory changed while the import ran, so nothing was imported. "
    "Upload the file again to see a fresh preview."
)


@dataclass
class Row:
    """One line of the file: what it says, what would happen, and what is wrong with it."""

    line: int
    name: str
    organisation: OrganisationInput | None = None
    contact: ContactInput | None = None
    errors: list[str] = field(default_factory=list)
    action: str = ""  # create, update, unchanged, or repeat (same organisation as first_line)
    changes: list[str] = field(default_factory=list)
    first_line: int | None = None
    contact_action: str = ""  # add, update, unchanged, or "" (no contact on this row)
    contact_changes: list[str] = field(default_factory=list)
    existing_contact: Contact | None = None


@dataclass
class Group:
    """The rows about one organisation."""

    data: OrganisationInput
    rows: list[Row]
    existing: Organisation | None = None


@dataclass(frozen=True)
class ImportCounts:
    create: int
    update: int
    unchanged: int
    contacts_add: int
    contacts_update: int
    contacts_unchanged: int
    rows_with_errors: int


@dataclass
class ImportPlan:
    rows: list[Row] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    skipped_lines: list[int] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        return self.file_errors + [
            f"line {row.line}: {error}" for row in self.rows for error in row.errors
        ]

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.groups)

    @property
    def counts(self) -> ImportCounts:
        organisations = Counter(row.action for row in self.rows if row.action != "repeat")
        contacts = Counter(row.contact_action for row in self.rows if row.contact_action)
        return ImportCounts(
            create=organisations["create"],
            update=organisations["update"],
            unchanged=organisations["unchanged"],
            contacts_add=contacts["add"],
            contacts_update=contacts["update"],
            contacts_unchanged=contacts["unchanged"],
            rows_with_errors=sum(1 for row in self.rows if row.errors),
        )


# --- Reading -------------------------------------------------------------------------------


def _header(cells: list[str]) -> list[str]:
    return [cell.strip().lower().replace(" ", "_").replace("-", "_") for cell in cells]


def _check_header(header: list[str]) -> list[str]:
    errors = []
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        errors.append(
            f"The header row lacks the column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)}. The first row must name these columns: {', '.join(COLUMNS)}."
        )
    unknown = [column for column in header if column not in COLUMNS]
    if unknown:
        errors.append(
            f"The header row has columns this import does not know: {', '.join(unknown)}."
        )
    repeated = sorted({column for column in header if header.count(column) > 1 and column})
    if repeated:
        errors.append(f"The header row names these columns twice: {', '.join(repeated)}.")
    return errors


def _read_row(line: int, values: dict[str, str]) -> Row:
    row = Row(line=line, name=values["name"])
    organisation, errors = clean_organisation(
        {name: values[name] for name in COLUMNS[:6]}, sector_separator=SECTOR_SEPARATOR
    )
    row.organisation = organisation
    row.errors += [f"{column}: {message}" for column, message in errors.items()]
    if any(values[column] for column in CONTACT_COLUMNS.values()):
        contact, errors = clean_contact(
            {name: values[column] for name, column in CONTACT_COLUMNS.items()}
        )
        row.contact = contact
        row.errors += [f"{CONTACT_COLUMNS[name]}: {message}" for name, message in errors.items()]
    return row


def read_rows(text: str, max_rows: int) -> ImportPlan:
    """Check the file's shape and every row's values; nothing is looked up yet."""
    plan = ImportPlan()
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header_cells = next(reader, None)
        if header_cells is None or not any(cell.strip() for cell in header_cells):
            plan.file_errors.append(f"The first row must name the columns: {', '.join(COLUMNS)}.")
            return plan
        header = _header(header_cells)
        plan.file_errors += _check_header(header)
        if plan.file_errors:
            return plan
        previous_end = reader.line_num
        for cells in reader:
            line, previous_end = previous_end + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                plan.skipped_lines.append(line)
                continue
            if len(plan.rows) >= max_rows:
                plan.file_errors.append(
                    f"The file has more than {max_rows:,} rows; split it into smaller files."
                )
                return plan
            if len(cells) != len(header):
                plan.rows.append(
                    Row(
                        line=line,
                        name=cells[0].strip() if cells else "",
                        errors=[
                            f"has {len(cells)} values where the header has {len(header)}; "
                            "check for a stray comma or quote."
                        ],
                    )
                )
                continue
            values = {
                column: unescape_cell(cell.strip()).strip()
                for column, cell in zip(header, cells, strict=True)
            }
            plan.rows.append(_read_row(line, values))
    except csv.Error as error:
        plan.file_errors.append(f"line {reader.line_num}: the file is not valid CSV ({error}).")
        return plan
    if not plan.rows:
        plan.file_errors.append("The file has no organisations below its header row.")
    return plan


# --- Grouping and matching -----------------------------------------------------------------


def _comparable(data: OrganisationInput) -> dict[str, Any]:
    return {
        "name": data.name,
        "kind": data.kind.value,
        "country": data.country,
        "sectors": sorted(data.sectors, key=str.lower),
        "website": data.website,
        "notes": data.notes,
    }


def _existing_comparable(organisation: Organisation) -> dict[str, Any]:
    values = services.organisation_snapshot(organisation)
    values["website"] = values["website"] or None
    values["country"] = values["country"] or None
    values["notes"] = values["notes"] or ""
    return values


def _differences(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return [name for name, value in after.items() if before.get(name) != value]


def _group(plan: ImportPlan) -> None:
    groups: dict[str, Group] = {}
    for row in plan.rows:
        if row.organisation is None:
            continue
        key = row.organisation.name_normalized
        group = groups.get(key)
        if group is None:
            groups[key] = Group(data=row.organisation, rows=[row])
            continue
        first = group.rows[0]
        different = _differences(_comparable(group.data), _comparable(row.organisation))
        if different:
            row.errors.append(
                f"'{row.organisation.name}' is also on line {first.line} with a different "
                f"{', '.join(different)}; rows for one organisation must repeat its details "
                "exactly."
            )
            continue
        row.action, row.first_line = "repeat", first.line
        group.rows.append(row)
    plan.groups = list(groups.values())


def _load_existing(session: Session, names: list[str]) -> dict[str, Organisation]:
    found: dict[str, Organisation] = {}
    for start in range(0, len(names), _LOOKUP_CHUNK):
        chunk = names[start : start + _LOOKUP_CHUNK]
        for organisation in session.scalars(
            select(Organisation)
            .where(Organisation.name_normalized.in_(chunk))
            .options(selectinload(Organisation.sector_links), selectinload(Organisation.contacts))
        ):
            found[organisation.name_normalized] = organisation
    return found


def _contact_key(contact: ContactInput | Contact) -> str:
    if contact.email_normalized:
        return f"email:{contact.email_normalized}"
    return f"name:{contact.name.lower()}"


def _plan_contacts(group: Group) -> None:
    existing: dict[str, Contact] = {}
    for contact in group.existing.contacts if group.existing else []:
        existing.setdefault(_contact_key(contact), contact)
    seen: dict[str, int] = {}
    for row in group.rows:
        if row.contact is None:
            continue
        key = _contact_key(row.contact)
        if key in seen:
            row.errors.append(
                f"the contact {row.contact.email or row.contact.name} is also on line "
                f"{seen[key]} for the same organisation."
            )
            continue
        seen[key] = row.line
        match = existing.get(key)
        if match is None:
            row.contact_action = "add"
            continue
        row.existing_contact = match
        after = {name: getattr(row.contact, name) for name in services.CONTACT_FIELDS}
        row.contact_changes = _differences(services.contact_snapshot(match), after)
        row.contact_action = "update" if row.contact_changes else "unchanged"


def plan_import(session: Session, text: str, max_rows: int) -> ImportPlan:
    """Read the file and say, row by row, what importing it would do. Writes nothing."""
    plan = read_rows(text, max_rows)
    if plan.file_errors:
        return plan
    _group(plan)
    existing = _load_existing(session, [group.data.name_normalized for group in plan.groups])
    for group in plan.groups:
        group.existing = existing.get(group.data.name_normalized)
        first = group.rows[0]
        if group.existing is None:
            first.action = "create"
        else:
            first.changes = _differences(
                _existing_comparable(group.existing), _comparable(group.data)
            )
            first.action = "update" if first.changes else "unchanged"
        _plan_contacts(group)
    return plan


class ImportRefused(InputError):
    """The file has problems, row by row in ``plan``; nothing was imported."""

    def __init__(self, plan: ImportPlan):
        self.plan = plan
        super().__init__("The file has problems; nothing was imported.")


def _apply(session: Session, principal: Principal, plan: ImportPlan) -> None:
    for group in plan.groups:
        organisation = group.existing
        if organisation is None:
            organisation = services.create_organisation(session, principal, group.data)
        elif group.rows[0].action == "update":
            services.update_organisation(
                session, principal, organisation, group.data, organisation.version
            )
        for row in group.rows:
            if row.contact is None:
                continue
            if row.contact_action == "add":
                services.add_contact(session, principal, organisation, row.contact)
            elif row.contact_action == "update" and row.existing_contact is not None:
                services.update_contact(session, principal, row.existing_contact, row.contact)


def import_directory(
    session: Session, principal: Principal, text: str, max_rows: int
) -> ImportCounts:
    """Import a file checked again now: every row, or nothing.

    A file with problems is refused with its plan (``ImportRefused``); a directory changed
    since the plan was read (a name or address taken meanwhile) with ``StaleError``.
    """
    plan = plan_import(session, text, max_rows)
    if not plan.ok:
        raise ImportRefused(plan)
    try:
        with session.begin_nested():
            _apply(session, principal, plan)
    except (InputError, IntegrityError, StaleDataError, StaleError) as error:
        raise StaleError(DIRECTORY_CHANGED) from error
    return plan.counts
