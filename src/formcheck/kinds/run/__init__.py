"""`kind = run`: running and walking gait from a side, rear or front view.

spec (the KindSpec: cleaning, recognition, the analysis), settings, gait (the orchestration of the
stages), signals, classify (view, setting, gait type), swaps, events, rear (rear/front-view steps),
cadence, series, summary, rear_metrics, findings (result and prose), overlay (drawing data),
thresholds (ranges, coaching, sources).
"""
