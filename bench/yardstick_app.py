"""The yardstick for bench/load.py: the least a Flask + SQLAlchemy handler can do to store one
survey response — the same rows (one survey_responses row with its answers in one column, one
row on the tally run's queue) through the same models and session, with no validation, no
lookups, no forms, no CSRF.

    YARDSTICK_DATABASE_URL=postgresql+psycopg://... gunicorn 'bench.yardstick_app:create_app()'

The client sends the ids (unit, counter, instrument, items) it would otherwise have to look up,
the answers in the items' order.
"""

import os

from flask import Flask, request

from survey_app.core.extensions import db
from survey_app.models import Channel, SurveyResponse, UntalliedResponse, utcnow


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["YARDSTICK_DATABASE_URL"]
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True}  # as the real app
    db.init_app(app)

    @app.get("/")
    def alive():
        return "yardstick\n"

    @app.post("/responses")
    def store_response():
        body = request.get_json()
        now = utcnow()
        response = SurveyResponse(
            client_ref=body["client_ref"],
            unit_id=body["unit_id"],
            counter_id=body["counter_id"],
            officer_id=body["officer_id"],
            instrument_id=body["instrument_id"],
            channel=Channel.KIOSK,
            submitted_at=now,
            received_at=now,
            comment="",
            flagged=False,
            levels="".join(str(value or 0) for value in body["answers"].values()),
            untallied=UntalliedResponse(),
        )
        db.session.add(response)
        db.session.commit()
        return {"id": body["client_ref"]}, 201  # response.id would cost a SELECT after commit

    return app
