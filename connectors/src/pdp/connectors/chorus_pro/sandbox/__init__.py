"""A Chorus Pro sandbox emulator (``pdp sandbox``): PISTE's token endpoint and the ``/cpro`` API, in memory.

It stands in for the PISTE qualification sandbox the way LocalStack stands in for AWS: a directory seeded like
the qualification "matelas de données", asynchronous flux integration with Chorus's own checks, buyer status
schedules on a virtual clock, and a control API (``/_sandbox``) for faults, rate limits and a request ledger.
Build it with :func:`pdp.connectors.chorus_pro.sandbox.app.create_app`, injecting a :class:`.reading.DepositReader`.
"""
