"""Forms of the procedures catalogue."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from forms.org import strip_text
from survey_app.services.org.admin import NAME_MAX_LENGTH
from survey_app.services.procedures import CODE_MAX_LENGTH, PROCEDURE_NAME_MAX_LENGTH

TOO_LONG = _l("Use at most %(max)d characters.")


class ProcedureForm(FlaskForm):
    name = StringField(
        _l("Name"),
        filters=[strip_text],
        validators=[
            DataRequired(_l("Enter a name.")),
            Length(max=PROCEDURE_NAME_MAX_LENGTH, message=TOO_LONG),
        ],
    )
    field = StringField(
        _l("Field of procedures"),
        filters=[strip_text],
        render_kw={"list": "known-fields"},
        validators=[Length(max=NAME_MAX_LENGTH, message=TOO_LONG)],
    )


class NewProcedureForm(ProcedureForm):
    code = StringField(
        _l("Code"),
        filters=[strip_text],
        validators=[
            DataRequired(_l("Enter a code.")),
            Length(max=CODE_MAX_LENGTH, message=TOO_LONG),
        ],
    )


class ProcedureSearchForm(FlaskForm):
    """The search above the list: a GET form, bookmarkable, so without a CSRF token."""

    class Meta:
        csrf = False

    q = StringField(_l("Code or name contains"), filters=[strip_text])
    field = SelectField(_l("Field of procedures"), validate_choice=False)
    page = IntegerField(validators=[Optional()])


class ProcedureImportForm(FlaskForm):
    file = FileField(_l("Procedures CSV file"), validators=[FileRequired(_l("Choose a CSV file."))])
