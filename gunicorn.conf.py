"""gunicorn reads this file when started from a checkout; the settings live in the package so an
installed wheel has them too: gunicorn -c python:survey_app.core.gunicorn_conf
'survey_app:create_app()'
"""

from survey_app.core.gunicorn_conf import *  # noqa: F403
