"""SYNTHETIC outbound sales emails and the replies to them, composed from phrase banks.

An email = greeting + [opener] + [personalisation line] + value statement(s) + [proof] + [extra paragraphs]
+ call to action + sign-off + signature [+ P.S.]. The sequence step's A/B variant spec fixes the length class,
the call-to-action kind (question / statement / link) and whether the variant is written to be personalised; the
rep's habits add variation. What the reply model reads (effects.reply_logit) is measured on the composed text:
word count, number of '?', whether the company's name appears in the body (personalised), subject word count.
"""
import re

from .vocab import COMPETITORS, PEERS, SELLER, SITE

_POSSESSIVE_S = re.compile(r"(\w+s)'s\b")

TOPIC = {
    "data": ["self-serve analytics", "metric consistency", "data governance", "pipeline reliability"],
    "engineering": ["internal data tooling", "pipeline maintenance", "data infrastructure costs", "reverse ETL"],
    "it": ["data governance", "access controls", "SaaS sprawl", "data residency"],
    "operations": ["pipeline reporting", "forecast accuracy", "CRM data quality", "revenue reporting"],
    "product": ["product analytics", "feature adoption metrics", "experiment analysis"],
    "sales": ["pipeline visibility", "forecast accuracy", "account prioritisation"],
    "marketing": ["attribution", "campaign reporting", "lead-to-revenue reporting"],
    "finance": ["revenue reporting", "board metrics", "ARR reconciliation"],
    "hr": ["people analytics", "headcount planning"],
    "customer_success": ["churn signals", "account health scoring"],
    "executive": ["a single source of truth for revenue", "board reporting", "data costs"],
    "other": ["analytics", "reporting"],
}
PAIN = {
    "data": ["dashboards that disagree with each other", "a queue of ad-hoc data requests",
             "three definitions of 'active customer'"],
    "engineering": ["brittle pipelines", "on-call pages for broken syncs", "glue code nobody wants to own"],
    "it": ["shadow spreadsheets full of customer data", "access reviews across a dozen tools", "audit prep"],
    "operations": ["hand-built spreadsheets before every forecast call", "CRM fields nobody trusts",
                   "reconciling bookings with finance"],
    "product": ["waiting a week for an adoption number", "events that don't match the warehouse"],
    "sales": ["a forecast that changes every time someone exports it", "guessing which accounts to work"],
    "marketing": ["attribution arguments", "campaign numbers that never match the CRM"],
    "finance": ["month-end reconciliation", "ARR that differs by system"],
    "hr": ["headcount data spread across tools"],
    "customer_success": ["churn you only see after renewal", "health scores nobody believes"],
    "executive": ["board decks assembled by hand", "teams arguing about whose number is right"],
    "other": ["reporting that takes too long"],
}
SUBJECTS = {
    "intro": ["Quick question, {first}", "{company} + {seller}", "Idea for {company}", "{topic} at {company}",
              "{topic}", "Question about {topic}", "15 minutes?", "Your {dept_word} team", "{first}, {topic}?",
              "Helping {dept_word} teams with {topic}", "Thought for your {dept_word} team",
              "A faster way to handle {topic} for teams like yours", "Re: {topic}",
              "How {peer} fixed {pain_short}"],
    "value": ["{peer}'s approach to {topic}", "Fewer {pain_short}", "One number for {topic}",
              "What {peer} changed", "{topic}: a quick idea", "Worth a look?"],
    "case_study": ["How {peer} cut reporting time by {pct}%", "{peer} case study", "{pct}% less time on {topic}",
                   "Case study: {peer}"],
    "bump": ["Following up", "Circling back", "Any thoughts?", "Bumping this up", "Re: {first_subject}"],
    "breakup": ["Should I close your file?", "Last note from me", "Closing the loop", "Permission to close the loop?",
                "Wrong person?"],
}
GREETING = ["Hi {first},", "Hi {first},", "Hello {first},", "Hey {first},", "{first} -", "Good morning {first},"]
GREETING_FORMAL = ["Dear {first} {last},", "Hello {first} {last},"]
OPENER = {
    "intro": ["Hope your week is off to a good start.", "I'll keep this short.",
              "I work with {dept_word} leaders at {industry_lc} companies on {topic}.",
              "Reaching out because {topic} tends to get painful as teams grow.",
              "I'm {rep_first} from {seller}.", ""],
    "value": ["Wanted to share one more idea.", "A quick follow-up with something concrete.", ""],
    "case_study": ["Thought this might be relevant.", "Sharing a short story from a team like yours.", ""],
    "bump": ["Just floating this back to the top of your inbox.", "Following up on my note from last week.",
             "Circling back in case this got buried.", ""],
    "breakup": ["I haven't heard back, so I'll assume the timing isn't right.",
                "I've reached out a few times and don't want to be a pest.", ""],
}
TRIGGER = ["I noticed {company} is hiring {role}s, which usually means {topic} is about to get busier.",
           "Congrats on {company}'s expansion into {country} - new markets tend to multiply reporting work.",
           "I saw {company} just announced a funding round - congratulations to the team.",
           "I read that {company} launched a new product line this quarter.",
           "{company}'s recent post about {topic} caught my eye.",
           "I noticed {company} moved its analytics to the cloud recently.",
           "Saw that {company} is growing the {dept_word} team - congrats.",
           "I was looking at how {company} reports on {topic} and had an idea."]
VALUE = {
    "data": ["{seller} gives analysts one governed place to query product and revenue data, so dashboards stop "
             "disagreeing.", "Teams use {seller} to define a metric once and reuse it in every dashboard.",
             "We take the ad-hoc request queue off your analysts by letting business teams self-serve safely."],
    "engineering": ["{seller} replaces the glue code between your CRM, product events and warehouse with managed "
                    "syncs.", "Your engineers stop babysitting pipelines: {seller} monitors every sync and repairs "
                    "schema drift.", "We handle connectors, retries and backfills so your team ships product."],
    "it": ["{seller} keeps customer data in one governed place with SSO, row-level security and audit logs.",
           "You get one access model for revenue data instead of a dozen tool-specific ones."],
    "operations": ["{seller} puts pipeline, bookings and product usage in one model, so forecast calls start from "
                   "the same numbers.", "RevOps teams use {seller} to fix CRM data quality at the source."],
    "product": ["{seller} joins product events with account data so adoption metrics are one query away."],
    "sales": ["{seller} shows which accounts are heating up, from product usage and engagement, in one view."],
    "marketing": ["{seller} connects campaigns to pipeline and revenue without spreadsheet exports."],
    "finance": ["{seller} reconciles bookings, billing and CRM so ARR matches across systems."],
    "hr": ["{seller} brings headcount and people data into the same governed model as the rest of the business."],
    "customer_success": ["{seller} flags accounts whose usage is dropping weeks before renewal."],
    "executive": ["{seller} gives leadership one trusted set of revenue numbers, updated hourly.",
                  "Companies like yours use {seller} to stop debating whose number is right."],
    "other": ["{seller} makes reporting faster and more reliable."],
}
PROOF = ["{peer} cut the time spent on weekly reporting by {pct}% in their first quarter.",
         "{peer} retired {n} internal pipelines after moving to {seller}.",
         "At {peer}, forecast calls went from an hour of reconciling to fifteen minutes.",
         "{peer}'s analysts now answer most questions the same day instead of the same week.",
         "Teams like {peer} typically see payback within two quarters."]
EXTRA = ["For context, most teams we talk to have {pain} and spend hours each week working around it.",
         "A few things teams usually like:\n- one definition per metric, reused everywhere\n- syncs that repair "
         "themselves when a schema changes\n- access controls that follow the data",
         "The setup is light: connect your CRM and warehouse, pick the metrics that matter, and most teams are live "
         "in under two weeks.",
         "We also work alongside tools you already have, including your BI layer and your CRM, so nothing has to be "
         "ripped out.",
         "I know {pain} is rarely anyone's favourite topic, but it tends to cost more than it looks once you add up "
         "the hours across teams.",
         "Security reviews are usually straightforward: we are SOC 2 Type II certified, support SSO and SCIM, and "
         "can keep data in the EU or the US."]
CTA = {
    "question": ["Would it make sense to compare notes for 15 minutes next week?",
                 "Is {topic} on your radar this quarter?", "Who owns {topic} on your team?",
                 "Open to a quick call on Tuesday or Wednesday?", "Worth a short conversation?",
                 "Does this match what you're seeing at {company_or_team}?",
                 "Would a 2-minute video walkthrough be useful?", "Are you the right person to talk to about this?"],
    "statement": ["Let me know if you'd like to see how it works.", "Happy to send over a short overview.",
                  "I'd welcome 15 minutes on your calendar whenever suits.",
                  "If it's useful, I can share how {peer} set it up.", "Reply here and I'll send a few times."],
    "link": ["Here's a 2-minute walkthrough: " + SITE + "/tour",
             "You can grab a time that suits you here: " + SITE + "/meet/{rep_slug}",
             "The full case study is here: " + SITE + "/customers/{peer_slug}"],
}
CTA_BREAKUP = {"question": ["Should I close your file, or is there a better time to reconnect?",
                            "Is someone else on your team a better person to talk to?"],
               "statement": ["If priorities change, just reply to this thread.",
                             "I'll close your file for now - feel free to reach out any time."],
               "link": ["If timing changes, here is my calendar: " + SITE + "/meet/{rep_slug}"]}
SIGNOFF = ["Best,", "Thanks,", "Cheers,", "Regards,", "Talk soon,", "All the best,", "Best regards,"]
PS = ["P.S. We're hosting a short webinar on {topic} next month - happy to send an invite.",
      "P.S. No worries if this isn't a priority right now.",
      "P.S. {peer} shared their rollout plan publicly; I can forward it."]
ROLE_HIRING = {"data": "data engineer", "engineering": "platform engineer", "it": "cloud architect",
               "operations": "revenue operations analyst", "product": "product analyst", "sales": "account executive",
               "marketing": "growth marketer", "finance": "financial analyst", "hr": "recruiter",
               "customer_success": "customer success manager", "executive": "analyst", "other": "analyst"}
DEPT_WORD = {"data": "data", "engineering": "engineering", "it": "IT", "operations": "RevOps", "product": "product",
             "sales": "sales", "marketing": "marketing", "finance": "finance", "hr": "people",
             "customer_success": "customer success", "executive": "leadership", "other": "analytics"}

LENGTH = {"short": (35, 70), "medium": (70, 130), "long": (140, 280)}

# ----------------------------------------------------------------------------- sequences


def build_sequences(r):
    """The sales team's sequence library: id -> dict(name, audience, steps=[dict(purpose, delay_days, A, B)])."""
    defs = [
        ("seq-outbound-data-leaders", "Outbound - data leaders", "outbound", 5),
        ("seq-outbound-eng-leaders", "Outbound - engineering leaders", "outbound", 5),
        ("seq-outbound-revops", "Outbound - RevOps", "outbound", 6),
        ("seq-outbound-executives", "Outbound - executives", "outbound", 4),
        ("seq-outbound-general", "Outbound - general", "outbound", 4),
        ("seq-inbound-demo-followup", "Inbound - contact sales follow-up", "inbound", 4),
        ("seq-inbound-nurture", "Inbound - content nurture", "inbound", 5),
        ("seq-webinar-followup", "Webinar follow-up", "webinar", 4),
        ("seq-event-followup", "Event follow-up", "event", 4),
        ("seq-partner-intro", "Partner introduction", "partner", 3),
        ("seq-reengage-nurture", "Re-engage - nurture", "nurture", 5),
    ]
    lib = {}
    for sid, name, audience, n in defs:
        steps = []
        for k in range(1, n + 1):
            purpose = ("intro" if k == 1 else "breakup" if k == n and n >= 4 else
                       r.choice(["value", "case_study", "bump"]) if k > 2 else r.choice(["value", "case_study"]))
            delay = 0 if k == 1 else (r.randint(2, 4) if k == 2 else r.randint(4, 8) if k < n else r.randint(7, 14))
            a = _spec(r, purpose)
            b = _spec(r, purpose)
            # make A and B differ in at least one property the reply model reads
            while (a["length"], a["cta"], a["personal"]) == (b["length"], b["cta"], b["personal"]):
                b = _spec(r, purpose)
            steps.append(dict(purpose=purpose, delay_days=delay, A=a, B=b))
        lib[sid] = dict(id=sid, name=name, audience=audience, steps=steps)
    return lib


def _spec(r, purpose):
    if purpose in ("bump", "breakup"):
        length = r.pick_pairs([("short", 80), ("medium", 20)])
    else:
        length = r.pick_pairs([("short", 30), ("medium", 45), ("long", 25)])
    return dict(length=length, cta=r.pick_pairs([("question", 45), ("statement", 35), ("link", 20)]),
                personal=r.chance(0.5), short_subject=r.chance(0.5))


def choose_sequence(source, department, seniority, lib):
    if source in ("organic_search", "paid_search"):
        return lib["seq-inbound-demo-followup"] if department != "other" else lib["seq-inbound-nurture"]
    if source == "content_download":
        return lib["seq-inbound-nurture"]
    if source == "webinar":
        return lib["seq-webinar-followup"]
    if source == "event":
        return lib["seq-event-followup"]
    if source in ("partner", "referral"):
        return lib["seq-partner-intro"]
    if seniority in ("vp", "c_level"):
        return lib["seq-outbound-executives"]
    if department == "data":
        return lib["seq-outbound-data-leaders"]
    if department in ("engineering", "it"):
        return lib["seq-outbound-eng-leaders"]
    if department == "operations":
        return lib["seq-outbound-revops"]
    return lib["seq-outbound-general"]


# ----------------------------------------------------------------------------- composition

def _fill(s, c):
    return s.format_map(c) if "{" in s else s


def _words(s):
    return len(s.split())


def email_context(r, lead, rep, company):
    dept = lead["department"]
    peer = r.choice(PEERS)
    topic = r.choice(TOPIC[dept])
    pain = r.choice(PAIN[dept])
    return {
        "first": lead["firstName"], "last": lead["lastName"], "company": company or "your company",
        "company_or_team": company or "your team", "industry_lc": (lead["industry"] or "growing").lower(),
        "country": lead["country"], "dept_word": DEPT_WORD[dept], "topic": topic, "pain": pain,
        "pain_short": pain.split(" that ")[0].split(" nobody")[0].replace("a queue of ", ""),
        "peer": peer, "peer_slug": peer.lower().replace(" ", "-"), "pct": r.choice([23, 30, 35, 40, 45, 52, 60]),
        "n": r.choice([4, 6, 9, 12, 15]), "role": ROLE_HIRING[dept], "seller": SELLER,
        "rep_first": rep["first"], "rep_slug": rep["slug"], "first_subject": "", "_dept": dept,
    }


def compose_email(r, ctx, purpose, spec, personalise, formal, rep, has_company, step, last_step):
    """Returns (subject, body, features) for one sequence step. features: what the reply model reads."""
    c = ctx
    if purpose == "bump" and step > 1 and c["first_subject"] and r.chance(0.6):
        subject = "Re: " + c["first_subject"]
    else:
        pool = SUBJECTS[purpose]
        subject = None
        for _ in range(6):  # prefer the spec's subject length; a few tries keep it cheap
            s = _fill(r.choice(pool), c)
            if (len(s.split()) <= 4) == spec["short_subject"]:
                subject = s
                break
        subject = subject or _fill(r.choice(pool), c)
        if not has_company and "your company" in subject:
            subject = _fill(SUBJECTS["intro"][0], c)
    lo, hi = LENGTH[spec["length"]]
    target = r.randint(lo, hi)

    greeting = _fill(r.choice(GREETING_FORMAL if formal else GREETING), c)
    paras = []
    opener = _fill(r.choice(OPENER[purpose]), c)
    personalised = bool(personalise and has_company)
    if personalised:
        line = _fill(r.choice(TRIGGER), c)
        paras.append((opener + " " + line).strip() if opener and r.chance(0.4) else line)
    elif opener:
        paras.append(opener)
    dept = ctx["_dept"]
    if purpose == "breakup":
        paras.append(_fill(r.choice(VALUE[dept]), c))
        cta_pool = CTA_BREAKUP[spec["cta"]]
    else:
        body = _fill(r.choice(VALUE[dept]), c)
        if purpose == "case_study" or (purpose != "bump" and r.chance(0.5)):
            body += " " + _fill(r.choice(PROOF), c)
        paras.append(body)
        cta_pool = CTA[spec["cta"]]
    cta = _fill(r.choice(cta_pool), c)
    if not has_company and ("your company" in cta or "{company" in cta):
        cta = "Would it make sense to compare notes for 15 minutes next week?"
    if personalised is False and has_company:
        cta = cta.replace(c["company_or_team"], "your team")
    words = _words(greeting) + sum(_words(p) for p in paras) + _words(cta) + 3
    extras = r.sample(EXTRA, len(EXTRA))
    i = 0
    while words < target - 10 and i < len(extras):
        e = _fill(extras[i], c)
        paras.insert(len(paras), e)
        words += _words(e)
        i += 1
    while words < target - 10:  # long variants: add more value/proof sentences
        e = _fill(r.choice(PROOF), c) + " " + _fill(r.choice(VALUE[dept]), c)
        paras.append(e)
        words += _words(e)
    signoff = r.choice(SIGNOFF)
    sig = rep["name"] + ("\n" + rep["title"] + " | " + SELLER if r.chance(0.7) else "")
    if r.chance(0.35):
        sig += "\n" + rep["phone"]
    parts = [greeting] + paras + [cta, signoff + "\n" + sig]
    if purpose != "breakup" and r.chance(0.12):
        ps = _fill(r.choice(PS), c)
        parts.append(ps)
    body = "\n\n".join(parts)
    if not personalised and has_company and c["company"] in body:
        body = body.replace(c["company"], "your company")
    if not personalised and has_company and c["company"] in subject:
        pass  # the subject may name the company; the model reads the body
    if "s's" in body:
        body = _POSSESSIVE_S.sub(r"\1'", body)
    if "s's" in subject:
        subject = _POSSESSIVE_S.sub(r"\1'", subject)
    feats = dict(words=_words(body), questions=body.count("?"), personalised=personalised,
                 subject_words=len(subject.replace("Re: ", "").split()),
                 link=SITE in body)
    return subject, body, feats


# ----------------------------------------------------------------------------- replies
REPLY_BANK = {
    "interested": [
        "Thanks for reaching out. Timing is actually decent - we're looking at {topic} this quarter.",
        "This is relevant. We've been struggling with {pain} for a while.",
        "Happy to chat. Can you send a couple of times next week?",
        "Interesting - how does this compare to what we'd build ourselves?",
        "Sure, let's talk. {day} afternoon works for me.",
        "Yes, worth a conversation. Loop in our data lead too if you can.",
        "Good timing, we're reviewing our stack in the next few weeks. What does pricing look like roughly?",
        "Could you send the case study? If it holds up I'd like to set up a call.",
    ],
    "objection": [
        "We don't have budget for anything new until {quarter}.",
        "Not a priority right now, maybe revisit in the fall.",
        "We already use {competitor} and are under contract until next year.",
        "Our engineering team built something in-house for this, so probably not.",
        "We'd need SOC 2 and SSO before even looking - do you have those?",
        "Honestly the last tool we bought in this space didn't get adopted, so I'm skeptical.",
        "Sounds expensive for a team our size.",
    ],
    "referral": [
        "I'm not the right person for this - {ref_first} {ref_last} runs our {dept_word} team ({ref_email}).",
        "You'll want to speak with {ref_first} {ref_last}, they own this area. Copying them here.",
        "Not my area, but {ref_first} ({ref_email}) handles {topic} for us.",
    ],
    "not_interested": [
        "Thanks, but we're all set.", "Not a fit for us at the moment.", "We're not looking at this right now, thanks.",
        "No thanks.", "Appreciate it, but this isn't something we need.", "We're good for now, thank you.",
    ],
    "unsubscribe": [
        "Please remove me from your mailing list.", "unsubscribe", "Unsubscribe me please.",
        "Not interested, please stop emailing me.", "Take me off this list.", "Please stop contacting me.",
    ],
}
OOO_BANK = [
    "Thank you for your email. I am out of the office until {date} with limited access to email. For urgent "
    "matters, please contact {ref_first} {ref_last} at {ref_email}.",
    "Hi, I'm currently on leave and will be back on {date}. I'll respond to your message when I return.",
    "I am travelling with limited connectivity until {date}. Your message has not been forwarded.",
    "Thanks for your message! I'm out of office until {date}. If it's urgent, reach out to {ref_email}.",
]
OOO_DE = ("Vielen Dank für Ihre Nachricht. Ich bin bis einschließlich {date} nicht im Büro. In dringenden Fällen "
          "wenden Sie sich bitte an {ref_email}.\n\nThank you for your message. I am out of the office until {date}.")
REPLY_GREETING = ["Hi {rep_first},", "{rep_first} -", "Hello,", "", "Hi,", "Hey {rep_first},"]
REPLY_CLOSE = ["Thanks,", "Best,", "Cheers,", "", "Regards,", "Thanks"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def _date_words(dt):
    return "%s, %s %d, %d" % (WEEKDAYS[dt.weekday()], MONTHS[dt.month - 1], dt.day, dt.year)


def compose_reply(r, intent, c, lead_sig, original_body, original_subject, sent_dt, rep_email, rep_name, return_dt,
                  colleague):
    """Returns (subject, body). Some replies quote the previous message and/or carry a signature."""
    ctx = dict(c)
    ctx.update(ref_first=colleague[0], ref_last=colleague[1], ref_email=colleague[2],
               day=r.choice(DAYS), quarter=r.choice(["Q3", "Q4", "next year", "the new fiscal year"]),
               competitor=r.choice(COMPETITORS), date=_date_words(return_dt))
    if intent == "out_of_office":
        text = (OOO_DE if lead_sig["country"] in ("Germany", "Switzerland") and r.chance(0.5)
                else r.choice(OOO_BANK)).format_map(ctx)
        return "Automatic reply: " + original_subject, text
    lines = r.sample(REPLY_BANK[intent], 1 if intent in ("unsubscribe", "not_interested") else r.randint(1, 2))
    body = " ".join(_fill(x, ctx) for x in lines)
    parts = []
    g = _fill(r.choice(REPLY_GREETING), ctx)
    if g and intent != "unsubscribe":
        parts.append(g)
    parts.append(body)
    close = r.choice(REPLY_CLOSE)
    if intent != "unsubscribe" and close:
        parts.append(close + "\n" + c["first"])
    text = "\n\n".join(parts)
    if r.chance(0.4):
        sig = "--\n" + lead_sig["name"] + "\n" + lead_sig["title"] + (" | " + lead_sig["company"]
                                                                       if lead_sig["company"] else "")
        if r.chance(0.5):
            sig += "\n" + lead_sig["phone"]
        text += "\n\n" + sig
    elif r.chance(0.2):
        text += "\n\nSent from my iPhone"
    if r.chance(0.35):
        quoted = "\n".join("> " + ln if ln else ">" for ln in original_body.split("\n")[:8])
        if r.chance(0.7):
            hh = sent_dt.hour % 12 or 12
            head = "On %s at %d:%02d %s, %s <%s> wrote:" % (_date_words(sent_dt), hh, sent_dt.minute,
                                                             "AM" if sent_dt.hour < 12 else "PM", rep_name, rep_email)
            text += "\n\n" + head + "\n" + quoted
        else:
            text += ("\n\n-----Original Message-----\nFrom: %s <%s>\nSent: %s\nSubject: %s\n\n%s"
                     % (rep_name, rep_email, _date_words(sent_dt), original_subject,
                        "\n".join(original_body.split("\n")[:8])))
    return "Re: " + original_subject.replace("Re: ", ""), text
