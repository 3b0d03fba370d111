"""The kernel: what every domain app needs and nothing domain-specific.

The clock (:mod:`.clock`), a registration's specification (:mod:`.specs`), domain events
(:mod:`.events`) and the GOV.UK form helpers (:mod:`.forms`). The words people read for a
specification's ids are :mod:`openepa.rules.labels`, shown by the ``labels`` template library
of :mod:`openepa.specifications`. It imports only :mod:`openepa.rules`, the stored specifications
(:mod:`openepa.specifications`) and Django.
"""
