"""Locale choice: Vietnamese unless the visitor picked English with the visible switch."""

from urllib.parse import urlencode

from flask import current_app, has_request_context, request, session

from survey_app.months import survey_zone

LANG_PARAMETER = "lang"


def select_locale() -> str:
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():
        return default  # CLI commands and exports speak the default language
    supported = current_app.config["SURVEY_LOCALES"]
    chosen = request.args.get(LANG_PARAMETER)
    if chosen in supported:
        session["lang"] = chosen
        return chosen
    remembered = session.get("lang")
    return remembered if remembered in supported else default


def select_timezone() -> str:
    return survey_zone().key


def language_url(code: str) -> str:
    """This page in another language, keeping what the address already asks for (the month
    shown, the code typed), so switching language never loses the visitor's place."""
    args = request.args.to_dict(flat=False) | {LANG_PARAMETER: [code]}
    return f"{request.path}?{urlencode(args, doseq=True)}"
