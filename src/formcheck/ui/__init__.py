"""The Streamlit front end, one module per panel (`app.py` only calls them).

inputs:   the sidebar settings and the choice of what to analyse (upload or bundled example)
runner:   analyse with a progress bar, served from a disk cache keyed by file hash + settings
results:  the annotated media, metric cards, findings, charts, tables, reliability and downloads
compare:  two analyses of the same kind side by side
guide:    how to film or photograph each analysis
errors:   library errors as a message and what to do, never a traceback

Modules without Streamlit calls (`view`, `cache`, `examples`, `formatting`) hold the logic the
panels display, so that it can be tested without a browser.
"""
