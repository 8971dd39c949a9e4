"""Plan files in and out (TOML).

>>> import ngayhoi
>>> fest = ngayhoi.samples.tiny_festival()
>>> loads(dumps(fest)) == fest
True
"""

from ngayhoi.io.plan import FORMAT, VERSION, PlanFileError, dumps, load, loads, save

__all__ = ["FORMAT", "VERSION", "PlanFileError", "dumps", "load", "loads", "save"]
