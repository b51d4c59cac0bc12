"""The sample's fixed cast: core companies, names, packages, prices and currencies the world is built from."""

from __future__ import annotations

from orchestration.contract import SERVICES

CORE_COMPANIES = [
    # id, name, type, ccy, tz, country, parent, is_test, tags
    (1, "Acme Retail Inc", "client", "USD", "America/New_York", "US", None, False, ["retail", "enterprise"]),
    (2, "Nordwind Telecom GmbH", "reseller", "EUR", "Europe/Berlin", "DE", None, False, ["reseller"]),
    (3, "Berliner Backhaus", "client", "EUR", "Europe/Berlin", "DE", 2, False, ["food"]),
    (4, "London Lettings Ltd", "client", "GBP", "Europe/London", "GB", 2, False, ["real_estate"]),
    (5, "Alatau Foods", "client", "KZT", "Asia/Almaty", "KZ", 2, False, ["food", "smb"]),
    (6, "Steppe Calling Card", "calling_card", "KZT", "Asia/Almaty", "KZ", None, False, ["telephony"]),
    (7, "Almaty Call Shop", "call_shop", "KZT", "Asia/Almaty", "KZ", None, False, ["telephony"]),
    (8, "QA Sandbox", "client", "USD", "UTC", "US", None, True, ["internal", "test"]),
    (9, "Thames Insurance Ltd", "client", "GBP", "Europe/London", "GB", None, False, ["insurance"]),
    (10, "Globex Logistics", "client", "USD", "UTC", "US", None, False, ["logistics"]),
]
EXTRA_GEO = [
    ("USD", "America/New_York", "US"),
    ("USD", "America/Chicago", "US"),
    ("EUR", "Europe/Berlin", "DE"),
    ("EUR", "Europe/Paris", "FR"),
    ("GBP", "Europe/London", "GB"),
    ("KZT", "Asia/Almaty", "KZ"),
    ("USD", "UTC", "US"),
]
NAME_A = ["Blue", "Nova", "Polar", "Cedar", "Vertex", "Sunny", "Iron", "Silver", "Urban", "Prime", "Atlas"]
NAME_B = ["Pharmacy", "Bank", "Motors", "Travel", "Clinic", "Market", "Games", "Energy", "Academy", "Foods"]

PACKAGES = [
    (1, "Start USD", "USD", "49.00", {"sms": 1000, "chat_operator": 500}),
    (
        2,
        "Business USD",
        "USD",
        "199.00",
        {"sms": 5000, "whatsapp": 2000, "chat_operator": 3000, "chat_bot": 5000},
    ),
    (3, "Start EUR", "EUR", "45.00", {"sms": 800, "chat_operator": 500}),
    (4, "Business EUR", "EUR", "179.00", {"sms": 4000, "viber": 2000, "chat_bot": 4000}),
    (5, "Start GBP", "GBP", "39.00", {"sms": 700, "email": 10000}),
    (6, "Voice KZT", "KZT", "22000.00", {"call_outbound": 3000, "call_inbound": 1000}),
    (7, "Start KZT", "KZT", "19900.00", {"sms": 900, "chat_operator": 400}),
]
CORE_PACKAGES = {1: 2, 3: 3, 4: 5, 6: 6, 9: 5}

# The platform's default price per unit, in USD, for every service of the contract.
_PRICE_USD = {
    "sms": 0.0425,
    "viber": 0.0210,
    "whatsapp": 0.0350,
    "email": 0.0008,
    "push": 0.0002,
    "chat_operator": 0.0100,
    "chat_bot": 0.0040,
    "chat_user": 0.0020,
    "chat_alice": 0.0060,
    "call_outbound": 0.0300,
    "call_inbound": 0.0120,
    "bot_api": 0.0030,
}
PLATFORM_PRICES_USD = {service: _PRICE_USD[service] for service in SERVICES}
CURRENCIES = ("USD", "EUR", "GBP", "KZT")
RATE_START = {"USD": 1.0, "EUR": 0.92, "GBP": 0.79, "KZT": 478.0}
CCY_SCALE = {"USD": 1.0, "EUR": 1.0, "GBP": 1.0, "KZT": 500.0}
