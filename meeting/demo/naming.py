"""Names and phone numbers for the demo roster, drawn from the built-in tables with a seeded Random."""
from __future__ import annotations

import random
from itertools import accumulate

from meeting.demo import names_zh as zh
from meeting.demo.model import PHONE_PREFIX


class Names:
    """Person and village names drawn from the built-in tables."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.surnames = [s for s, _ in zh.SURNAMES]
        self.cum = list(accumulate(w for _, w in zh.SURNAMES))
        self.used_villages: set[str] = set()

    def people(self, n: int, male_percent: int) -> list[str]:
        """`n` full names; given names of one or two characters."""
        # rng.random() rather than randrange/choice: this loop runs ~300,000 times at scale 1.
        rand = self.rng.random
        surnames = self.rng.choices(self.surnames, cum_weights=self.cum, k=n)
        male, female, p_male = zh.GIVEN_MALE, zh.GIVEN_FEMALE, male_percent / 100
        out = []
        for surname in surnames:
            chars = male if rand() < p_male else female
            size = len(chars)
            if rand() < 0.25:
                out.append(surname + chars[int(rand() * size)])
            else:
                out.append(surname + chars[int(rand() * size)] + chars[int(rand() * size)])
        return out

    def village(self) -> str:
        """A village name not used before in this roster."""
        rng = self.rng
        for _ in range(30):
            stem = rng.choice(zh.VILLAGE_PREFIXES) + rng.choice(zh.VILLAGE_ROOTS) + rng.choice(zh.VILLAGE_SUFFIXES)
            name = stem if stem.endswith("村") else stem + "村"
            if name not in self.used_villages:
                break
        else:  # the tables are exhausted only far above scale 1
            name = f"{stem}{len(self.used_villages)}村"
        self.used_villages.add(name)
        return name


def make_phones(rng: random.Random, count: int) -> list[str]:
    """`count` distinct 104xxxxxxxx numbers, scattered by an affine bijection mod 10^8."""
    modulus = 10**8
    step = rng.randrange(10**6, 10**7) * 10 + rng.choice((1, 3, 7, 9))  # coprime to 10^8
    offset = rng.randrange(modulus)
    return [f"{PHONE_PREFIX}{(offset + i * step) % modulus:08d}" for i in range(count)]
