"""Memory of the heaviest build steps stays bounded as history grows (issue 9: the large profile's full
build ran out of memory in fct_notifications and in the unique test of int_billable_usage).

Each test builds a synthetic history straight in DuckDB (the model's input tables, far larger than the
sample export) and runs the real model or test with dbt under a DuckDB memory limit well below what
holding that history needs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.conftest import PROJECT_DIR, run_dbt

MESSAGES = 1_500_000
# far below what grouping every message with ordered aggregates holds (about 1 GB for these messages)
MEMORY_LIMIT = "150MB"

# every 20th message starts a chain of three attempts (two fallbacks), every 40th a fallback arrives
# before its root; statuses, channels and times vary with the message number
MESSAGE_STATUSES_SQL = f"""
create table intermediate.int_notification_message_statuses as
with numbered as (
    select
        i,
        ['created', 'pending', 'delivered', 'undelivered', 'error', 'canceled', 'omitted_optional'][i % 7 + 1]
            as current_status,
        ['sms', 'viber', 'whatsapp', 'email', 'push'][i % 5 + 1] as channel,
        timestamp '2026-07-01' + to_seconds(i * 2) as created_at
    from range({MESSAGES}) as r(i)
)
select
    'message-' || i as message_id,
    cast(i % 97 as bigint) as company_id,
    channel,
    cast(i % 13 as bigint) as template_id,
    case
        when i % 20 in (1, 2) then 'message-' || (i - 1)
        when i % 40 = 3 then 'missing-' || i
    end as fallback_of,
    i % 3 = 0 as is_optional,
    case when i % 11 = 0 then created_at + interval 1 hour end as scheduled_for,
    cast(i % 4 + 1 as integer) as sms_segments,
    created_at,
    cast(created_at as date) as local_date,
    current_status,
    created_at + to_seconds(i % 90) as current_status_at,
    case when current_status not in ('created', 'omitted_optional') then created_at + interval 2 second end
        as first_sent_at,
    case when current_status = 'delivered' then created_at + to_seconds(i % 90) end as delivered_at,
    current_status not in ('created', 'omitted_optional') as is_sent,
    current_status = 'delivered' as has_delivered_event,
    current_status = 'omitted_optional' as has_omitted_event,
    case when current_status = 'error' then 'E' || (i % 5) end as error_code,
    cast(i % 4 as bigint) as status_event_count,
    cast(created_at as date) + cast(i % 3 as integer) as last_export_date
from numbered;

create table intermediate.int_notification_chains as
select
    message_id,
    case when fallback_of like 'missing-%' then fallback_of else 'message-' || (i - i % 20) end as root_message_id,
    case when i % 20 = 2 then 2 else 1 end as chain_depth
from (
    select message_id, fallback_of, cast(split_part(message_id, '-', 2) as bigint) as i
    from intermediate.int_notification_message_statuses
    where fallback_of is not null
);
"""

# The fold as fct_notifications computed it before (ordered aggregates over the members of every
# notification): the reference its output must equal.
FOLD_OF_EVERY_MESSAGE_SQL = """
with
messages as (select * from intermediate.int_notification_message_statuses),
chains as (select * from intermediate.int_notification_chains),
notifications as (
    select distinct coalesce(chains.root_message_id, messages.message_id) as notification_id
    from messages left join chains on messages.message_id = chains.message_id
),
member_keys as (
    select notification_id, notification_id as message_id, 0 as chain_depth from notifications
    union all
    select root_message_id, message_id, chain_depth from chains
),
members as (
    select member_keys.notification_id, member_keys.chain_depth, messages.*
    from member_keys inner join messages on member_keys.message_id = messages.message_id
)
select
    notification_id,
    first(company_id order by chain_depth, created_at, message_id) as company_id,
    first(channel order by chain_depth, created_at, message_id) as first_channel,
    coalesce(
        first(channel order by delivered_at, message_id) filter (where current_status = 'delivered'),
        first(channel order by chain_depth desc, created_at desc, message_id desc)
    ) as channel,
    first(message_id order by chain_depth desc, created_at desc, message_id desc) as final_message_id,
    case
        when first(channel order by delivered_at, message_id) filter (where current_status = 'delivered') is not null
            then 'delivered'
        else first(current_status order by chain_depth desc, created_at desc, message_id desc)
    end as status,
    first(template_id order by chain_depth, created_at, message_id) as template_id,
    first(scheduled_for order by chain_depth, created_at, message_id) as scheduled_for,
    first(local_date order by chain_depth, created_at, message_id) as local_date,
    min(delivered_at) filter (where current_status = 'delivered') as delivered_at,
    bool_or(chain_depth = 0) as is_root_present,
    bool_or(is_sent) as is_sent,
    min(first_sent_at) as first_sent_at,
    count(*) as message_count,
    cast(sum(case when channel = 'sms' then sms_segments else 0 end) as bigint) as sms_segments,
    max(last_export_date) as last_export_date
from members
group by notification_id
"""
COMPARED_COLUMNS = (
    "notification_id, company_id, first_channel, channel, final_message_id, status, template_id, scheduled_for,"
    " local_date, delivered_at, is_root_present, is_sent, first_sent_at, message_count, sms_segments,"
    " last_export_date"
)


@pytest.fixture
def memory_limit(monkeypatch):
    """dbt's DuckDB (profiles.yml) runs with a small memory limit and one thread."""
    monkeypatch.setenv("DUCKDB_MEMORY_LIMIT", MEMORY_LIMIT)
    monkeypatch.setenv("DUCKDB_THREADS", "1")
    return MEMORY_LIMIT


@pytest.mark.timeout(900)
def test_fct_notifications_full_refresh_does_not_hold_the_history_in_memory(tmp_path, memory_limit):
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema intermediate")
        con.execute(MESSAGE_STATUSES_SQL)
    run_dbt(warehouse, "run", "--select", "fct_notifications", "--full-refresh", target_path=tmp_path / "t")

    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows, chains = con.execute(
            "select count(*), count(*) filter (where message_count > 1) from notifications.fct_notifications"
        ).fetchone()
        differing = con.execute(
            f"select count(*) from ((select {COMPARED_COLUMNS} from notifications.fct_notifications"
            f" except all select {COMPARED_COLUMNS} from ({FOLD_OF_EVERY_MESSAGE_SQL}))"
            f" union all (select {COMPARED_COLUMNS} from ({FOLD_OF_EVERY_MESSAGE_SQL})"
            f" except all select {COMPARED_COLUMNS} from notifications.fct_notifications))"
        ).fetchone()[0]
    assert chains > 0 and rows > MESSAGES * 0.85
    assert differing == 0


@pytest.mark.timeout(900)
def test_unique_test_of_the_usage_finds_duplicates_within_the_memory_limit(tmp_path, memory_limit):
    warehouse = tmp_path / "warehouse.duckdb"
    usage_ids = 4_000_000
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema intermediate")
        # long ids as the real ones ('notification:' and a uuid), three of them duplicated
        con.execute(
            "create table intermediate.int_billable_usage as"
            " select 'notification:' || md5(cast(i as varchar)) || '-' || i as usage_id"
            f" from range({usage_ids}) as r(i)"
            " union all select 'notification:' || md5(cast(i as varchar)) || '-' || i"
            " from range(3) as r(i)"
        )
    result = dbt_allowing_failure(warehouse, tmp_path / "t", "test", "--select", "unique_int_billable_usage_usage_id")
    # the test ran to its end and reported the three duplicated ids (not an out-of-memory error)
    assert "Got 3 results" in result.stdout, result.stdout[-3000:]
    assert "Out of Memory" not in result.stdout


def dbt_allowing_failure(warehouse: Path, target: Path, *args: str) -> subprocess.CompletedProcess:
    """The project's dbt on a warehouse, its outcome returned (a data test that finds rows fails the run)."""
    env = {
        **os.environ,
        "WAREHOUSE_PATH": str(warehouse),
        "BILLING_LEDGER_PATH": str(warehouse.with_name("ledger.duckdb")),
        "DBT_TARGET_PATH": str(target),
    }
    command = [str(Path(sys.executable).parent / "dbt"), *args, "--project-dir", str(PROJECT_DIR), "--profiles-dir"]
    return subprocess.run([*command, str(PROJECT_DIR)], env=env, cwd=PROJECT_DIR, capture_output=True, text=True)


# contact days of one channel added to the sample's, within the month of its last day (so in every period
# from the week to the year a daily run recomputes)
CONTACT_DAYS = 2_000_000
# these models passed at 220MB and ran out of memory at 600MB before (one thread)
ACCOUNT_USAGE_MEMORY_LIMIT = "400MB"


@pytest.mark.timeout(900)
def test_account_usage_counts_long_periods_within_the_memory_limit(
    built_warehouse, tmp_path, memory_limit, monkeypatch
):
    """A daily run recomputes the week, month, quarter and year around its day; on the large profile's last day
    (half a year of contacts) the semi join filtering the periods hashed every contact day of the period, and the
    distinct counts held every contact, neither able to spill. The chat period-days models now rebuild the 20
    days of new contact days (a million contacts first seen there) and look up their earlier sightings."""
    monkeypatch.setenv("DUCKDB_MEMORY_LIMIT", ACCOUNT_USAGE_MEMORY_LIMIT)
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(built_warehouse, warehouse)
    with duckdb.connect(str(warehouse)) as con:
        last_date, last_export = con.execute(
            "select max(local_date), max(last_export_date) from intermediate.int_chat_contact_days"
        ).fetchone()
        company_id, platform, chat_config_id = con.execute(
            "select company_id, platform, chat_config_id from intermediate.int_chat_contact_days"
            " where not is_test_channel order by all limit 1"
        ).fetchone()
        con.execute(
            "insert into intermediate.int_chat_contact_days by name"
            " select views.time_zone, ?::date - cast(i % 20 as integer) as local_date, ? as company_id,"
            " ? as platform, ? as chat_config_id, false as is_test_channel, 1000000000 + i // 2 as chat_id,"
            " i % 40 as agent_id, 2 as messages, 1 as inbound_messages, 1 as outbound_messages,"
            " 0 as proactive_messages, ?::date as last_export_date"
            f" from range({CONTACT_DAYS}) as r(i)"
            " cross join (select distinct time_zone from intermediate.int_chat_contact_days) as views",
            [last_date, company_id, platform, chat_config_id, last_export],
        )
        expected = con.execute(
            "select count(distinct chat_id) from intermediate.int_chat_contact_days"
            " where company_id = ? and not is_test_channel and time_zone = 'Company local time'"
            " and date_trunc('year', local_date) = date_trunc('year', ?::date)",
            [company_id, last_date],
        ).fetchone()[0]

    run_dbt(
        warehouse,
        "run",
        "--select",
        "int_chat_channel_days",
        "int_chat_company_days",
        "fct_account_usage",
        "fct_account_usage_by_platform",
        target_path=tmp_path / "t",
    )

    with duckdb.connect(str(warehouse), read_only=True) as con:
        year_contacts = con.execute(
            "select unique_contacts from account_usage.fct_account_usage where period_grain = 'year'"
            " and time_zone = 'Company local time' and company_id = ? and period_start = date_trunc('year', ?::date)",
            [company_id, last_date],
        ).fetchone()[0]
        channel_contacts = con.execute(
            "select unique_contacts, active_agents from account_usage.fct_account_usage_by_platform"
            " where period_grain = 'year' and time_zone = 'Company local time' and chat_config_id = ?"
            " and period_start = date_trunc('year', ?::date)",
            [chat_config_id, last_date],
        ).fetchone()
    assert year_contacts == expected > CONTACT_DAYS // 2
    assert channel_contacts[0] > CONTACT_DAYS // 2 and channel_contacts[1] >= 40
