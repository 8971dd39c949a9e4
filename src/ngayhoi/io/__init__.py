"""Plan files in and out (TOML), and schedules saved as JSON.

>>> import ngayhoi
>>> fest = ngayhoi.samples.tiny_festival()
>>> loads(dumps(fest)) == fest
True
"""

from ngayhoi.io.plan import FORMAT, VERSION, PlanFileError, dumps, load, loads, save
from ngayhoi.io.schedule import load_schedule, save_schedule

__all__ = [
    "FORMAT",
    "VERSION",
    "PlanFileError",
    "dumps",
    "load",
    "load_schedule",
    "loads",
    "save",
    "save_schedule",
]
