"""Forms of a report's text (the three parts a manager edits) and of a unit's document settings
(Nghị định 30/2020/NĐ-CP). Lengths only; the services check the rest."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import Length

from survey_app.services.narratives import PART_MAX_LENGTH
from survey_app.services.unit_documents import DOCUMENT_FIELDS

TOO_LONG = _l("Use at most %(max)d characters.")


def _text_area(label) -> TextAreaField:
    return TextAreaField(label, validators=[Length(max=PART_MAX_LENGTH, message=TOO_LONG)])


class NarrativeForm(FlaskForm):
    assessment = _text_area(_l("General assessment"))
    shortcomings = _text_area(_l("Shortcomings and their causes"))
    proposals = _text_area(_l("Proposals and recommendations"))


def _setting(label, name: str, field=StringField):
    limit = Length(max=DOCUMENT_FIELDS[name], message=TOO_LONG)
    return field(
        label, filters=[lambda v: v.strip() if isinstance(v, str) else v], validators=[limit]
    )


class DocumentSettingsForm(FlaskForm):
    governing_body = _setting(_l("Governing body"), "governing_body")
    issuing_body = _setting(_l("Issuing body"), "issuing_body")
    symbol = _setting(_l("Document symbol"), "symbol")
    place = _setting(_l("Place name"), "place")
    signer_authority = _setting(_l("Signer's authority"), "signer_authority")
    signer_title = _setting(_l("Signer's title"), "signer_title")
    signer_name = _setting(_l("Signer's name"), "signer_name")
    recipients = _setting(_l("Recipients, one a line"), "recipients", TextAreaField)
