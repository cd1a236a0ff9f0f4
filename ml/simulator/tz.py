"""Recipients' local time without a tz database: a standard UTC offset and a daylight-saving rule per zone.

Rules: `eu` (last Sunday of March 01:00 UTC to last Sunday of October 01:00 UTC), `us` (second Sunday of March to
first Sunday of November, 02:00 local), `au` (first Sunday of October to first Sunday of April, 02:00 local,
southern hemisphere), `none`. Good enough to put business hours where they belong; not a tz library.
"""
import datetime as _dt

# zone -> (standard offset in minutes, DST rule)
ZONES = {
    "America/New_York": (-300, "us"), "America/Chicago": (-360, "us"), "America/Denver": (-420, "us"),
    "America/Los_Angeles": (-480, "us"), "America/Toronto": (-300, "us"), "America/Vancouver": (-480, "us"),
    "America/Mexico_City": (-360, "none"), "America/Sao_Paulo": (-180, "none"), "America/Bogota": (-300, "none"),
    "America/Argentina/Buenos_Aires": (-180, "none"), "America/Santiago": (-240, "none"),
    "Europe/London": (0, "eu"), "Europe/Dublin": (0, "eu"), "Europe/Berlin": (60, "eu"), "Europe/Paris": (60, "eu"),
    "Europe/Amsterdam": (60, "eu"), "Europe/Madrid": (60, "eu"), "Europe/Stockholm": (60, "eu"),
    "Europe/Zurich": (60, "eu"), "Europe/Rome": (60, "eu"), "Europe/Copenhagen": (60, "eu"),
    "Europe/Warsaw": (60, "eu"), "Asia/Jerusalem": (120, "eu"), "Africa/Johannesburg": (120, "none"),
    "Asia/Dubai": (240, "none"), "Asia/Kolkata": (330, "none"), "Asia/Singapore": (480, "none"),
    "Asia/Tokyo": (540, "none"), "Australia/Sydney": (600, "au"), "Australia/Perth": (480, "none"),
    "Pacific/Auckland": (720, "au"),
}

_cache = {}
_years = {}


def _nth_sunday(year, month, n):
    d = _dt.date(year, month, 1)
    d += _dt.timedelta(days=(6 - d.weekday()) % 7)
    return d + _dt.timedelta(days=7 * (n - 1))


def _last_sunday(year, month):
    d = _dt.date(year + (month == 12), month % 12 + 1, 1) - _dt.timedelta(days=1)
    return d - _dt.timedelta(days=(d.weekday() - 6) % 7)


def _epoch(d, minutes_utc):
    return int(_dt.datetime(d.year, d.month, d.day, tzinfo=_dt.timezone.utc).timestamp()) + minutes_utc * 60


def _dst_window(rule, year, std):
    key = (rule, year, std)
    w = _cache.get(key)
    if w is None:
        if rule == "eu":
            w = (_epoch(_last_sunday(year, 3), 60), _epoch(_last_sunday(year, 10), 60), False)
        elif rule == "us":
            w = (_epoch(_nth_sunday(year, 3, 2), 120 - std), _epoch(_nth_sunday(year, 11, 1), 120 - std - 60), False)
        else:  # au: DST from October to April: outside the window [April, October) is summer time
            w = (_epoch(_nth_sunday(year, 4, 1), 120 - std - 60), _epoch(_nth_sunday(year, 10, 1), 120 - std), True)
        _cache[key] = w
    return w


def offset_seconds(zone, t):
    """UTC offset in seconds of `zone` at epoch second `t`."""
    std, rule = ZONES[zone]
    if rule == "none":
        return std * 60
    day = t // 86400
    year = _years.get(day)
    if year is None:
        year = _years[day] = _dt.datetime.fromtimestamp(day * 86400, _dt.timezone.utc).year
    a, b, inverted = _dst_window(rule, year, std)
    inside = a <= t < b
    dst = (not inside) if inverted else inside
    return (std + (60 if dst else 0)) * 60


def local(zone, t):
    """(local epoch seconds, local hour 0-23, weekday 0=Mon) of UTC epoch second t in zone."""
    lt = t + offset_seconds(zone, t)
    return lt, (lt // 3600) % 24, (lt // 86400 + 3) % 7
