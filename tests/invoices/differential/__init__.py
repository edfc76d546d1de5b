"""The differential fuzzer: pdp against the official CEN EN 16931 artefacts (tests/invoices/artefacts/cen).

seeds.py (the CEN examples and unit-test fragments) → mutate.py (XML mutations) and model_gen.py (pdp's writers on
random model content) → generate.py (document i of a seed) → compare.py (what is compared, how an unreadable
document counts) → run.py (the command line, on 2 processes) and test_differential.py (CI, fixed seed, baseline.json).
"""
