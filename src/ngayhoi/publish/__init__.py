"""Publishing exported calendars to servers (CalDAV, as the ``caldav`` extra)."""
