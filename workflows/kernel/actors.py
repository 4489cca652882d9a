"""Who is acting, and the permission checks every rule starts with."""

from dataclasses import dataclass

from models.user import AGENCY_ROLES, User
from workflows.kernel.errors import NotFound, PermissionDenied


@dataclass(frozen=True)
class Actor:
    """The acting user as the rules see it (no ORM object leaks into rules)."""

    user_id: int | None
    role: str
    agency_id: int | None = None
    label: str = "system"

    @classmethod
    def of(cls, user: User) -> "Actor":
        return cls(user_id=user.id, role=user.role, agency_id=user.agency_id, label=user.username)

    @property
    def sees_all(self) -> bool:
        """Secretariat, leaders, admins and the system see every agency."""
        return self.role not in AGENCY_ROLES


SYSTEM = Actor(user_id=None, role="system", label="system")


def require_role(actor: Actor, *roles: str) -> None:
    """Refuse unless the actor has one of `roles`."""
    if actor.role not in roles:
        raise PermissionDenied("role.not_allowed", role=actor.role, needs=", ".join(roles))


def require_agency_visible(actor: Actor, agency_ids: set[int], record: tuple[str, object]) -> None:
    """404 for an agency user asking about another agency's record (no existence leak)."""
    if not actor.sees_all and actor.agency_id not in agency_ids:
        raise NotFound("not_found", what=record[0], id=record[1])
