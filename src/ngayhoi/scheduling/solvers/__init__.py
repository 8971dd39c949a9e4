"""The backends: each reads a :class:`~ngayhoi.scheduling.problem.Problem` or a festival."""
