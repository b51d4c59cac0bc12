"""Generator of the platform's daily export (docs/export-format.md): realistic, dirty, deterministic samples.

Writes ``<landing>/<entity>/date=YYYY-MM-DD/<entity>-0001.jsonl.gz`` for every entity of the contract, one
folder per export day, then the day's manifest ``<landing>/_days/YYYY-MM-DD.json`` (docs/landing-layout.md),
plus ``<landing>/_manifest.json``. Deterministic for a given seed.

    uv run python -m orchestration.generator --profile small --months 3
    uv run python -m orchestration.generator --landing /tmp/landing --profile medium --seed 7

Modules, in the order a run uses them: profiles (scale and activity shape), catalog (the fixed cast),
world + pricing (companies, channels, bots, packages, tariffs, rates), day (one day's sampling), one module
per event domain (notifications, chats, widget, calls, bot_api, balance), dirt, export (files and day
manifests), run (a whole run and its summary manifest), cli.
"""

from orchestration.generator.cli import main
from orchestration.generator.export import SAMPLE_MARKER, ForeignLandingFolder, claim_landing
from orchestration.generator.profiles import PROFILES
from orchestration.generator.run import generate

__all__ = ["PROFILES", "SAMPLE_MARKER", "ForeignLandingFolder", "claim_landing", "generate", "main"]
