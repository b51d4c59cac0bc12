import sys

from orchestration.bi.cli import main

sys.exit(main())
