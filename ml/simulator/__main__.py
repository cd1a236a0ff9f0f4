"""`python -m simulator` = `python -m simulator.simulate`."""
import sys

from simulator.simulate import main

sys.exit(main())
