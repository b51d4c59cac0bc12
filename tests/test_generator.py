"""Tests of the sample-export generator (orchestration/generator/) against the contract (orchestration/contract.py)."""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from orchestration.contract import (
    CURRENCIES,
    DAY_FOLDER,
    ENTITIES,
    ENTITIES_EVENTS,
    ENTITY_FIELDS,
    ENTITY_KEYS,
    ENUMS,
    KINDS,
    PART_GLOB,
    PART_NAME,
    REQUIRED_FIELDS,
    SERVICES,
    TIME_FIELD,
    day_folder_name,
    part_name,
)
from orchestration.generator import catalog, generate, main
from orchestration.generator.dirt import DIRT_KINDS, DROPPABLE_FIELDS, UNKNOWN_ENUMS
from orchestration.generator.profiles import TYPE_MIX
from orchestration.generator.values import add_months
from orchestration.generator.widget import SESSION_START
from orchestration.landing import manifest_path
from orchestration.settings import EXPORT_START

START = EXPORT_START
PATTERNS = {name: re.compile(kind.pattern) for name, kind in KINDS.items() if kind.pattern}
# the JSON type of each kind of the contract
JSON_TYPES = {"int": int, "bool": bool, "str_list": list, "object": dict} | dict.fromkeys(
    ["str", "timestamp", "date", "decimal"], str
)


def kind_ok(kind: str, value: object) -> bool:
    """A value of a contract kind: its JSON type, and its format where the kind has one."""
    if isinstance(value, bool) != (kind == "bool") or not isinstance(value, JSON_TYPES[kind]):
        return False
    if kind == "str_list":
        return all(isinstance(item, str) for item in value)
    return kind not in PATTERNS or bool(PATTERNS[kind].fullmatch(value))


def conforms(entity: str, obj: dict) -> bool:
    """True when obj satisfies the contract (every field written, required ones not null, kinds, enums)."""
    for f in ENTITY_FIELDS[entity]:
        if f.name not in obj:
            return False
        v = obj[f.name]
        if v is None:
            if f.required:
                return False
            continue
        if not kind_ok(f.kind, v):
            return False
        if (entity, f.name) in ENUMS and v not in ENUMS[(entity, f.name)]:
            return False
    return True


def field_names(entity: str) -> set[str]:
    return {f.name for f in ENTITY_FIELDS[entity]}


def read_export(landing: Path) -> dict[str, dict[str, list[str]]]:
    """entity -> export date -> raw lines."""
    out: dict[str, dict[str, list[str]]] = {}
    for entity in ENTITIES:
        out[entity] = {}
        for folder in sorted((landing / entity).iterdir()):
            files = sorted(p for p in folder.iterdir() if PART_NAME.fullmatch(p.name))
            lines = []
            for f in files:
                text = gzip.decompress(f.read_bytes()).decode("utf-8")
                lines += [x for x in text.split("\n") if x]
            out[entity][DAY_FOLDER.fullmatch(folder.name)["day"]] = lines
    return out


def valid_objects(export, entity):
    """(export date, object) for every parseable, conforming line."""
    for d, lines in export[entity].items():
        for line in lines:
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                continue
            if conforms(entity, obj):
                yield d, obj


def all_bytes(landing: Path) -> dict[str, bytes]:
    return {str(p.relative_to(landing)): p.read_bytes() for p in sorted(landing.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def dirty(tmp_path_factory):
    landing = tmp_path_factory.mktemp("dirty")
    manifest = generate(landing, profile="small", months=2, start=START, seed=42, dirty_rate=0.02)
    return landing, manifest, read_export(landing)


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    landing = tmp_path_factory.mktemp("clean")
    manifest = generate(landing, profile="small", months=2, start=START, seed=42, dirty_rate=0.0)
    return landing, manifest, read_export(landing)


def test_deterministic_bytes_and_rerun_overwrites(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(a, months=1, seed=7)
    generate(b, months=1, seed=8)
    files_b = all_bytes(b)
    generate(b, months=1, seed=7)  # re-run into the same folder: overwritten, nothing left over
    generate(c, months=1, seed=8)
    files_a, files_b2, files_c = all_bytes(a), all_bytes(b), all_bytes(c)
    assert files_a == files_b2
    assert files_b == files_c
    assert files_a.keys() == files_c.keys()
    assert files_a != files_c
    # gzip header mtime is 0
    some = next(p for p in a.rglob(PART_GLOB))
    assert some.read_bytes()[4:8] == b"\x00\x00\x00\x00"


def test_layout_every_entity_every_day(dirty):
    landing, manifest, export = dirty
    days = sorted(manifest["entities"]["companies"])
    end = add_months(START, 2)
    assert days[0] == START.isoformat() and days[-1] == (end - timedelta(days=1)).isoformat()
    assert len(days) == (end - START).days
    for entity in ENTITIES:
        folders = sorted(p.name for p in (landing / entity).iterdir())
        assert folders == [day_folder_name(date.fromisoformat(d)) for d in days], entity
        for d in days:
            assert (landing / entity / day_folder_name(date.fromisoformat(d)) / part_name(entity, 1)).is_file()
    for entity in ENTITIES_EVENTS:
        assert sum(len(v) for v in export[entity].values()) > 100, entity
    assert (landing / "_manifest.json").is_file()
    on_disk = json.loads((landing / "_manifest.json").read_text())
    assert on_disk == json.loads(json.dumps(manifest))
    for key in ("generator_version", "seed", "profile", "start", "months"):
        assert key in on_disk


def test_clean_export_conforms_and_has_no_dirt(clean):
    _, manifest, export = clean
    for entity in ENTITIES:
        seen = set()
        for d, lines in export[entity].items():
            assert manifest["entities"][entity][d]["lines"] == len(lines)
            for line in lines:
                obj = json.loads(line)
                assert conforms(entity, obj), (entity, line)
                assert set(obj) == field_names(entity), (entity, line)  # no added fields either
                key = tuple(obj[k] for k in ENTITY_KEYS[entity])
                if entity not in ENTITIES_EVENTS and entity != "exchange_rates":
                    key = key + (obj["updated_at"],)
                assert key not in seen, (entity, key)
                seen.add(key)
                # not late: an event sits in the folder of its UTC date
                if entity in ENTITIES_EVENTS:
                    assert obj[TIME_FIELD[entity]][:10] == d, (entity, line)
    for entity, tot in manifest["totals"].items():
        for kind in DIRT_KINDS:
            assert tot[kind] == 0, (entity, kind)


def test_dirt_counts_match_manifest(dirty):
    _, manifest, export = dirty
    grand = Counter()
    for entity in ENTITIES:
        for d, lines in export[entity].items():
            m = manifest["entities"][entity][d]
            assert m["lines"] == len(lines)
            counts = Counter()
            valid = []
            for line in lines:
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError:
                    counts["invalid_json"] += 1
                    continue
                if not field_names(entity) <= set(obj):
                    counts["missing_required"] += 1
                    continue
                if entity in UNKNOWN_ENUMS:
                    field, value = UNKNOWN_ENUMS[entity]
                    if obj[field] == value:
                        counts["unknown_enum"] += 1
                assert (
                    conforms(entity, obj)
                    or obj.get(UNKNOWN_ENUMS.get(entity, ("", ""))[0]) == (UNKNOWN_ENUMS.get(entity, ("", None))[1])
                ), (entity, line)
                valid.append(line)
                if entity in ENTITIES_EVENTS and obj[TIME_FIELD[entity]][:10] < d:
                    counts["late"] += 1
            counts["duplicate"] = len(valid) - len(set(valid))
            for kind in DIRT_KINDS:
                assert counts[kind] == m[kind], (entity, d, kind, counts[kind], m[kind])
                grand[kind] += m[kind]
    for kind in DIRT_KINDS:
        assert grand[kind] > 0, kind


def test_late_events_keep_true_time_and_out_of_order(dirty):
    _, manifest, export = dirty
    late = [(d, o) for d, o in valid_objects(export, "notification_events") if o["occurred_at"][:10] < d]
    assert late
    for d, o in late:
        lag = (date.fromisoformat(d) - date.fromisoformat(o["occurred_at"][:10])).days
        assert 1 <= lag <= 7
    # out of order: a later status of a message exported in an earlier folder than an earlier status
    by_msg = defaultdict(list)
    for d, o in valid_objects(export, "notification_events"):
        by_msg[o["message_id"]].append((o["occurred_at"], d))
    out_of_order = 0
    for evs in by_msg.values():
        evs.sort()
        if any(evs[i][1] > evs[j][1] for i in range(len(evs)) for j in range(i + 1, len(evs))):
            out_of_order += 1
    assert out_of_order > 0


def test_schema_addition_in_later_files(dirty, clean):
    _, manifest, export = dirty
    second_month = add_months(START, 1).isoformat()
    first = [o for d, o in valid_objects(export, "notifications") if d < second_month]
    later = [o for d, o in valid_objects(export, "notifications") if d >= second_month]
    assert not any("campaign_id" in o for o in first if o["created_at"] >= START.isoformat())
    assert any("campaign_id" in o for o in later)
    assert manifest["schema_additions"] == {"notifications": {"campaign_id": second_month}}


def test_notification_semantics(clean):
    _, _, export = clean
    notifs = {o["message_id"]: o for _, o in valid_objects(export, "notifications")}
    events = defaultdict(list)
    for _, o in valid_objects(export, "notification_events"):
        events[o["message_id"]].append(o)
    assert set(events) <= set(notifs)
    finals = {}
    for mid, evs in events.items():
        evs.sort(key=lambda e: e["occurred_at"])
        statuses = [e["status"] for e in evs]
        n = notifs[mid]
        assert statuses[0] == ("created_optional" if n["is_optional"] else "created"), statuses
        if n["scheduled_for"]:
            assert statuses[1] == "delayed"
        assert all(e["occurred_at"] >= n["created_at"] for e in evs)
        finals[mid] = statuses[-1]
        for e in evs:
            assert (e["error_code"] is not None) == (e["status"] in ("undelivered", "error"))
    kinds = Counter(finals.values())
    for st in ("delivered", "undelivered", "error", "canceled", "omitted_optional"):
        assert kinds[st] > 0, st
    # fallback chains point at an existing failed viber/whatsapp message
    fallbacks = [n for n in notifs.values() if n["fallback_of"]]
    assert fallbacks
    for fb in fallbacks:
        assert fb["channel"] == "sms"
        orig = notifs[fb["fallback_of"]]
        assert orig["channel"] in ("viber", "whatsapp")
        assert finals[orig["message_id"]] in ("undelivered", "error")
        assert fb["created_at"] > orig["created_at"]
    sms = [n for n in notifs.values() if n["channel"] == "sms"]
    assert {n["sms_segments"] for n in sms} == {1, 2, 3}
    assert all(n["sms_segments"] == 1 for n in notifs.values() if n["channel"] != "sms")


def test_reseller_hierarchy_and_references(clean):
    _, _, export = clean
    companies = {}
    for _, o in valid_objects(export, "companies"):
        companies[o["company_id"]] = o  # files are in date order: the last is the latest
    resellers = [c for c in companies.values() if c["client_type"] == "reseller"]
    assert resellers
    deps = [c for c in companies.values() if c["parent_company_id"] == resellers[0]["company_id"]]
    assert len(deps) >= 2
    types = {c["client_type"] for c in companies.values()}
    assert types == set(ENUMS[("companies", "client_type")])
    assert {"USD", "EUR", "GBP", "KZT"} <= {c["currency"] for c in companies.values()}
    assert {"America/New_York", "Asia/Almaty", "Europe/Berlin", "UTC"} <= {c["timezone"] for c in companies.values()}
    assert any(c["is_test"] for c in companies.values())
    # a company renamed later: more than one version with a newer updated_at
    versions = Counter(o["company_id"] for _, o in valid_objects(export, "companies"))
    assert any(v > 1 for v in versions.values())
    ops = {o["operator_id"]: o for _, o in valid_objects(export, "operators")}
    assert any(not o["is_active"] for o in ops.values())
    cfgs = {o["chat_config_id"]: o for _, o in valid_objects(export, "chat_configs")}
    assert any(c["is_test"] for c in cfgs.values())
    bots = {o["bot_id"]: o for _, o in valid_objects(export, "bots")}
    # chats reference their company's configs, operators and bots
    chats = defaultdict(list)
    for _, m in valid_objects(export, "chat_messages"):
        assert cfgs[m["chat_config_id"]]["company_id"] == m["company_id"]
        assert cfgs[m["chat_config_id"]]["messenger"] == m["messenger"]
        if m["sender_type"] == "operator":
            assert ops[m["operator_id"]]["company_id"] == m["company_id"]
        else:
            assert m["operator_id"] is None
        if m["sender_type"] == "bot":
            assert bots[m["bot_id"]]["company_id"] == m["company_id"]
        chats[m["chat_id"]].append(m)
    first_bot = 0
    for msgs in chats.values():
        msgs.sort(key=lambda m: (m["sent_at"], m["message_id"]))
        bot_msgs = [m for m in msgs if m["sender_type"] == "bot"]
        assert sum(m["is_first_bot_message"] for m in msgs) == (1 if bot_msgs else 0)
        if bot_msgs:
            assert bot_msgs[0]["is_first_bot_message"]
            first_bot += 1
        assert sum(m["is_proactive"] for m in msgs) <= 1
        if msgs[0]["is_proactive"]:
            assert msgs[0]["sender_type"] in ("bot", "operator")
    assert first_bot > 0
    assert {m[0]["messenger"] for m in chats.values()} >= {"web", "alice"}


def test_tariffs_mid_month_change_and_no_overlap(clean):
    _, _, export = clean
    latest = {}
    for _, t in valid_objects(export, "tariffs"):
        prev = latest.get(t["tariff_id"])
        if prev is None or t["updated_at"] >= prev["updated_at"]:
            latest[t["tariff_id"]] = t
    tariffs = list(latest.values())
    services = {t["service"] for t in tariffs if t["owner_id"] == 0 and t["company_id"] is None}
    assert services == set(SERVICES)
    assert any(t["owner_id"] != 0 and t["company_id"] is None for t in tariffs)
    assert any(t["owner_id"] != 0 and t["company_id"] is not None for t in tariffs)
    assert any(t["owner_id"] == 0 and t["company_id"] is not None for t in tariffs)
    for t in tariffs:
        if t["service"].startswith("call_"):
            assert t["rounding_seconds"] in (1, 60)
    closed = [t for t in tariffs if t["valid_to"]]
    assert closed
    mid_month = [t for t in closed if t["valid_to"][8:10] not in ("01",)]
    assert mid_month
    for t in closed:
        assert any(
            n["valid_from"] == t["valid_to"] and n["service"] == t["service"] and n["owner_id"] == t["owner_id"]
            for n in tariffs
        )
    groups = defaultdict(list)
    for t in tariffs:
        groups[(t["owner_id"], t["company_id"], t["service"])].append(t)
    for rows in groups.values():
        rows.sort(key=lambda r: r["valid_from"])
        for a, b in zip(rows, rows[1:], strict=False):
            assert a["valid_to"] is not None and a["valid_to"] <= b["valid_from"]
    rates = list(valid_objects(export, "exchange_rates"))
    per_day = Counter(o["date"] for _, o in rates)
    assert set(per_day.values()) == {4}
    assert all(o["units_per_usd"] == "1.000000" for _, o in rates if o["currency"] == "USD")


def test_balance_transactions(clean):
    _, _, export = clean
    companies = {o["company_id"]: o for _, o in valid_objects(export, "companies")}
    packages = {o["package_id"]: o for _, o in valid_objects(export, "packages")}
    kinds = Counter()
    for _, t in valid_objects(export, "balance_transactions"):
        kinds[t["kind"]] += 1
        assert t["currency"] == companies[t["company_id"]]["currency"]
        amount = float(t["amount"])
        if t["kind"] in ("refill", "refund"):
            assert amount > 0
        if t["kind"] in ("package_activation", "package_renewal"):
            assert t["amount"] == "-" + packages[t["package_id"]]["price"]
        else:
            assert t["package_id"] is None
    for k in ("refill", "package_activation", "package_renewal", "adjustment"):
        assert kinds[k] > 0, k


def test_calls_widget_botapi(clean):
    _, _, export = clean
    calls = [o for _, o in valid_objects(export, "calls")]
    assert {c["direction"] for c in calls} == {"outbound", "inbound"}
    for c in calls:
        assert (c["answered_at"] is not None) == (c["disposition"] == "answered")
        assert c["ended_at"] >= c["started_at"]
    assert any(c["bot_id"] for c in calls)
    widgets = [o for _, o in valid_objects(export, "widget_events")]
    for w in widgets:
        assert (w["nps_score"] is not None) == (w["event_type"] == "nps_rating")
        assert (w["module_id"] is not None) == (w["event_type"] == "module_visit")
        assert (w["data_field"] is not None) == (w["event_type"] == "data_entered")
        if w["nps_score"] is not None:
            assert 1 <= w["nps_score"] <= 10
    assert len({w["event_type"] for w in widgets}) >= 20
    bot_api = [o for _, o in valid_objects(export, "bot_api_messages")]
    share = sum(b["is_billable"] for b in bot_api) / len(bot_api)
    assert 0.85 < share < 1


def test_weekly_and_daily_cycle(clean):
    _, _, export = clean
    by_hour = Counter()
    by_weekday = Counter()
    for _, m in valid_objects(export, "chat_messages"):
        if m["company_id"] == 1:  # America/New_York
            by_hour[int(m["sent_at"][11:13])] += 1
            by_weekday[date.fromisoformat(m["sent_at"][:10]).weekday()] += 1
    # 3-8 UTC is night in New York, 14-20 UTC is its afternoon
    assert sum(by_hour[h] for h in range(3, 9)) * 3 < sum(by_hour[h] for h in range(14, 20))
    assert by_weekday[6] < by_weekday[2]


def test_cli(tmp_path, capsys):
    assert main(["--landing", str(tmp_path), "--months", "1", "--seed", "5", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "notification_events" in out and "total" in out
    assert (tmp_path / "_manifest.json").is_file()


def test_widget_sessions_and_funnels(clean):
    _, _, export = clean
    by_visitor = defaultdict(list)
    for _, w in valid_objects(export, "widget_events"):
        by_visitor[(w["company_id"], w["visitor_id"])].append(w)
    sessions = 0
    follows = Counter()
    for events in by_visitor.values():
        events.sort(key=lambda w: (w["occurred_at"], w["event_id"]))
        prev = None
        for w in events:
            t = datetime.fromisoformat(w["occurred_at"].replace("Z", "+00:00"))
            if prev is None or (t - prev[0]).total_seconds() > 1800:
                sessions += 1
                assert w["event_type"] == SESSION_START
            elif w["event_type"] in ("pin_succeeded", "pin_failed", "web_push_doi", "reminder_doi"):
                follows[(prev[1], w["event_type"])] += 1
            prev = (t, w["event_type"])
    assert sessions > 100
    assert follows[("pin_sent", "pin_succeeded")] > 0
    assert set(follows) <= {
        ("pin_sent", "pin_succeeded"),
        ("pin_sent", "pin_failed"),
        ("web_push_soi", "web_push_doi"),
        ("reminder_soi", "reminder_doi"),
    }


def test_every_day_has_a_manifest_matching_its_files(dirty):
    landing, manifest, export = dirty
    for d in sorted(manifest["entities"]["companies"]):
        day_manifest = json.loads(manifest_path(landing, date.fromisoformat(d)).read_text())
        for entity in ENTITIES:
            assert day_manifest["entities"][entity] == {
                "lines": manifest["entities"][entity][d]["lines"],
                "files": {part_name(entity, 1): len(export[entity][d])},
            }, (entity, d)


def test_sample_data_is_never_written_over_a_folder_the_generator_did_not_create(tmp_path):
    from orchestration.generator import ForeignLandingFolder

    foreign = tmp_path / "landing"
    folder = day_folder_name(START)
    (foreign / "calls" / folder).mkdir(parents=True)
    (foreign / "calls" / folder / part_name("calls", 1)).write_bytes(b"real export")
    with pytest.raises(ForeignLandingFolder):
        generate(foreign, months=1)
    assert [p.name for p in foreign.rglob("*")] == ["calls", folder, part_name("calls", 1)]
    # make run (the pipeline) refuses too, before writing anything, and so does a foreign warehouse
    env = {**os.environ, "LANDING_PATH": str(foreign), "WAREHOUSE_PATH": str(tmp_path / "w.duckdb")}
    command = [sys.executable, "-m", "orchestration.pipeline", "--months", "1"]
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    assert (
        result.returncode == 2 and "REFUSED" in result.stderr and "not created by the sample generator" in result.stderr
    )
    assert not (tmp_path / "w.duckdb").exists()
    with duckdb.connect(str(tmp_path / "real.duckdb")) as con:
        con.execute("create table invoices as select 1 as id")
    env = {**env, "LANDING_PATH": str(tmp_path / "empty"), "WAREHOUSE_PATH": str(tmp_path / "real.duckdb")}
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    assert result.returncode == 2 and "was not created by a sample run" in result.stderr
    assert not (tmp_path / "empty").exists()
    with duckdb.connect(str(tmp_path / "real.duckdb"), read_only=True) as con:
        assert con.execute("show tables").fetchall() == [("invoices",)]


def test_the_generators_own_choices_agree_with_the_contract():
    """Dirt, activity mixes, prices and currencies are the generator's; the names they use are the contract's."""
    for entity, fields in DROPPABLE_FIELDS.items():
        assert entity in ENTITIES_EVENTS and set(fields) <= set(REQUIRED_FIELDS[entity]), entity
    assert set(DROPPABLE_FIELDS) == set(ENTITIES_EVENTS)
    for entity, (name, value) in UNKNOWN_ENUMS.items():
        assert value not in ENUMS[(entity, name)], (entity, name)
    assert set(TYPE_MIX) == set(ENUMS[("companies", "client_type")])
    assert list(catalog.PLATFORM_PRICES_USD) == list(SERVICES)
    assert set(catalog.CURRENCIES) <= set(CURRENCIES)
    for _pid, _name, currency, _price, units in catalog.PACKAGES:
        assert currency in catalog.CURRENCIES and set(units) <= set(SERVICES)
