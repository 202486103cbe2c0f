"""The upload of staff accounts in bulk (the users page)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField


class UserImportForm(FlaskForm):
    file = FileField(_l("Accounts CSV file"), render_kw={"accept": ".csv,text/csv"})
    officers = BooleanField(
        _l("Also open an account for every officer of my units who has an e-mail and no account")
    )

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not self.file.data and not self.officers.data:
            self.file.errors = [*self.file.errors, _l("Choose a CSV file, or tick the box below.")]
            return False
        return True
