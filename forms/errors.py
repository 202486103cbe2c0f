"""A service's refusals shown on the form that was sent: under the field they name, else on top."""

from collections.abc import Mapping


def attach_errors(form, errors: Mapping[str, str]) -> None:
    """Each message under its field; a field keeps the first message it got (the form's own
    check already says it), and a message naming no field of the form goes on top."""
    for name, message in errors.items():
        field = form._fields.get(name)
        if field is None:
            form.form_errors.append(message)
        elif not field.errors:
            field.errors = [message]


def attach_error(form, error) -> None:
    """A domain error that names one field (error.field), e.g. an invalid organisation change."""
    attach_errors(form, {getattr(error, "field", None) or "": str(error)})
