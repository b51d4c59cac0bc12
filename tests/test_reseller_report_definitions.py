"""The reseller report's definitions on hand-made rows: a real DuckDB and a real dbt run of the model.

The model reads its services from the seeds when it runs (a dbt unit test cannot mock that), so the
upstream relations are made by hand in a fresh warehouse and only the seeds and the report are built.
"""

from __future__ import annotations

from decimal import Decimal

import duckdb

from tests.conftest import run_dbt

UPSTREAM = """
create schema staging; create schema intermediate; create schema telephony; create schema chats;
create table staging.stg_platform__companies as
select * from (values
    (1, 'Reseller', null, 'USD', timestamp '2025-01-01'),
    (2, 'Busy', 1, 'USD', timestamp '2025-01-01'),
    (3, 'Idle', 1, 'EUR', timestamp '2025-01-01')
) t(company_id, company_name, parent_company_id, currency, created_at);
create table intermediate.int_billing_usage_monthly as
select * from (values
    (1, 2, date '2025-03-01', 'sms', 2, 0, 2, 0, 'USD', 'USD'),
    (1, 2, date '2025-03-01', 'call_outbound', 1, 0, 1, 60, 'USD', 'USD'),
    (1, 2, date '2025-03-01', 'chat_alice', 3, 0, 3, 0, 'USD', 'USD')
) t(reseller_id, company_id, billing_month, service, usage_count, delivered_count, usage_quantity, talk_seconds,
    company_currency, wholesale_currency);
create table intermediate.int_billing_period_lines as
select * from (values
    (2, date '2025-03-01', 'sms', 'usage', 0.2), (2, date '2025-03-01', 'sms', 'wholesale', 0.1),
    (2, date '2025-03-01', 'call_outbound', 'usage', 1.0), (2, date '2025-03-01', 'call_outbound', 'wholesale', 0.5),
    (2, date '2025-03-01', 'chat_alice', 'usage', 0.3), (2, date '2025-03-01', 'chat_alice', 'wholesale', 0.15)
) t(usage_company_id, billing_month, service, line_kind, amount);
-- two outgoing calls, one answered: the page's "Calls" counts both, the price is for the answered one
create table telephony.fct_calls as
select * from (values (2, date '2025-03-04', 'outbound', 60.0), (2, date '2025-03-05', 'outbound', 0.0))
    t(company_id, local_date, direction, duration_seconds);
create table chats.fct_chat_messages as
select * from (values
    (2, date '2025-03-04', 'operator', true), (2, date '2025-03-04', 'bot', true),
    (2, date '2025-03-04', 'user', true), (2, date '2025-03-04', 'user', false)
) t(company_id, local_date, sender_type, is_alice);
create table intermediate.int_account_transactions as
select * from (values (2, date '2025-03-02', 'package_activation', -10.0), (2, date '2025-03-02', 'refill', 50.0))
    t(company_id, local_date, transaction_type, amount);
"""


def test_reseller_report_follows_the_page(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute(UPSTREAM)
    run_dbt(warehouse, "seed", "-s", "services", "channels", target_path=tmp_path / "target")
    run_dbt(warehouse, "run", "-s", "rpt_reseller_companies", target_path=tmp_path / "target")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        con.execute(
            """
            select company_id, has_expenses, call_outbound_calls, call_outbound_seconds, call_outbound_billable_calls,
                chat_alice_messages, chat_alice_operator_messages, chat_alice_bot_messages, chat_alice_user_messages,
                text_messaging_retail, text_messaging_wholesale, chat_retail, chat_wholesale,
                telephony_legacy_retail, telephony_legacy_wholesale, telephony_new_retail, bot_service_retail,
                total_retail, total_wholesale, package_fees, total_earned
            from billing.rpt_reseller_companies order by company_id
            """
        )
        columns = [d[0] for d in con.description]
        rows = [dict(zip(columns, row, strict=True)) for row in con.fetchall()]
    busy, idle = rows
    assert busy["has_expenses"] and not idle["has_expenses"], "a dependent without usage has a row of its own"
    assert (busy["call_outbound_calls"], busy["call_outbound_seconds"], busy["call_outbound_billable_calls"]) == (
        2,
        60,
        1,
    )
    assert [busy[f"chat_alice_{s}_messages"] for s in ("operator", "bot", "user")] == [1, 1, 1]
    assert busy["chat_alice_messages"] == 3
    money = {k: v for k, v in busy.items() if isinstance(v, Decimal)}
    assert money == {
        "text_messaging_retail": Decimal("0.2"),
        "text_messaging_wholesale": Decimal("0.1"),
        "chat_retail": Decimal("0.3"),
        "chat_wholesale": Decimal("0.15"),
        "telephony_legacy_retail": Decimal("1.0"),
        "telephony_legacy_wholesale": Decimal("0.5"),
        "telephony_new_retail": Decimal("0"),
        "bot_service_retail": Decimal("0"),
        "total_retail": Decimal("1.5"),
        "total_wholesale": Decimal("0.75"),
        "package_fees": Decimal("10"),
        "total_earned": Decimal("11.5"),
    }
    assert idle["call_outbound_calls"] == 0 and idle["total_earned"] == 0
