"""Three small tools built on ngayhoi's public API only, as a tool builder would write them.

- :mod:`ngayhoi_tools.province_plan`: a province's festival day from a CSV of communes.
- :mod:`ngayhoi_tools.feed_server`: serve an export folder's feeds with ETags (WSGI).
- :mod:`ngayhoi_tools.utilisation`: a pandas DataFrame of how busy each delegation is.

They import nothing private from ngayhoi (``tests/downstream/test_tools.py`` checks it),
and ``mypy --strict`` checks them with the rest of the tests.
"""
