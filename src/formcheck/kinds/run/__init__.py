"""`kind = run`: running and walking gait from a side, rear or front view.

spec (the KindSpec), settings, cleaning (the gait's cleaning, once), gait (the stages in order):
view and periodicity (stage 1), swaps (2), events and rear (3), cadence (4), steps, rear_steps and
rows (5), summary and classify (6), reliability (7); signals and series (shared signals and
per-frame quantities), findings (result and prose), overlay (drawing data), thresholds (every
number with its source, the reference ranges and coaching).
"""
