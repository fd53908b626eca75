"""Forms for uploading, describing and replacing briefing documents."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from ..agenda.forms import ItemForm
from ..agenda.validation import MAX_DESCRIPTION, MAX_TITLE
from ..convenings.forms import LocalDateTimeField
from ..form_fields import IdField
from .details import DocumentInput

FILE_REQUIRED = "Choose the file to upload."


class DocumentForm(FlaskForm):
    """What a document is and who receives it (the edit page)."""

    title = StringField("Title", validators=[Length(max=MAX_TITLE)])
    description = TextAreaField(
        "Description",
        validators=[Length(max=MAX_DESCRIPTION)],
        description="Optional. Markdown: *emphasis*, lists, links.",
    )
    sensitivity = SelectField("Sensitivity", choices=[], validate_choice=False)
    # The audience is chosen exactly as for agenda items.
    audience_kind = ItemForm.audience_kind
    audience_kinds = ItemForm.audience_kinds
    audience_organisations = ItemForm.audience_organisations
    embargo = LocalDateTimeField("Embargoed until", validators=[Optional()])
    agenda_item_id = IdField(
        "Agenda item", message="Choose an item of this convening's agenda, or none."
    )
    version = HiddenField()

    def to_input(self) -> DocumentInput:
        return DocumentInput(
            title=self.title.data or "",
            description=self.description.data or "",
            sensitivity=self.sensitivity.data or "",
            audience_kind=self.audience_kind.data or "",
            audience_kinds=list(self.audience_kinds.data or []),
            audience_organisation_ids=list(self.audience_organisations.data or []),
            embargo_local=self.embargo.data,
            agenda_item_id=self.agenda_item_id.data,
        )

    def fill_from(self, data: DocumentInput) -> None:
        self.title.data = data.title
        self.description.data = data.description
        self.sensitivity.data = data.sensitivity
        self.audience_kind.data = data.audience_kind
        self.audience_kinds.data = list(data.audience_kinds)
        self.audience_organisations.data = list(data.audience_organisation_ids)
        self.embargo.data = data.embargo_local
        self.agenda_item_id.data = data.agenda_item_id


class UploadForm(DocumentForm):
    """A new document: its first file and everything the edit page has."""

    file = FileField("File", validators=[FileRequired(message=FILE_REQUIRED)])


class ReplaceForm(FlaskForm):
    """A new version of a document's file."""

    file = FileField("New file", validators=[FileRequired(message=FILE_REQUIRED)])
    version = HiddenField()


class VersionForm(FlaskForm):
    """Delete or restore: the version seen, so a changed document is not acted on unseen."""

    version = HiddenField(validators=[InputRequired()])
