"""Rule-computed features of a draft email: the exact rules serving must mirror (features.json `derived`).

The reply model reads a record the server assembles before the send (RECORD_FIELDS: the draft, the recipient lead's
state and counts of what happened before the send) plus the features below, computed from that record by rules
simple enough to re-implement in Java exactly. `derive(record)` is the Python implementation; `derived_section()` is
the same rules in words, written into features.json.

Words are maximal runs of characters other than the six ASCII whitespace characters space, \\t, \\n, \\r, \\f and
\\v (U+000B); Python's str.split() would also split on NBSP and other Unicode spaces, Java's \\s would not: this
definition is the one both sides implement.
"""
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from leadscore import features

TEMPLATE = "{subject}\n\n{body}"   # the text the encoder embeds (text.template in features.json)

# The fields of the record serving supplies, with their meaning (the `record` part of features.json `derived`).
RECORD_FIELDS = {
    "subject": "the draft's subject line (string; null -> \"\")",
    "body": "the draft's body as plain text (string; null -> \"\")",
    "sentAt": "the (planned) send time, ISO-8601 with Z or an offset",
    "recipientTimezone": "the recipient's IANA time zone: the email's recipient time zone, else the lead's "
                         "`timezone`; null when unknown",
    "accountName": "the name of the lead's account (null when the lead has none)",
    "sequenceStep": "the step of the sequence this email is (integer, 1 = first email of the sequence)",
    "seniority": "the lead's seniority (ic, manager, director, vp, c_level)",
    "department": "the lead's department",
    "source": "the lead's source (organic_search, outbound, referral, ...)",
    "occupation": "the lead's occupation",
    "industry": "the account's industry (null without an account)",
    "employeeBand": "the account's employee band (1-10, 11-50, 51-200, 201-1000, 1001-5000, 5001+)",
    "employees": "the account's number of employees",
    "priorEmailsSent": "emails sent to the lead with sentAt strictly before this send",
    "priorOpens": "email_opened activities of the lead with occurredAt strictly before this send",
    "priorClicks": "email_clicked activities of the lead with occurredAt strictly before this send",
    "priorReplies": "replies received from the lead (any kind, auto-replies included) strictly before this send",
    "webSessions3d": "distinct properties.sessionId of the lead's page_view activities with occurredAt in "
                     "[sentAt - 3 days, sentAt)",
    "webSessions30d": "the same in [sentAt - 30 days, sentAt)",
}
# Lead / account state comes from the latest upsert strictly before sentAt; counts never include sentAt itself.

# Legal forms stripped from the end of an account name before looking for the company in the body. A general list
# (it covers the simulator's, ml/simulator/vocab.py LEGAL_SUFFIX); the longest matching one is removed, once.
LEGAL_SUFFIXES = sorted({
    "Inc.", "Inc", "LLC", "L.L.C.", "Corp.", "Corp", "Co.", "Ltd", "Ltd.", "Limited", "plc", "PLC", "GmbH", "AG",
    "SAS", "SA", "S.A.", "B.V.", "BV", "N.V.", "NV", "S.L.", "S.p.A.", "S.r.l.", "AB", "A/S", "ApS", "Oy", "AS",
    "Sp. z o.o.", "Pvt. Ltd.", "Pvt Ltd", "Pty Ltd", "Pty. Ltd.", "Pte. Ltd.", "Pte Ltd", "K.K.", "Ltda.", "Ltda",
    "S.A. de C.V.", "LLP", "LP", "KG", "GmbH & Co. KG", "SE",
}, key=lambda s: (-len(s), s))
MIN_COMPANY_CHARS = 2

_WORD = re.compile(r"[^ \t\n\r\f\v]+")
_REPLY_PREFIX = re.compile(r"^[ \t\n\r\f\v]*((re|fwd|fw)[ \t]*:[ \t\n\r\f\v]*)+", re.IGNORECASE)

# Derived features: name -> (kind, exact rule). The kinds say how features.json encodes them.
RULES = {
    "bodyWords": ("numeric", "number of words in body (words: maximal runs of characters other than space, \\t, "
                             "\\n, \\r, \\f, \\v)"),
    "bodyQuestions": ("numeric", "number of '?' (U+003F) characters in body"),
    "subjectWords": ("numeric", "number of words in subject after removing a leading run of reply/forward "
                                "prefixes: regex ^[ \\t\\n\\r\\f\\v]*((re|fwd|fw)[ \\t]*:[ \\t\\n\\r\\f\\v]*)+ "
                                "(case-insensitive), removed once"),
    "namesCompany": ("numeric", "1 if the company name occurs in body, compared lower-cased (Locale.ROOT), else 0. "
                                "Company name: accountName stripped of surrounding whitespace; if it ends with a "
                                "space followed by one of legal_suffixes (case-insensitive; longest first) that "
                                "suffix is removed once, then trailing spaces and commas; a name of fewer than "
                                "2 characters (or no accountName) gives 0"),
    "hasLink": ("numeric", "1 if body, lower-cased, contains 'http://', 'https://' or 'www.', else 0"),
    "localHour": ("categorical", "hour 0-23 of sentAt in recipientTimezone, as a decimal string (\"9\"); null when "
                                 "recipientTimezone is null or not a known IANA zone, or sentAt is missing"),
    "localWeekend": ("numeric", "1 if the ISO day of week of sentAt in recipientTimezone is 6 (Saturday) or 7 "
                                "(Sunday), else 0; null as for localHour"),
}


def words(text):
    return len(_WORD.findall(text or ""))


def strip_reply_prefix(subject):
    return _REPLY_PREFIX.sub("", subject or "", count=1)


def company_name(account_name):
    """The account name without a trailing legal form (LEGAL_SUFFIXES), or None."""
    if features.is_missing(account_name):
        return None
    name = str(account_name).strip()
    low = name.lower()
    for suffix in LEGAL_SUFFIXES:
        if low.endswith(" " + suffix.lower()):
            name = name[:-len(suffix)]
            break
    name = name.rstrip(" ,")
    return name if len(name) >= MIN_COMPANY_CHARS else None


def names_company(body, account_name):
    name = company_name(account_name)
    return int(name is not None and name.lower() in (body or "").lower())


def has_link(body):
    low = (body or "").lower()
    return int("http://" in low or "https://" in low or "www." in low)


def local_time(sent_at, zone):
    """(hour "0".."23", ISO weekday "1".."7") of sent_at in zone, or (None, None)."""
    if features.is_missing(sent_at) or features.is_missing(zone) or not str(zone).strip():
        return None, None
    try:
        tz = ZoneInfo(str(zone).strip())
    except (ZoneInfoNotFoundError, ValueError):
        return None, None
    t = features.parse_time(sent_at).astimezone(tz)
    return str(t.hour), str(t.isoweekday())


def derive(record):
    """The derived features of one record (RULES), as a dict."""
    subject = record.get("subject") or ""
    body = record.get("body") or ""
    hour, weekday = local_time(record.get("sentAt"), record.get("recipientTimezone"))
    return {
        "bodyWords": words(body),
        "bodyQuestions": body.count("?"),
        "subjectWords": words(strip_reply_prefix(subject)),
        "namesCompany": names_company(body, record.get("accountName")),
        "hasLink": has_link(body),
        "localHour": hour,
        "localWeekend": None if weekday is None else int(weekday in ("6", "7")),
    }


def with_derived(record):
    """The record plus its derived features: what features.encode_inputs reads."""
    return {**record, **derive(record)}


def text_of(record):
    """The text the encoder embeds: TEMPLATE with subject and body (null -> "")."""
    return TEMPLATE.format(subject=record.get("subject") or "", body=record.get("body") or "")


def derived_section():
    """features.json `derived`: every rule, the legal forms, the record fields serving supplies."""
    return {
        "features": {name: {"kind": kind, "rule": rule} for name, (kind, rule) in RULES.items()},
        "legal_suffixes": LEGAL_SUFFIXES,
        "record": dict(RECORD_FIELDS),
        "state": "lead and account fields from their latest upsert strictly before sentAt; every count strictly "
                 "before sentAt",
    }

