"""Organisation CSV files for the import tests: a small province, and ways to vary it."""

import csv
import io

import sqlalchemy as sa

from survey_app.core.extensions import db

COLUMNS = ["kind", "code", "name", "parent_code", "field", "counters", "active"]

PROVINCE = [
    {"kind": "unit", "code": "LD", "name": "Tỉnh Lâm Đồng"},
    {"kind": "unit", "code": "LD-DT", "name": "UBND xã Đức Trọng", "parent_code": "LD"},
    {"kind": "unit", "code": "LD-XH", "name": "UBND phường Xuân Hương", "parent_code": "LD"},
    {"kind": "counter", "code": "DT-Q1", "name": "Quầy 1 - Hộ tịch", "parent_code": "LD-DT",
     "field": "Hộ tịch"},
    {"kind": "counter", "code": "DT-Q2", "name": "Quầy 2 - Đất đai", "parent_code": "LD-DT",
     "field": "Đất đai"},
    {"kind": "counter", "code": "XH-Q1", "name": "Quầy 1", "parent_code": "LD-XH"},
    {"kind": "officer", "code": "DT-CB01", "name": "Nguyễn Thị Thu Hà", "parent_code": "LD-DT",
     "counters": "DT-Q1 DT-Q2"},
    {"kind": "officer", "code": "XH-CB01", "name": "Trần Minh Quân", "parent_code": "LD-XH",
     "counters": "XH-Q1", "active": "false"},
]  # fmt: skip


def csv_text(rows: list[dict], columns=COLUMNS) -> str:
    stream = io.StringIO()
    writer = csv.DictWriter(stream, columns, restval="", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return stream.getvalue()


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def with_row(code: str, **cells) -> list[dict]:
    return [row | cells if row["code"] == code else row for row in PROVINCE]


# Accounts in bulk (survey-app import-users, the users page).
USER_COLUMNS = ["username", "full_name", "email", "role", "unit_code", "officer_code", "sso_only"]


def users_csv(rows: list[dict], *, bom: bool = False) -> str:
    return ("\ufeff" if bom else "") + csv_text(rows, USER_COLUMNS)
