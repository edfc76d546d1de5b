"""The document stream: document ``i`` of syntax ``s`` under seed ``S`` depends on (S, s, i) only, so any worker can
make any document and a run is reproduced by its seed, whatever the number of processes.

The mix: 30 % written by pdp from random model content (model_gen), 50 % a CEN example with 1 to 4 XML mutations,
20 % a CEN unit test's fragment as is or with 1 or 2 mutations (CII has few fragments: its examples' group removals
stand in for them).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache

from tests.invoices.differential.model_gen import generated
from tests.invoices.differential.mutate import CodePool, attribute_pool, mutate
from tests.invoices.differential.seeds import Seed, examples, seeds


@dataclass(frozen=True, slots=True)
class Document:
    name: str
    syntax: str
    xml: bytes


@cache
def pool(syntax: str) -> CodePool:
    documents = [seed.xml for seed in seeds(syntax)]
    codes = CodePool(documents)
    attribute_pool(codes, documents)
    return codes


@cache
def fragments(syntax: str) -> tuple[Seed, ...]:
    return tuple(seed for seed in seeds(syntax) if seed.fragment)


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_.#" else "_" for c in name)[:150]


def document(seed: int, syntax: str, index: int) -> Document:
    rng = random.Random(f"{seed}:{syntax}:{index}")
    roll = rng.random()
    if roll < 0.3:
        try:
            xml, done = generated(rng, syntax)
        except Exception as exc:
            return Document(f"{index:06d}-writer-error-{type(exc).__name__}", syntax, b"")
        return Document(_safe(f"{index:06d}-{'+'.join(done)}"), syntax, xml)
    if roll < 0.8 or not fragments(syntax):
        base = rng.choice(examples(syntax))
        count = rng.randint(1, 4)
    else:
        base = rng.choice(fragments(syntax))
        count = rng.choice((0, 1, 2))
    xml, done = mutate(rng, base.xml, pool(syntax), count)
    return Document(_safe(f"{index:06d}-{base.name.rsplit('.', 1)[0]}-{'+'.join(done) or 'as-is'}"), syntax, xml)
