"""Pure-Python rules of end-point assessment: specifications, grading, word counts.

Nothing in this package imports Django; the web application and the command line both
call it.
"""
