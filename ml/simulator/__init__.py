"""Closer's SYNTHETIC sales-world simulator: seeded, reproducible B2B sales data as CloudEvents.

Everything it makes is synthetic (CloudEvent `source` "closer/simulator"). Standard library only.
Run `python -m simulator.simulate --help` from ml/; the generative process is documented in ml/SIMULATOR.md.
"""
__version__ = "1.0.0"
SOURCE = "closer/simulator"
