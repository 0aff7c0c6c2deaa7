"""Make ``schema-0001.sqlite3``: a small practice database as schema revision 0001 left it.

The upgrade tests open a copy of every ``schema-*.sqlite3`` file here and check that the data
survives the migrations to the newest schema. Each historical file holds the same small
practice (see ``tests/test_migrations.py``), written with plain SQL so that this script keeps
working however the models change later. When a release changes the schema, add a script like
this one for the new revision and commit the file it makes; never regenerate an old one.

Run from the repository root:  python tests/data/make_schema_0001.py
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from practice_action.services.audit import GENESIS, entry_hash
from practice_action.services.staff import hash_pin
from practice_action.store import migrate
from practice_action.store.engine import Store, make_engine

REVISION = "0001"
HERE = Path(__file__).resolve().parent
TARGET = HERE / f"schema-{REVISION}.sqlite3"

WHEN = datetime(2025, 1, 6, 9, 30, tzinfo=UTC)
HOURS = [
    {"day": d, "opens": "08:00", "closes": "18:30"} for d in ("mon", "tue", "wed", "thu", "fri")
]


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def _fill(db: sqlite3.Connection) -> None:
    db.execute(
        "INSERT INTO practice (id, name, ods_code, address, postcode, phone, email, website, "
        "list_size, opening_hours, icb_name, icb_address, icb_postcode, lmc_name, lmc_address, "
        "lmc_postcode, idle_lock_minutes, updated_at) "
        "VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            "Old Mill Surgery",
            "Y01234",
            "2 Weir Road\nBedford",
            "MK40 1AB",
            "01234 567890",
            "oldmill.y01234@nhs.net",
            "www.oldmill-surgery.nhs.uk",
            7200,
            json.dumps(HOURS),
            "BLMK ICB",
            "Capability House\nWrest Park, Silsoe",
            "MK45 4HR",
            "Beds and Herts LMC",
            "Tudor House\nBedford",
            "MK40 2QT",
            5,
            _stamp(WHEN),
        ),
    )
    db.execute(
        "INSERT INTO staff (id, name, role, pin_hash, active, failed_attempts, locked_until) "
        "VALUES (1, 'Helen Ward', 'practice_manager', ?, 1, 0, NULL)",
        (hash_pin("305917"),),
    )
    db.executemany(
        "INSERT INTO clinician (id, name, role, sessions, active) VALUES (?, ?, ?, ?, ?)",
        [
            (1, "Dr Amir Shah", "gp_partner", json.dumps(["mon-am", "mon-pm", "tue-am"]), 1),
            (2, "Dr Ruth Lowe", "salaried_gp", json.dumps(["wed-am", "thu-am"]), 1),
            (3, "Ben Carter", "anp", json.dumps([]), 0),
        ],
    )
    db.execute(
        "INSERT INTO local_service (id, name, kind, address, postcode, phone, hours, active) "
        "VALUES (1, 'NHS 111', 'nhs_111', '', '', '111', 'Every day, all day', 1)"
    )
    db.execute(
        "INSERT INTO voluntary_service (id, name, commissioner_name, commissioner_address, "
        "commissioner_postcode, notice_days, notes, active) VALUES "
        "(1, 'Phlebotomy for secondary care', 'BLMK ICB', 'Capability House\nSilsoe', "
        "'MK45 4HR', 90, '', 1)"
    )
    db.execute(
        "INSERT INTO data_sharing_agreement (id, name, party_name, party_address, "
        "party_postcode, purpose, signed_on, active) VALUES "
        "(1, 'Population health dashboard', 'Health Analytics Ltd', '1 Data Street\nLeeds', "
        "'LS1 4AP', 'secondary', '2023-03-01', 1)"
    )
    prev = GENESIS
    entries = [
        ("practice.setup", "Set up practice Old Mill Surgery (Y01234)"),
        ("staff.add", "Added staff account Helen Ward (Practice manager)"),
        ("setup.clinician.add", "Added clinician Dr Amir Shah"),
    ]
    for seq, (kind, summary) in enumerate(entries, start=1):
        fields = dict(
            seq=seq,
            at=WHEN,
            actor="Helen Ward (Practice manager)",
            actor_kind="staff",
            staff_id=1,
            kind=kind,
            summary=summary,
            before="",
            after="",
            prev_hash=prev,
        )
        prev = entry_hash(**fields)
        db.execute(
            "INSERT INTO audit_entry (id, seq, at, actor, actor_kind, staff_id, kind, summary, "
            "before, after, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                seq,
                seq,
                _stamp(WHEN),
                fields["actor"],
                "staff",
                1,
                kind,
                summary,
                "",
                "",
                fields["prev_hash"],
                prev,
            ),
        )
    db.execute("INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?)", (len(entries), prev))


def main() -> None:
    TARGET.unlink(missing_ok=True)
    url = f"sqlite:///{TARGET}"
    store = Store(make_engine(url), url)
    try:
        migrate.upgrade(store, REVISION)
    finally:
        store.dispose()
    db = sqlite3.connect(TARGET, isolation_level=None)
    try:
        db.execute("BEGIN")
        _fill(db)
        db.execute("COMMIT")
        db.execute("PRAGMA journal_mode = DELETE")  # one self-contained file to commit
        db.execute("VACUUM")
    finally:
        db.close()
    TARGET.chmod(0o644)
    print(f"Wrote {TARGET}")


if __name__ == "__main__":
    main()
