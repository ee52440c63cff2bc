"""The analyses: one module each (wall, plank, running), implementing the contract in `analysis.py`."""
