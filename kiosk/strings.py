"""Every word the counter tablet shows, in both languages, handed to its script as one JSON block.

The tablet switches language without asking the server (it may be offline), so the page carries
the strings of every locale. `{name}` placeholders are filled in by the script.
"""

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from survey_app.display.labels import NO_OPINION_LABEL, SCALE_LABELS

KIOSK_STRINGS = {
    "title": _l("Counter rating"),
    "pair_title": _l("Connect this tablet to a counter"),
    "pair_hint": _l(
        "Enter the pairing code shown on the tablet page of the administration site, "
        "or open the link of its QR code."
    ),
    "pair_code": _l("Pairing code"),
    "pair_button": _l("Connect"),
    "pair_working": _l("Connecting…"),
    "pair_invalid": _l("This code is wrong or has expired. Ask for a new code."),
    "pair_offline": _l("The server cannot be reached. Check the network and try again."),
    "pair_busy": _l("Too many attempts from this network. Wait a minute and try again."),
    "paired_title": _l("Pairing worked"),
    "paired_text": _l(
        "This tablet is now connected to {counter}, {unit}, and collects its ratings."
    ),
    "paired_start": _l("Start"),
    "delete": _l("Delete"),
    "language": _l("Language"),
    "tap_to_rate": _l("Tap to rate"),
    "attract_hint": _l("How satisfied are you with our service today? It takes under a minute."),
    "officer_title": _l("Who served you?"),
    "skip": _l("Skip"),
    "back": _l("Back"),
    "step": _l("Question {n} of {total}"),
    "prompt": _l("How satisfied are you?"),
    "no_opinion": NO_OPINION_LABEL,
    "overall_title": _l("Overall"),
    "comment_label": _l("Your comments or suggestions (optional)"),
    "comment_hint": _l(
        "Please do not write your name, phone number or ID number here: the survey is anonymous."
    ),
    "callback_title": _l("Would you like the office to call you back?"),
    "callback_hint": _l(
        "Leave a phone number and an officer will call you to hear more about your rating."
    ),
    "phone_label": _l("Phone number"),
    "phone_rule": _l("10 or 11 digits, starting with 0."),
    "callback_send": _l("Send my number"),
    "no_thanks": _l("No, thank you"),
    "save_failed": _l(
        "The rating could not be saved on this tablet. Please tap again or call an officer."
    ),
    "thanks_title": _l("Thank you for your rating!"),
    "thanks_text": _l("Your opinion helps us serve you better."),
    "thanks_callback": _l("An officer will call you back soon."),
    "done": _l("Done"),
    "closed_title": _l("Outside office hours"),
    "closed_hours": _l("Open: Monday – Friday, {opens}–{closes}, except public holidays."),
    "reopens": _l("We open again at {time} on {day}."),
    "always_open": _l("Ratings are taken at every hour, every day, days off too."),
    "closed_text": _l("Please come back during office hours. Thank you."),
    "revoked_title": _l("This tablet was revoked"),
    "revoked_text": _l(
        "Please call an officer. Ratings not yet sent stay on this tablet: {count}."
    ),
    "pair_again": _l("Connect again"),
    "staff_corner": _l("Staff menu (hold for 3 seconds)"),
    "pin_title": _l("Staff PIN"),
    "pin_wrong": _l("Wrong PIN."),
    "pin_none": _l("No staff PIN is set for this tablet. Set one on the tablet page."),
    # The first lock lasts a minute, each next one twice as long (static/kiosk/staff.js).
    "pin_locked": _l("Too many wrong tries. The PIN is locked for a while: try again later."),
    "unlock": _l("Unlock"),
    "cancel": _l("Cancel"),
    "staff_title": _l("Tablet settings"),
    "staff_tablet": _l("Tablet"),
    "staff_counter": _l("Counter"),
    "staff_queue": _l("Ratings waiting to be sent"),
    "staff_rejected": _l("Ratings refused by the server"),
    "staff_last_sync": _l("Last sent"),
    "staff_never": _l("Never"),
    "staff_version": _l("App version"),
    "staff_network": _l("Network"),
    "online": _l("Connected"),
    "offline": _l("No connection"),
    "sync_now": _l("Send now"),
    "exit_fullscreen": _l("Exit full screen"),
    "unpair": _l("Unpair this tablet"),
    "unpair_confirm": _l("Tap again to unpair"),
    "close": _l("Close"),
} | {f"scale_{level}": label for level, label in SCALE_LABELS.items()}


def strings_by_locale(locales: list[str]) -> dict[str, dict[str, str]]:
    """{"vi": {key: text}, "en": {...}}, each translated through the catalogue."""
    result = {}
    for locale in locales:
        with force_locale(locale):
            result[locale] = {key: str(text) for key, text in KIOSK_STRINGS.items()}
    return result
