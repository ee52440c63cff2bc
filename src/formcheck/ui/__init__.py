"""The Streamlit front end: `app.py` lists the pages, each page (`pages`) lays out its panels, one
function per panel in its own module.

pages:    the Analyse, Compare and How to film pages
inputs:   the settings (main column, from the settings' metadata) and what to analyse (upload or example)
runner:   analyse with a progress bar, served from a disk cache keyed by file hash + settings
results:  the annotated media with its video tools, metric cards, findings, charts, tables, reliability, downloads
video:    the video tools (a component in frontend/media_tools): seek to steps, events, key frames; frame steps
compare:  two analyses side by side, in sync, with a phone-width difference table
guide:    how to film or photograph each analysis
errors:   library errors as a message and what to do, never a traceback

Modules without Streamlit calls (`view`, `cache`, `examples`, `formatting`, `charts`) hold the logic the
panels display, so that it can be tested without a browser.
"""
