"""Chorus Pro request and response bodies, with the service's own field spellings (docs/chorus-pro-api.md §3).

Python attributes are snake_case; ``rename="camel"`` gives the wire names, and the few names that are not
plain camelCase (``montantTVA``, ``idStructureCPP``, ``numeroEJDoitEtreRenseigne``…) are spelt out. Every
response field is optional: Chorus sends ``null`` or omits fields freely, and a client that crashed on a
missing field would turn a harmless answer into an outage.
"""
