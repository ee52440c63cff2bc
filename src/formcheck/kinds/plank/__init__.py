"""`kind = plank`: plank hold analysis (forearm, high, knee and side planks).

spec (the KindSpec), settings, recognise, measure (pure numpy: PoseSequence -> PlankMeasurement),
body (per-frame body line, variant, hold, faults, steadiness, score), result (metrics, events,
series), findings (prose), overlay (drawing data), thresholds (with their sources).
"""
