"""Who sees which agency's figures: the one rule of the plan pages and of the rollups API.

Records (a checkpoint, a report, a file) stay the owner's and the desk's whatever this says
(`require_agency_visible`). Figures — a task's checkpoints counted by status, the completion and
on-time shares of a section, a plan or an agency — follow the province's choice,
PLANTRACK_PEER_FIGURES:

- ``own`` (the default): an agency user sees the figures of the tasks its agency leads or
  supports and its own agency's standing; figures that mix agencies (a section, a plan, another
  agency) are the desk's and the leaders';
- ``all``: a province that wants transparency lets every signed-in user see every agency's
  figures (records stay private).

Secretariat, leaders and admins see every figure either way.
"""

from dataclasses import dataclass
from enum import StrEnum

from workflows.kernel.actors import Actor
from workflows.kernel.errors import PermissionDenied


class PeerFigures(StrEnum):
    """The province's choice: agencies see their own figures only, or every agency's."""

    own = "own"
    all = "all"


@dataclass(frozen=True)
class FigureView:
    """What one actor may see of the figures under the province's choice."""

    everything: bool
    agency_id: int | None

    def task_counts(self, lead_agency_id: int, supported: bool) -> bool:
        """May the actor see this task's checkpoints counted by status?"""
        return self.everything or lead_agency_id == self.agency_id or supported

    @property
    def mixed(self) -> bool:
        """May the actor see figures that mix agencies (a section, a plan)?"""
        return self.everything

    def agency_ids(self) -> set[int] | None:
        """The agencies whose standing the actor may see; None for all of them."""
        return None if self.everything else {self.agency_id or 0}


def figure_view(actor: Actor, policy: PeerFigures | str) -> FigureView:
    """The figures `actor` may see under `policy`."""
    shared = PeerFigures(policy) is PeerFigures.all  # the setting is checked when it is read
    return FigureView(everything=actor.sees_all or shared, agency_id=actor.agency_id)


def require_mixed_figures(view: FigureView) -> None:
    """Refuse section and plan figures to an actor who may see only their own agency's."""
    if not view.mixed:
        raise PermissionDenied("figures.own_only")
