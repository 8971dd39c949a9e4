"""The domain model: attrs records with tz-aware pendulum times.

>>> from ngayhoi.model import ActivityKind
>>> ActivityKind.PARADE.label
'Diễu hành'
"""

from ngayhoi.model._fields import TIMEZONE, minutes
from ngayhoi.model.activities import (
    Activity,
    ActivityKind,
    Dependency,
    DependencyType,
    Part,
    PrepTask,
    Requirement,
    SyncGroup,
    SyncKind,
)
from ngayhoi.model.awards import Award, AwardForm, Issuer
from ngayhoi.model.festival import Festival, due_date, due_note, iter_roles
from ngayhoi.model.resources import Resource, ResourceKind, TravelTimes
from ngayhoi.model.units import Site, Unit, UnitKind

__all__ = [
    "TIMEZONE",
    "Activity",
    "ActivityKind",
    "Award",
    "AwardForm",
    "Dependency",
    "DependencyType",
    "Festival",
    "Issuer",
    "Part",
    "PrepTask",
    "Requirement",
    "Resource",
    "ResourceKind",
    "Site",
    "SyncGroup",
    "SyncKind",
    "TravelTimes",
    "Unit",
    "UnitKind",
    "due_date",
    "due_note",
    "iter_roles",
    "minutes",
]
