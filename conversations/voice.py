"""How a page about a rep's talk names them: "you" to the rep, their name to anyone else.

A manager or trainer reading "How you listen" about someone else is reading a page
written for the wrong person; every such label goes through one Voice instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from salesheart.models import User


@dataclass(frozen=True)
class Voice:
    own: bool
    name: str

    @classmethod
    def of(cls, rep: User, viewer: User) -> Voice:
        return cls(own=rep.pk == viewer.pk, name=rep.first_name or rep.get_username())

    @property
    def you(self) -> str:
        """Starts a sentence or label: "You asking" / "Ravi asking"."""
        return "You" if self.own else self.name

    @property
    def you_lower(self) -> str:
        """Inside a sentence: "Customer above, you below" / "…, Ravi below"."""
        return "you" if self.own else self.name

    @property
    def your(self) -> str:
        """ "Your longest monologue" / "Ravi's longest monologue"."""
        return "Your" if self.own else f"{self.name}'s"

    @property
    def your_lower(self) -> str:
        return "your" if self.own else f"{self.name}'s"
