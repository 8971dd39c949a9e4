"""ngayhoi: plan the Ngày hội toàn dân bảo vệ an ninh Tổ quốc across many communes.

Model the day (:mod:`ngayhoi.model`), stamp the standard programme onto many
communes (:mod:`ngayhoi.templates`), schedule it (:func:`schedule`) and export
synchronised calendars (:mod:`ngayhoi.export`).

>>> import ngayhoi
>>> sched = ngayhoi.schedule(ngayhoi.samples.tiny_festival())
>>> sched["x.bao-cao"].start.format("HH:mm")
'07:37'
"""

from ngayhoi import data, export, graph, samples, templates
from ngayhoi._version import __version__
from ngayhoi.diagnostics import Violation, Wait
from ngayhoi.errors import (
    DependencyCycleError,
    ExportError,
    InfeasibleError,
    NgayhoiError,
    PlanError,
    UnitNotValidError,
    UnknownReferenceError,
)
from ngayhoi.model import (
    Activity,
    ActivityKind,
    Award,
    AwardForm,
    Dependency,
    DependencyType,
    Festival,
    Issuer,
    PrepTask,
    Requirement,
    Resource,
    ResourceKind,
    Site,
    SyncGroup,
    SyncKind,
    TravelTimes,
    Unit,
    UnitKind,
)
from ngayhoi.scheduling import Backend, Leg, Schedule, Slot, Status, schedule

__all__ = [
    "Activity",
    "ActivityKind",
    "Award",
    "AwardForm",
    "Backend",
    "Dependency",
    "DependencyCycleError",
    "DependencyType",
    "ExportError",
    "Festival",
    "InfeasibleError",
    "Issuer",
    "Leg",
    "NgayhoiError",
    "PlanError",
    "PrepTask",
    "Requirement",
    "Resource",
    "ResourceKind",
    "Schedule",
    "Site",
    "Slot",
    "Status",
    "SyncGroup",
    "SyncKind",
    "TravelTimes",
    "Unit",
    "UnitKind",
    "UnitNotValidError",
    "UnknownReferenceError",
    "Violation",
    "Wait",
    "__version__",
    "data",
    "export",
    "graph",
    "samples",
    "schedule",
    "templates",
]
