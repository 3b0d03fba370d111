"""Booking rules: whether a planned assessment keeps to the specification's dates and limits.

Everything here is computed from a :class:`~openepa.rules.model.Specification` and a
:class:`~openepa.rules.booking.context.Plan` (the dates known for one apprentice); nothing
imports Django and nothing reads the clock: the day a check is made is always passed in.

- :mod:`~openepa.rules.booking.context`: the plan, its bookings and the events they date;
- :mod:`~openepa.rules.booking.ranges`: the days a time rule allows, and the EPA window;
- :mod:`~openepa.rules.booking.findings`: what a check returns and how its message is written;
- :mod:`~openepa.rules.booking.time_checks`: the time rules, one function each;
- :mod:`~openepa.rules.booking.method_checks`: the order, length and mode of the methods;
- :mod:`~openepa.rules.booking.checks`: :func:`check_booking` and :func:`check_plan`;
- :mod:`~openepa.rules.booking.deadlines`: the dates the rules produce, for the timeline;
- :mod:`~openepa.rules.booking.clashes`: two assessments of one person overlapping.

Import each name from the module that owns it: this package re-exports nothing.
"""
