"""Labelled training text for the reply-intent classifier: SYNTHETIC email replies composed from phrase banks written
for this purpose (not the sales simulator's, whose replies are kept as a separate evaluation set).

    /usr/bin/python3 ml/text/intent_data.py --per-class 5 --split train      # print a few, one JSON a line
    /usr/bin/python3 ml/text/intent_data.py --per-class 900 --out .closer/text/intent-train.jsonl

A reply is composed in two layers:
1. The new text: an optional greeting ("Hi Sam,", "Hello,", none) + one to three sentences from the label's banks
   (each label has several kinds, e.g. objection: budget, timing, contract, incumbent, in-house, security, price,
   approval, skepticism, fit) with slots filled from name, company, date, quarter, tool and role lists, sometimes with
   a label-neutral pleasantry ("Thanks for the note.") + an optional sign-off and name. Some replies are one-liners
   ("not interested", "remove me"), some are German or French, some are all lower case, some carry typos (a letter
   swapped, dropped or doubled in a word or two).
2. The raw reply around it, as mail clients write it: a signature ("-- " block, "Name\\nTitle | Company", phone),
   "Sent from my iPhone", a quoted chain below (Gmail "On ... wrote:" + "> " lines, Outlook "-----Original
   Message-----" or "From:/Sent:/To:/Subject:" headers, with an outbound email made up here), and a few HTML bodies.

Every record is {"id", "label", "split", "kind", "text" (raw), "new_text" (layer 1 without the sign-off: what a
correct stripper keeps)}. Labels: interested, objection, referral, unsubscribe, out_of_office, not_interested.

Validation is phrase-disjoint: every label bank entry belongs to the train or the validation split (every fifth
entry is validation), and a reply uses only its split's entries, so validation measures replies worded unlike any
training reply (fillers such as names, dates and greetings are shared). Generation is deterministic in (seed, split,
per_class); each label gets exactly per_class distinct new texts.
"""
import argparse
import json
import random
import sys

LABELS = ("interested", "objection", "referral", "unsubscribe", "out_of_office", "not_interested")
SPLITS = ("train", "validation")
VALIDATION_EVERY = 5  # bank entries i with i % 5 == 4 are validation-only

# ---------------------------------------------------------------------------------------------------------------
# Fillers (shared by every label and both splits)

FIRST = ["Anna", "Ben", "Carla", "Dev", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemi", "Lars", "Maya",
         "Nikhil", "Olga", "Pablo", "Quinn", "Rosa", "Sven", "Tara", "Umar", "Vera", "Wes", "Xin", "Yusuf", "Zoe",
         "Chloé", "Matthias", "Priya", "Tomás", "Aoife", "Bjorn", "Daniela", "Kofi", "Lena", "Raj"]
LAST = ["Meyer", "Okafor", "Lindqvist", "Patel", "Rossi", "Nakamura", "Dubois", "Schmidt", "Kowalski", "Garcia",
        "O'Neill", "Haddad", "Jensen", "Moreau", "Silva", "Fischer", "Chen", "Novak", "Brennan", "Adeyemi"]
COMPANY = ["Northwind Labs", "Brightpath", "Kestrel Analytics", "Harbor & Finch", "Velo Systems", "Quarry Health",
           "Alpenwerk GmbH", "Lumen Retail", "Cobalt Freight", "Tessellate", "Ridgeway Insurance", "Papillon SAS",
           "Oakline", "Nimbus Bank", "Fjord Logistics", "Sierra Biotech"]
ROLE = ["Head of Data", "VP Engineering", "our CTO", "the RevOps lead", "our Director of IT", "procurement",
        "the analytics team lead", "our COO", "the platform team", "our sales ops manager", "the CFO",
        "our head of marketing ops", "Head of Infrastructure", "the data platform owner"]
AREA = ["data tooling", "vendor evaluations", "anything in the analytics stack", "our CRM", "infrastructure buys",
        "sales tooling", "the reporting budget", "software purchasing", "that project", "the BI roadmap"]
TOOL = ["Salesforce", "HubSpot", "Snowflake", "BigQuery", "Tableau", "Looker", "Databricks", "Power BI", "SAP",
        "dbt", "Zendesk", "Slack"]
VENDOR = ["Gong", "Clari", "Outreach", "a competitor of yours", "another vendor", "Salesloft", "a tool we already have",
          "our current provider", "Apollo", "ZoomInfo"]
QUARTER = ["Q3", "Q4", "Q1", "Q2", "next quarter", "next year", "the new fiscal year", "the autumn", "January",
           "after the summer"]
WHEN = ["Tuesday afternoon", "Thursday at 2pm", "next week", "Monday morning", "Friday before noon", "Wednesday 10am CET",
        "sometime next week", "the 14th", "tomorrow after 3", "early next week"]
DATE = ["March 3", "3/14", "April 22nd", "Monday, June 9", "the 18th", "Oct 2", "2 September", "January 7th",
        "Friday 12th", "11/04", "the end of the month", "next Wednesday", "May 5", "15.08."]
DATE_DE = ["3. März", "14.03.", "22. April", "Montag, 9. Juni", "18.", "2. Oktober", "7. Januar", "Ende des Monats"]
DATE_FR = ["3 mars", "22 avril", "lundi 9 juin", "18", "2 octobre", "7 janvier", "vendredi 12"]
TITLE = ["Director of Data", "VP, Revenue Operations", "Head of IT", "Senior Engineering Manager", "Chief of Staff",
         "Operations Lead", "Data Platform Manager", "Procurement Specialist"]
REPS = [("Sam Carter", "sam.carter@closer-demo.io"), ("Priya Nair", "priya@closer-demo.io"),
        ("Jordan Blake", "j.blake@closer-demo.io"), ("Mia Santos", "mia.santos@closer-demo.io")]

GREETING = ["Hi {rep},", "Hello {rep},", "Hey {rep} -", "{rep},", "Dear {rep},", "Hi there,", "Hello,", "Morning {rep},",
            "Hi {rep}!", "Good afternoon,"]
PLEASANTRY = ["Thanks for the note.", "Thanks for reaching out.", "Appreciate you getting in touch.",
              "Hope your week is going well.", "Thanks for following up.", "Sorry for the slow reply.",
              "Got your email.", "Thanks for your message."]
SIGN_OFF = ["Thanks,", "Best,", "Cheers,", "Regards,", "Kind regards,", "Best regards,", "Thanks!", "All the best,"]
MOBILE = ["Sent from my iPhone", "Sent from my Android phone", "Get Outlook for iOS", "Sent from Mail for Windows"]

# ---------------------------------------------------------------------------------------------------------------
# Label banks: kind -> sentences. {first} {last} {company} {role} {role_plain} {area} {tool} {vendor} {quarter}
# {when} {date} {date_de} {date_fr} {n} {email} (a colleague's address) {title} are filled in.

BANKS = {
    "interested": {
        "meeting": [
            "Sounds interesting, happy to find 30 minutes.",
            "Yes, let's talk. Does {when} work for you?",
            "Sure, I can do a quick call {when}.",
            "This is timely. Can you send a few slots for {when}?",
            "Open to a chat. Grab any free time on my calendar.",
            "Let's set something up, I'm free {when}.",
            "ok, lets do a call",
            "Happy to hop on a call and hear more.",
            "Could we meet {when}? I'd like to bring a colleague.",
            "Yes please, book us in for a demo.",
            "I'd be glad to take a look, when are you available?",
            "Count me in for a short intro call.",
            "Works for me, send an invite for {when}.",
            "Let's connect. I'll have my assistant reach out to schedule.",
            "Go ahead and put something on the calendar for {when}.",
        ],
        "information": [
            "Can you send over pricing for a team of about {n}?",
            "Could you share a deck or a one-pager I can pass around internally?",
            "How does this integrate with {tool}? That would decide it for us.",
            "Do you have a case study from a company similar to {company}?",
            "What does onboarding look like and how long does it take?",
            "Is there a free trial we could run against our own data?",
            "Send me more details please.",
            "Interesting. What would it cost for {n} seats?",
            "Can you walk me through how the forecasting piece works?",
            "We'd want to see it working with {tool} before anything else, can you show that?",
            "Please send the security documentation and a price sheet, we are evaluating options.",
            "What's the typical rollout time for a team like ours?",
        ],
        "fit": [
            "We've actually been looking for something like this.",
            "This lines up with a project we're starting in {quarter}.",
            "Your timing is good, we're reviewing our {area} right now.",
            "Funny you mention it, reporting has been a pain point for us.",
            "We're evaluating tools this quarter, so yes, keen to learn more.",
            "I showed this to my team and they want to see more.",
            "We are currently replacing {vendor} and you're on the list.",
            "Definitely relevant for us.",
            "I'm interested.",
            "This could help us a lot.",
        ],
    },
    "objection": {
        "budget": [
            "We don't have budget for this until {quarter}.",
            "Budgets are frozen for the rest of the year, unfortunately.",
            "There's no money set aside for new tools right now.",
            "Our spending is on hold after the reorg, so nothing new this year.",
            "Finance cut our software budget, so it's hard to justify anything new before {quarter}.",
        ],
        "timing": [
            "Bad timing, we're in the middle of a migration. Check back in {quarter}.",
            "We can't take on another project before {quarter}.",
            "Too much going on right now with the launch, maybe revisit in {quarter}.",
            "We're heads down on a platform rebuild until {quarter}, reach out after that.",
            "Not right now, our team is stretched thin. Try me again in {quarter}?",
        ],
        "contract": [
            "We're under contract with {vendor} until {quarter}.",
            "We just signed a three-year deal with {vendor}, so we're locked in for now.",
            "Our agreement with {vendor} runs until {quarter}; happy to compare closer to renewal.",
            "We renewed with {vendor} last month.",
            "We're committed to {vendor} through {quarter}.",
        ],
        "incumbent": [
            "We already use {vendor} for this and it does the job.",
            "We have {vendor} in place and switching would be a big lift.",
            "Our team is pretty happy with {vendor} at the moment.",
            "We standardised on {vendor} across the company last year.",
            "{vendor} covers most of this for us already.",
        ],
        "in_house": [
            "We built our own tool for this internally.",
            "Our engineers maintain an in-house solution that works fine.",
            "We handle this with a homegrown setup on {tool}.",
            "We'd rather build this ourselves on top of {tool}.",
            "Our data team wrote something similar last year.",
        ],
        "security": [
            "We'd need SOC 2 Type II and data residency in the EU before we could consider it.",
            "Anything touching customer data has to go through a six-month security review.",
            "Our policy doesn't allow SaaS tools that store CRM data outside our cloud.",
            "Without an on-premise option this won't pass our compliance team.",
            "Security would block this unless you support SSO and audit logs.",
        ],
        "price": [
            "Looked at your pricing page, it's too expensive for a team our size.",
            "The price is well above what we pay today.",
            "At that price point it's hard to see the ROI for us.",
            "We can't justify the cost with only {n} users.",
            "Honestly the per-seat pricing is a dealbreaker.",
        ],
        "approval": [
            "Any new vendor needs sign-off from procurement and that takes months.",
            "I'd need to get {role} on board and they are not keen on new tools.",
            "Legal won't approve a new vendor this close to the audit.",
            "We have a vendor freeze until {quarter}.",
            "I like it, but I don't think I can get approval for it this year.",
        ],
        "skepticism": [
            "I'm not convinced this would work for a team our size.",
            "We've heard similar promises from other vendors and they didn't pan out.",
            "How is this different from what {tool} already gives us? I don't see it.",
            "Sounds good on paper, but our data is too messy for this to work.",
            "I doubt the forecasting is accurate enough to be useful for us.",
        ],
    },
    "referral": {
        "pointer": [
            "I'm not the right person for this. {first} {last} handles {area}, you can reach them at {email}.",
            "You'll want to talk to {first} {last}, our {title}. I've cc'd them here.",
            "This would be {role}'s call. Try {first} at {email}.",
            "Looping in {first} who owns {area}.",
            "{first} {last} ({email}) is the one to speak to about this.",
            "Please contact {first} {last} instead, they run {area} here.",
            "Best person is {first} on my team, adding them to this thread.",
            "Not my area, but {first} {last} in {role_plain} might be interested: {email}",
            "I'd suggest reaching out to {role} directly, {first} {last}.",
            "Forwarding this to {first}, who looks after {area}.",
            "{first} leads {area} now. I've copied {first} in.",
            "Reach out to {email}, that's {first}, our {title}.",
        ],
        "moved": [
            "I've moved to a different role and {first} {last} took over {area}.",
            "I no longer look after {area}; {first} {last} does now ({email}).",
            "I left {company} last month. Please contact {first} {last} at {email}.",
            "I've changed teams, {first} is your contact for this now.",
            "I'm not with the data team anymore, talk to {first} {last} instead.",
        ],
    },
    "unsubscribe": {
        "request": [
            "Please remove me from your mailing list.",
            "Unsubscribe.",
            "Take me off your list.",
            "Please stop emailing me.",
            "Remove me.",
            "Do not contact me again.",
            "Please unsubscribe me from these emails.",
            "STOP",
            "I'd like to opt out of all future emails.",
            "Stop sending me these messages.",
            "Please delete my email address from your database.",
            "remove me from this list",
            "Kindly take my address off your distribution list.",
            "I never signed up for this. Remove my email.",
            "Opt out.",
            "Please stop contacting me.",
            "No more emails please.",
            "unsubscribe me",
            "Take me off all your sequences and don't email me again.",
            "Please don't send me any more marketing emails.",
        ],
        "angry_or_legal": [
            "This is the fifth email. Stop emailing me or I'll report it as spam.",
            "Under GDPR I'm asking you to delete my data and stop contacting me.",
            "I have asked before: remove me from your list immediately.",
            "How did you get my address? Remove it and don't write again.",
            "Cease all contact with me.",
        ],
        "foreign": [
            "Bitte nehmen Sie mich aus Ihrem Verteiler.",
            "Bitte keine weiteren E-Mails an diese Adresse.",
            "Merci de me retirer de votre liste de diffusion.",
            "Je ne souhaite plus recevoir vos e-mails.",
            "Bitte löschen Sie meine Kontaktdaten.",
        ],
    },
    "out_of_office": {
        "auto": [
            "I am out of the office until {date} with limited access to email.",
            "Thank you for your email. I'm currently away and will return on {date}.",
            "I'm on annual leave until {date}. Your message will not be forwarded.",
            "I am travelling until {date} and will reply when I'm back.",
            "This is an automatic reply: I'm out of office through {date}.",
            "I'm currently on parental leave, returning {date}.",
            "I'm attending a conference and will be back in the office on {date}.",
            "I am away from my desk until {date} and checking email only occasionally.",
            "Thanks for your message. I'm on holiday until {date} without access to email.",
            "I'm out sick today and will respond as soon as I can.",
            "Out of office: back {date}.",
            "I'm offline until {date}.",
            "Auto-reply: I am on vacation and will respond after {date}.",
            "Currently out of the office, back {date}.",
            "Please note I'm on leave until {date}.",
        ],
        "cover": [
            "For anything urgent please contact {first} {last} at {email}.",
            "If it can't wait, {first} is covering for me: {email}.",
            "Urgent matters: {email}.",
            "In my absence please reach out to {role_plain}.",
            "I'll get back to you when I return.",
            "Emails will be read after my return.",
        ],
        "casual": [
            "On holiday until {date}, will get back to you after that.",
            "I'm on a plane most of this week, back at my desk {date}.",
            "I'm away until {date}, can we pick this up when I'm back?",
            "Out this week for a family thing, back {date}.",
            "Travelling with patchy wifi until {date}, I'll reply properly then.",
        ],
        "foreign": [
            "Ich bin bis {date_de} nicht im Büro und habe keinen Zugriff auf meine E-Mails.",
            "Vielen Dank für Ihre Nachricht. Ich bin bis einschließlich {date_de} im Urlaub.",
            "Je suis absent(e) du bureau jusqu'au {date_fr}.",
            "Merci pour votre message. Je suis en congé jusqu'au {date_fr} inclus.",
            "Ich bin derzeit abwesend und ab {date_de} wieder erreichbar.",
        ],
    },
    "not_interested": {
        "decline": [
            "Not interested, thanks.",
            "No thanks.",
            "We're not looking for anything like this.",
            "This isn't relevant for us.",
            "Not a priority for us.",
            "We'll pass.",
            "Thanks, but we're all set.",
            "not interested",
            "Not something we need.",
            "I don't think this is a fit for {company}.",
            "We're good, thanks.",
            "Appreciate it, but no.",
            "This isn't something we'd use.",
            "Pass for now.",
            "We have no need for this.",
            "Not for us, sorry.",
            "Thanks but I'm going to decline.",
            "No interest at this time.",
            "Nope, not interested.",
            "We're not going to move forward with this.",
        ],
        "close": [
            "Good luck with it.",
            "Best of luck.",
            "Thanks anyway.",
            "Appreciate the outreach though.",
            "I'll keep you in mind if anything changes.",
        ],
        "foreign": [
            "Kein Interesse, danke.",
            "Danke, aber das ist für uns nicht relevant.",
            "Merci, mais cela ne nous intéresse pas.",
            "Pas intéressé, merci.",
            "Nein danke, wir haben keinen Bedarf.",
        ],
    },
}

# How a label's new text is put together from its kinds: list of (probability, [kinds to draw one sentence from]).
RECIPES = {
    "interested": [(0.35, ["fit", "meeting"]), (0.25, ["meeting"]), (0.25, ["information"]),
                   (0.15, ["fit", "information"])],
    "objection": [(0.75, ["_one_objection"]), (0.25, ["_one_objection", "_one_objection"])],
    "referral": [(0.8, ["pointer"]), (0.2, ["moved"])],
    "unsubscribe": [(0.75, ["request"]), (0.15, ["angry_or_legal"]), (0.10, ["foreign"])],
    "out_of_office": [(0.4, ["auto", "cover"]), (0.3, ["auto"]), (0.15, ["casual"]), (0.15, ["foreign"])],
    "not_interested": [(0.6, ["decline"]), (0.3, ["decline", "close"]), (0.1, ["foreign"])],
}
OBJECTION_KINDS = ["budget", "timing", "contract", "incumbent", "in_house", "security", "price", "approval",
                   "skepticism"]
OBJECTION_TAIL = ["Maybe revisit in {quarter}.", "Feel free to check back later.", "If that changes I'll let you know.",
                  "Happy to talk again down the line.", "Sorry it's not better news.", "Ping me in {quarter}."]

OUTBOUND = [
    "Hi {first},\n\nI noticed {company} has been growing its data team. Teams like yours use Closer to see which "
    "deals will close and why.\n\nWorth a 20 minute call next week?\n\nBest,\n{rep}",
    "Hi {first},\n\nQuick follow-up on my note from last week about pipeline visibility. Would it help to see how "
    "similar companies cut their forecasting time in half?\n\n{rep}",
    "Hello {first},\n\nLast note from me on this. If reporting is not a focus for {company} this year, just let me "
    "know and I'll close the loop.\n\nThanks,\n{rep}",
]


def _split_entries(entries, split):
    keep = [e for i, e in enumerate(entries) if (i % VALIDATION_EVERY == VALIDATION_EVERY - 1) == (split == "validation")]
    if not keep:
        raise ValueError(f"a bank needs >= {VALIDATION_EVERY} entries to give both splits some: {entries[:2]}")
    return keep


def _slots(r):
    first, last = r.choice(FIRST), r.choice(LAST)
    domain = r.choice(COMPANY).split()[0].lower().replace("&", "") + ".com"
    email = r.choice(["{f}.{l}@{d}", "{f}@{d}", "{fi}{l}@{d}"]).format(
        f=first.lower(), l=last.lower().replace("'", ""), fi=first[0].lower(), d=domain)
    role = r.choice(ROLE)
    return {"first": first, "last": last, "email": email, "company": r.choice(COMPANY), "role": role,
            "role_plain": role.replace("our ", "").replace("the ", ""), "area": r.choice(AREA),
            "tool": r.choice(TOOL), "vendor": r.choice(VENDOR), "quarter": r.choice(QUARTER), "when": r.choice(WHEN),
            "date": r.choice(DATE), "date_de": r.choice(DATE_DE), "date_fr": r.choice(DATE_FR), "title": r.choice(TITLE), "n": r.choice([5, 8, 12, 20, 25, 40, 60, 150])}


def _typo(r, text):
    words = text.split(" ")
    candidates = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    for i in r.sample(candidates, min(len(candidates), r.choice([1, 1, 2]))):
        w = words[i]
        j = r.randrange(1, len(w) - 1)
        op = r.choice(["swap", "drop", "double"])
        words[i] = (w[:j] + w[j + 1] + w[j] + w[j + 2:] if op == "swap" else
                    w[:j] + w[j + 1:] if op == "drop" else w[:j] + w[j] + w[j:])
    return " ".join(words)


def _pick(r, recipes):
    x, acc = r.random(), 0.0
    for p, kinds in recipes:
        acc += p
        if x < acc:
            return kinds
    return recipes[-1][1]


def _body(r, label, split, slots):
    """The label's sentences (one string) and the kind that drove it."""
    banks = BANKS[label]
    sentences, kinds = [], []
    for kind in _pick(r, RECIPES[label]):
        if kind == "_one_objection":
            kind = r.choice(OBJECTION_KINDS)
        sentence = r.choice(_split_entries(banks[kind], split)).format_map(slots)
        sentence = sentence[0].upper() + sentence[1:]
        if sentence not in sentences:
            sentences.append(sentence)
            kinds.append(kind)
    if label == "objection" and r.random() < 0.4:
        sentences.append(r.choice(_split_entries(OBJECTION_TAIL, split)).format_map(slots))
    return " ".join(sentences), kinds[0]


def _compose(r, label, split):
    """(raw text, new text, kind) of one SYNTHETIC reply."""
    slots = _slots(r)
    rep_name, rep_email = r.choice(REPS)
    sender_first, sender_last = r.choice(FIRST), r.choice(LAST)
    body, kind = _body(r, label, split, slots)
    one_liner = len(body) < 40
    auto = label == "out_of_office" and kind in ("auto", "foreign")

    style = r.random()
    if style < 0.08:
        body = body.lower()
    elif style < 0.12 and one_liner:
        body = body.rstrip(".!").lower()
    if r.random() < 0.15 and not auto:
        body = _typo(r, body)

    lines = []
    if not auto and not one_liner and r.random() < 0.55:
        lines.append(r.choice(GREETING).format(rep=rep_name.split()[0]))
    elif auto and r.random() < 0.3:
        lines.append(r.choice(["Hello,", "Hi,", "Guten Tag,", "Bonjour,"]))
    if lines:
        lines.append("")
    if not auto and label not in ("unsubscribe",) and not one_liner and r.random() < 0.2:
        body = r.choice(PLEASANTRY) + " " + body
    if r.random() < 0.25 and not one_liner:
        # a paragraph break between sentences
        cut = body.find(". ")
        if cut > 0:
            body = body[:cut + 1] + "\n\n" + body[cut + 2:]
    lines.append(body)
    new_text = "\n".join(lines).strip()

    tail = []
    if r.random() < 0.55 and not one_liner:
        tail += ["", r.choice(SIGN_OFF), sender_first]
    x = r.random()
    if x < 0.3:
        company = r.choice(COMPANY)
        sig = [sender_first + " " + sender_last, r.choice(TITLE) + (" | " + company if r.random() < 0.6 else "")]
        if r.random() < 0.5:
            sig.append("+%d %d %d" % (r.choice([1, 44, 49, 33]), r.randint(100, 999), r.randint(1000000, 9999999)))
        tail += ["", "-- "] + sig if r.random() < 0.5 else [""] + sig
    elif x < 0.4:
        tail += ["", r.choice(MOBILE)]

    quote = []
    if r.random() < 0.35:
        outbound = r.choice(OUTBOUND).format(first=sender_first, company=r.choice(COMPANY), rep=rep_name)
        y = r.random()
        if y < 0.6:
            quote = ["", "On %s, %s %d, 2026 at %d:%02d %s, %s <%s> wrote:" % (
                r.choice(["Mon", "Tue", "Wed", "Thu", "Fri"]), r.choice(["Mar", "Apr", "May", "Jun"]),
                r.randint(1, 28), r.randint(1, 12), r.randint(0, 59), r.choice(["AM", "PM"]), rep_name, rep_email)]
            quote += ["> " + ln if ln else ">" for ln in outbound.split("\n")]
        elif y < 0.85:
            quote = ["", "-----Original Message-----", "From: %s <%s>" % (rep_name, rep_email),
                     "Sent: Tuesday, April %d, 2026 9:%02d AM" % (r.randint(1, 28), r.randint(0, 59)),
                     "To: %s %s" % (sender_first, sender_last), "Subject: Quick question", ""] + outbound.split("\n")
        else:
            quote = ["", "________________________________", "From: %s <%s>" % (rep_name, rep_email),
                     "Sent: Thursday, May %d, 2026 14:%02d" % (r.randint(1, 28), r.randint(0, 59)),
                     "Subject: RE: Quick question", ""] + outbound.split("\n")

    raw = "\n".join(lines + tail + quote).strip()
    if r.random() < 0.08:
        raw = _html(r, new_text, tail, quote)
    return raw, new_text, kind


def _html(r, new_text, tail, quote):
    esc = lambda s: s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")  # noqa: E731
    paras = "".join("<div>%s</div>" % (esc(p) if p else "<br>") for p in new_text.split("\n"))
    sig = "".join("<div>%s</div>" % esc(t) for t in tail if t)
    body = '<div dir="ltr">' + paras + (
        '<div><br></div><div class="gmail_signature">' + sig + "</div>" if sig else "") + "</div>"
    if quote:
        body += ('<br><div class="gmail_quote"><div class="gmail_attr">%s</div><blockquote class="gmail_quote">%s'
                 "</blockquote></div>" % (esc(quote[1]), "<br>".join(esc(q.lstrip("> ")) for q in quote[2:])))
    return "<html><body>" + body + "</body></html>" if r.random() < 0.5 else body


def generate(per_class, split="train", seed=1337):
    """per_class replies for every label, in label order, with distinct new texts within a label."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}")
    r = random.Random(f"{seed}:{split}")
    rows = []
    for label in LABELS:
        seen, made, tries = set(), 0, 0
        while made < per_class:
            tries += 1
            if tries > per_class * 200:
                raise RuntimeError(f"{label}: only {made} distinct texts after {tries} tries")
            raw, new_text, kind = _compose(r, label, split)
            key = " ".join(new_text.lower().split())
            if key in seen:
                continue
            seen.add(key)
            rows.append({"id": f"gen-{split}-{label}-{made:05d}", "label": label, "split": split, "kind": kind,
                         "text": raw, "new_text": new_text})
            made += 1
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--per-class", type=int, default=5)
    ap.add_argument("--split", choices=SPLITS, default="train")
    ap.add_argument("--seed", type=int, default=1337)
    ap.add_argument("--out", default="-")
    args = ap.parse_args()
    rows = generate(args.per_class, args.split, args.seed)
    out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8")
    with out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
