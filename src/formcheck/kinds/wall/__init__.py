"""`kind = wall`: the wall test (lumbar gap) and standing posture from a side photo or clip.

spec (the KindSpec), settings, recognise, measure (pure numpy: PoseSequence + masks -> measures),
geometry and contour (the outline's geometry), findings (prose), overlay (drawing data), thresholds
(ranges and thresholds with their sources).
"""
