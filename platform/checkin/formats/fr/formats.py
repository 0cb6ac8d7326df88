from checkin.formats._belgian import *  # noqa: F403
