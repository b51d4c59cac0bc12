"""Scale profiles and the shape of activity: per-profile volumes, per-client-type mix, hours and weekdays."""

from __future__ import annotations

import numpy as np

# Nominal activity per day and number of companies. Nights and weekends bring the real mean to ~0.69 of
# events_per_day: small ~1.6k events/day, medium ~110k/day (~10M in 3 months), large ~275k/day (~100M in
# 12 months), all event entities (notification_events included) together.
PROFILES: dict[str, dict] = {
    "small": {"companies": 12, "events_per_day": 2_500, "visitor_pool": 300},
    "medium": {"companies": 60, "events_per_day": 160_000, "visitor_pool": 20_000},
    "large": {"companies": 250, "events_per_day": 400_000, "visitor_pool": 60_000},
}
# What each client type does, relative to an ordinary client.
TYPE_MIX = {
    "client": {"notif": 1.0, "chat": 1.0, "widget": 1.0, "call": 0.3, "botapi": 0.6},
    "reseller": {"notif": 0.3, "chat": 0.3, "widget": 0.2, "call": 0.1, "botapi": 0.2},
    "calling_card": {"notif": 0.1, "chat": 0.05, "widget": 0.0, "call": 6.0, "botapi": 0.0},
    "call_shop": {"notif": 0.05, "chat": 0.0, "widget": 0.0, "call": 5.0, "botapi": 0.0},
}
# Local-hour activity profile (0h..23h) and weekend factor.
DIURNAL = np.array(
    [0.12, 0.08, 0.06, 0.05, 0.05, 0.08, 0.2, 0.45, 0.8, 1.0, 1.1, 1.15]
    + [1.1, 1.05, 1.1, 1.1, 1.05, 0.95, 0.8, 0.7, 0.6, 0.45, 0.3, 0.2]
)
DIURNAL = DIURNAL / DIURNAL.sum()
WEEKEND_FACTOR = 0.55
