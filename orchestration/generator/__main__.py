import sys

from orchestration.generator.cli import main

sys.exit(main())
