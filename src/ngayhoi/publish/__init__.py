"""Publishing exported calendars to servers (CalDAV, as the ``caldav`` extra)."""

# The CalDAV publisher is the submodule ngayhoi.publish.caldav (it needs the caldav
# extra only when it connects); nothing is re-exported here.
__all__: list[str] = []
