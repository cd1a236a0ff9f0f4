"""Edits of a draft like the ones serving suggests, and what the simulator says each does to p(reply).

The model is checked on held-out rows: score the original and the edited record, compare the mean change in p with
the change the simulator's own formula (ml/simulator/effects.py reply_logit, ml/SIMULATOR.md section 5) gives for
the same edit. The true change keeps the row's true logit (synthetic_p_reply, unobserved noise included) and adds
the difference of the formula's text and send-time terms, measured on the texts as the simulator measures them
(words = str.split(), '?' count, subject words without "Re: ", the company named = personalised).
Ground truth is used here only to evaluate, never as a feature.
"""
import math
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from leadscore import features
from replyscore import derived

SHORT_WORDS = 60
QUESTION = "Would a short call next week be useful?"
PERSONAL_LINE = "I noticed {company} is growing the team this year - congrats."

_WORD_END = re.compile(r"[^ \t\n\r\f\v]+")


def shorten(body, n=SHORT_WORDS):
    """body cut right after its n-th word (derived.words' definition); unchanged when it has <= n words."""
    ends = [m.end() for m in _WORD_END.finditer(body or "")]
    return body if len(ends) <= n else body[:ends[n - 1]]


def add_question(body):
    return (body or "").rstrip() + "\n\n" + QUESTION


def personalise(body, account_name):
    """A line naming the company inserted after the first paragraph (the greeting)."""
    company = derived.company_name(account_name)
    head, sep, rest = (body or "").partition("\n\n")
    line = PERSONAL_LINE.format(company=company)
    return head + "\n\n" + line + ("\n\n" + rest if sep else "")


def tuesday_9am(sent_at, zone):
    """09:00 local on the Tuesday of sentAt's ISO week in zone, as ISO-8601 UTC."""
    tz = ZoneInfo(zone)
    local = features.parse_time(sent_at).astimezone(tz)
    day = local.date() - timedelta(days=local.isoweekday() - 2)
    t = datetime(day.year, day.month, day.day, 9, 0, tzinfo=tz).astimezone(ZoneInfo("UTC"))
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


VARIANTS = {
    "shorten_60_words": "body cut after its 60th word (rows with more than 60 words)",
    "add_question": f"'{QUESTION}' appended to the body",
    "tuesday_9am": "sent at 09:00 on the Tuesday of the same week, recipient's time",
    "personalise": "a line naming the recipient's company after the greeting (rows with an account whose body "
                   "does not name it)",
}

# the edits that change the text (and so need the edited draft embedded); tuesday_9am changes only sentAt
TEXT_EDITS = frozenset({"shorten_60_words", "add_question", "personalise"})


def applies(name, record):
    if name == "shorten_60_words":
        return derived.words(record.get("body")) > SHORT_WORDS
    if name == "personalise":
        return derived.company_name(record.get("accountName")) is not None and \
            not derived.names_company(record.get("body"), record.get("accountName"))
    if name == "tuesday_9am":
        return derived.local_time(record.get("sentAt"), record.get("recipientTimezone"))[0] is not None
    return True


def apply(name, record):
    r = dict(record)
    if name == "shorten_60_words":
        r["body"] = shorten(r["body"])
    elif name == "add_question":
        r["body"] = add_question(r["body"])
    elif name == "personalise":
        r["body"] = personalise(r["body"], r["accountName"])
    elif name == "tuesday_9am":
        r["sentAt"] = tuesday_9am(r["sentAt"], r["recipientTimezone"])
    else:
        raise ValueError(name)
    return r


# ----------------------------------------------------------------------------- the simulator's answer
def reply_logit(record, personalised, step=1, breakup=False, fit=0.0, recent_visit=False):
    """effects.reply_logit (the simulator's formula, without the per-lead noise) on the record as the simulator
    measures it: words = str.split(), '?' count, subject words without "Re: ", local hour and weekend in the
    recipient's zone. Context not given is fixed (step 1, no breakup, fit 0, no recent visit), which a difference of
    two calls on the same record cancels. A seniority or source the formula does not know adds 0, as "director" and
    "outbound" do."""
    from simulator import effects
    c = effects.REPLY
    body, subject = record.get("body") or "", record.get("subject") or ""
    hour, weekday = derived.local_time(record.get("sentAt"), record.get("recipientTimezone"))
    seniority = record.get("seniority") if record.get("seniority") in c["seniority"] else "director"
    source = record.get("source") if record.get("source") in c["source"] else "outbound"
    return effects.reply_logit(step, step if breakup else 0, len(body.split()), body.count("?"), personalised,
                               len(subject.replace("Re: ", "").split()), int(hour), int(weekday) >= 6, seniority,
                               source, fit, recent_visit)


def true_change(record, edited, p_true, personalised):
    """(true p of the edit) - p_true: the row's true logit plus the change in the simulator's text/time terms.
    personalised: the simulator's flag for the original (synthetic_personalised); the edit is personalised when
    the original was and the company is still named, or when the edit added the line."""
    p = min(max(float(p_true), 1e-4), 1 - 1e-4)
    logit = math.log(p / (1 - p))
    named = bool(derived.names_company(edited.get("body"), edited.get("accountName")))
    edited_personalised = named and (personalised or not derived.names_company(record.get("body"),
                                                                                record.get("accountName")))
    delta = reply_logit(edited, edited_personalised) - reply_logit(record, personalised)
    return 1.0 / (1.0 + math.exp(-(logit + delta))) - p


def oracle_p(record, truth):
    """The best p any model of the observable data could give: the simulator's reply formula on the row's measured
    features plus the lead's synthetic_fit, averaged over the unobserved per-lead noise N(0, 0.5) (Gauss-Hermite,
    20 nodes). A ceiling for evaluation (uses ground truth), never a feature."""
    import numpy as np

    from simulator import effects
    x = reply_logit(record, bool(truth.get("personalised")), step=int(record["sequenceStep"]),
                    breakup=truth.get("step_purpose") == "breakup", fit=float(truth.get("fit") or 0.0),
                    recent_visit=(record.get("webSessions3d") or 0) > 0)
    c = effects.REPLY
    nodes, weights = np.polynomial.hermite_e.hermegauss(20)
    z = x + c["noise_sd"] * nodes
    return float(np.sum(weights / (1.0 + np.exp(-z))) / np.sqrt(2 * np.pi))
