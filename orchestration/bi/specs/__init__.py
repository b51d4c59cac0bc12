"""The dashboards, one module each: the only place a chart is defined (see docs/bi.md).

`python -m orchestration.bi generate` turns them into the committed bundle dashboards/.
"""

from orchestration.bi.specs import (
    account_usage,
    chats,
    customer_dynamics,
    engagement,
    invoices,
    notifications,
    reports,
    reseller_billing,
    telephony,
)

MODULES = [
    notifications,
    chats,
    engagement,
    telephony,
    invoices,
    reseller_billing,
    customer_dynamics,
    account_usage,
    reports,
]
DASHBOARDS = [module.DASHBOARD for module in MODULES]
