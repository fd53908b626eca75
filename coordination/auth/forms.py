"""Forms for signing in and passwords."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

CHOOSING_HINT = "At least 10 characters. A few unrelated words make a strong, memorable password."


class SignInForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])
    remember = BooleanField("Keep me signed in on this device")
    next = HiddenField()


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password", validators=[DataRequired(), Length(max=1024)]
    )
    new_password = PasswordField(
        "New password", validators=[DataRequired(), Length(max=1024)], description=CHOOSING_HINT
    )
    confirm = PasswordField(
        "New password again",
        validators=[
            DataRequired(),
            EqualTo("new_password", message="The two new passwords differ."),
        ],
    )


class ChangeEmailForm(FlaskForm):
    email = EmailField(
        "New email address",
        validators=[DataRequired(), Length(max=254)],
        description="We send a link to this address; it takes effect once you open it.",
    )
    current_password = PasswordField(
        "Current password", validators=[DataRequired(), Length(max=1024)]
    )


class ForgotPasswordForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired(), Length(max=254)])


class ResetPasswordForm(FlaskForm):
    new_password = PasswordField(
        "New password", validators=[DataRequired(), Length(max=1024)], description=CHOOSING_HINT
    )
    confirm = PasswordField(
        "New password again",
        validators=[DataRequired(), EqualTo("new_password", message="The two passwords differ.")],
    )
