"""The backends: each reads a :class:`~ngayhoi.scheduling.problem.Problem` or a festival."""

# The backends are the submodules (temporal, heuristic, cpsat); nothing is re-exported here.
__all__: list[str] = []
