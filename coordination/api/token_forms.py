"""The form for making a personal access token."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from ..form_fields import options
from ..models import TokenScope
from .tokens import DEFAULT_DAYS


class TokenForm(FlaskForm):
    name = StringField(
        "Name",
        validators=[DataRequired(), Length(max=100)],
        description="What will use it, so you can tell your tokens apart: 'Visitor system'.",
    )
    scope = RadioField(
        "What it may do",
        choices=options([(scope.value, scope.label) for scope in TokenScope]),
        default=TokenScope.READ.value,
        validators=[InputRequired()],
    )
    days = IntegerField(
        "Days until it expires",
        default=DEFAULT_DAYS,
        validators=[InputRequired(), NumberRange(min=1, max=3660)],
        description="It stops working after this, or earlier if you revoke it.",
    )
