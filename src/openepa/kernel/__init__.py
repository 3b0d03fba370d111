"""The kernel: what every domain app needs and nothing domain-specific.

The clock (:mod:`.clock`), a registration's specification (:mod:`.specs`), the words people
read for a specification's ids (:mod:`.labels`), domain events (:mod:`.events`) and the GOV.UK
form helpers (:mod:`.forms`). It imports only :mod:`openepa.rules`, the stored specifications
(:mod:`openepa.specifications`) and Django.
"""
