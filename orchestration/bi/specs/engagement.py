"""Chatbot engagement dashboard (the analytics page): an Overview tab and a Drill-down tab of process modules."""

from orchestration.bi.specs.base import (
    PERIOD,
    Chart,
    Dashboard,
    Dataset,
    Tab,
    counter,
    counters,
    select,
    selects,
    time_grain,
)
from orchestration.bi.specs.quick_help import ENGAGEMENT_HELP

TILES = [
    "web_push_asked",
    "participations",
    "advent_doors_opened",
    "pins_sent",
    "pins_succeeded",
    "pins_failed",
    "customers_deleted",
    "data_entered",
    "nps_ratings",
]
SHARES = ["shares_facebook", "shares_email", "shares_native", "shares_twitter", "shares_whatsapp"]
OPT_INS = ["web_push_soi", "web_push_doi", "reminder_soi", "reminder_doi"]
# The year-change marker: a point at the height of the highest sessions value, in the first time bucket of
# each new year (whatever the time grain); empty elsewhere. A series of the chart itself, so Superset draws it
# without an annotation layer (those are stored in Superset, not in the bundle, and refer to numeric ids).
YEAR_CHANGE_SQL = (
    "case when year(max(local_date)) <> lag(year(max(local_date))) over (order by max(local_date))"
    " then max(sum(sessions)) over () end"
)
engagement = Dataset(
    "engagement",
    "fct_engagement_daily",
    "local_date",
    {
        "sessions": "sum(sessions)",
        "sessions_with_conversation": "sum(sessions_with_conversation)",
        "bounces": "sum(bounces)",
        "bounce_rate": "sum(bounces)::double / nullif(sum(sessions), 0)",
        "chat_starts": "sum(chat_starts)",
        "new_customers": "sum(new_customers)",
        **{column: f"sum({column})" for column in [*OPT_INS, *SHARES]},
        "screen_time_minutes": "sum(screen_time_minutes)",
        **{column: f"sum({column})" for column in TILES},
        "year_change": YEAR_CHANGE_SQL,
    },
    {"bounce_rate": ".1%", "screen_time_minutes": ",.0f"},
    {
        **ENGAGEMENT_HELP,
        "year_change": "Year change: a marker in the first period of each new year.",
    },
)
sessions = Dataset(
    "engagement",
    "fct_widget_sessions",
    "local_date",
    {"participants": "count(distinct visitor_id) filter (where has_chat_start)"},
    descriptions={"participants": "Participants: distinct customers who started the chat in the selected period."},
)
cumulative = Dataset(
    "engagement",
    "fct_engagement_cumulative",
    "local_date",
    {
        "cumulative_sessions": "sum(cumulative_sessions)",
        "cumulative_chat_starts": "sum(cumulative_chat_starts)",
        "cumulative_participants": "sum(cumulative_new_participants)",
        "cumulative_new_customers": "sum(cumulative_new_customers)",
    },
    descriptions={
        "cumulative_sessions": "Running totals since the beginning of the data (not of the selected period);"
        " participants count each customer once, on the first chat start ever.",
    },
)
funnel = Dataset(
    "engagement",
    "fct_engagement_funnel",
    "local_date",
    {"step_value": "sum(step_value)"},
    descriptions={"step_value": "The KPIs as a funnel: sessions, conversations, chat starts, sign-ups, opt-ins."},
)
module_visits = Dataset(
    "engagement",
    "fct_engagement_module_visits",
    "local_date",
    {"visits": "sum(visits)"},
    descriptions={"visits": "Visits per module of the experience and week (the drill-down heatmap)."},
)
data_entered = Dataset(
    "engagement",
    "fct_engagement_data_entered",
    "local_date",
    {"entries": "sum(entries)"},
    descriptions={
        "entries": "Data entered by customers, per field (e.g. a postal address): how often each was entered."
    },
)
NPS_SQL = (
    "100.0 * (sum(ratings) filter (where nps_category = 'promoter')"
    " - coalesce(sum(ratings) filter (where nps_category = 'detractor'), 0))"
    " / nullif(sum(ratings), 0)"
)
nps = Dataset(
    "engagement",
    "fct_engagement_nps",
    "local_date",
    {"ratings": "sum(ratings)", "nps": NPS_SQL},
    {"nps": ",.1f"},
    {
        "ratings": "NPS ratings: detractors score 1-6, passives 7-8, promoters 9-10.",
        "nps": "Net Promoter Score = % promoters - % detractors of the ratings.",
    },
)

CUMULATIVE_CHART = "Cumulative sessions, chat starts, participants"
FROM_PERIOD_START = ["sessions", "sessions_with_conversation", "chat_starts", "new_customers"]
KPIS_OVER_TIME = ["sessions", "sessions_with_conversation", "new_customers", *OPT_INS, "year_change"]
STACKED = {"stack": "Stack"}
MODULE_ORDER = " Modules are in the order of their ids within the experience: the export carries no module sequence."

OVERVIEW = [
    [
        *counters(
            engagement,
            {
                "Chatbot sessions": "sessions",
                "Sessions with conversation": "sessions_with_conversation",
                "Bounces": "bounces",
                "Bounce rate": "bounce_rate",
                "Chat starts": "chat_starts",
            },
            width=2,
        ),
        counter("Participants", sessions, "participants", width=2),
    ],
    counters(
        engagement,
        {
            "Screen time (min)": "screen_time_minutes",
            "New customers": "new_customers",
            "Asked for web push": "web_push_asked",
            "Participations": "participations",
            "Advent calendar opened": "advent_doors_opened",
            "Customers deleted": "customers_deleted",
        },
    ),
    [
        *counters(
            engagement,
            {
                "PIN e-mails sent": "pins_sent",
                "PIN succeeded": "pins_succeeded",
                "PIN failed": "pins_failed",
                "Data entered": "data_entered",
                "NPS ratings": "nps_ratings",
            },
            width=2,
        ),
        counter("NPS score", nps, "nps", width=2),
    ],
    [
        Chart(
            "KPIs over time",
            "line",
            engagement,
            KPIS_OVER_TIME,
            width=8,
            extra={"markerEnabled": True, "markerSize": 4},
            description="Sessions, sessions with interaction, new customers and the opt-ins (web push and reminder,"
            " single and double) over time. Year change: the point at the top marks the first period of a new year.",
        ),
        Chart("Engagement funnel", "funnel", funnel, ["step_value"], ["step_name"], width=4),
    ],
    [
        Chart(
            "KPIs cumulated from the period start",
            "line",
            engagement,
            FROM_PERIOD_START,
            width=6,
            cumulative=True,
            description="Running totals of sessions, sessions with conversation, chat starts and new customers"
            " from the start of the selected period (the chart beside it starts at the beginning of the data)."
            " Participants are distinct customers and do not add up from day to day: see the Participants tile.",
        ),
        Chart(
            CUMULATIVE_CHART,
            "line",
            cumulative,
            ["cumulative_sessions", "cumulative_chat_starts", "cumulative_participants", "cumulative_new_customers"],
            width=6,
        ),
    ],
    [
        Chart(
            "Sessions, conversations and bounces over time",
            "bar",
            engagement,
            ["sessions_with_conversation", "bounces"],
            width=6,
            extra=STACKED,
        ),
        Chart("Opt-ins over time", "bar", engagement, OPT_INS, width=6, grain="P1W", extra=STACKED),
    ],
    [
        Chart("Sessions by device", "pie", engagement, ["sessions"], ["device"], width=3),
        Chart(
            "Log-in attempts with code",
            "cat_bar",
            engagement,
            ["pins_sent", "pins_succeeded", "pins_failed"],
            x="device",
            width=4,
            description="PIN e-mails sent, PINs entered correctly and incorrectly, by device.",
        ),
        Chart("Data entered by field", "cat_bar", data_entered, ["entries"], x="data_field", width=5),
    ],
    [
        Chart("NPS segments", "pie", nps, ["ratings"], ["nps_category"], width=4),
        Chart("Ratings by NPS score", "cat_bar", nps, ["ratings"], x="nps_score", width=4),
        Chart("Shares by network", "cat_bar", engagement, SHARES, x="device", width=4),
    ],
]
DRILL_DOWN = [
    [
        Chart(
            "Module visits heatmap (module x week)",
            "heatmap",
            module_visits,
            ["visits"],
            ["module_id"],
            x="local_date",
            grain="P1W",
            width=12,
            height=80,
            description="How often each module of the experience was shown, per week (the drill-down heatmap)."
            + MODULE_ORDER,
        ),
    ],
    [
        Chart(
            "Module drill-down",
            "pivot",
            module_visits,
            ["visits"],
            ["experience_id", "module_id"],
            width=5,
            height=80,
            extra={"rowOrder": "key_a_to_z"},
            description="Visits per module, experience by experience; choose modules with the Module filter."
            + MODULE_ORDER,
        ),
        Chart(
            "Module visits over time",
            "line",
            module_visits,
            ["visits"],
            ["module_id"],
            width=7,
            height=80,
            description="Visits of each module over time: pick modules with the Module filter to analyse them.",
        ),
    ],
]

DASHBOARD = Dashboard(
    "Chatbot engagement",
    "engagement",
    rows=[],
    tabs=[Tab("Overview", OVERVIEW), Tab("Drill-down", DRILL_DOWN)],
    filters=[
        PERIOD,
        # the cumulative series are running totals per day: a coarser grain would add them up
        time_grain(engagement, exclude=(CUMULATIVE_CHART,)),
        *selects(engagement, {"Company": "company_id", "Chatbot experience": "experience_id", "Device": "device"}),
        select("Module", module_visits, "module_id", description="The modules of the drill-down tab."),
    ],
)
