"""SYNTHETIC sales-call transcripts (discovery, demo, negotiation) and the conversation metrics measured on them.

A call is built in two passes. (1) A timing skeleton: alternating turns whose lengths, runs (monologues),
overlaps (interruptions) and pauses follow the rep's style (effects.STYLE) with per-call noise. (2) Text: each
turn gets words for its duration (~2.5 words/s) from phrase banks for the call type, the phase of the call and the
speaker's role; exactly Q rep turns are questions (end with '?'); fillers are inserted at the style's rate; the
rep names next steps near the end with the style's probability; the prospect may name a competitor.

`metrics()` measures what conversation-analytics tools report, from the utterances alone:
talk ratio (rep speaking time / all speaking time), rep questions (rep utterances ending in '?'), longest rep
monologue (longest run of consecutive rep utterances, first start to last end), rep interruptions (rep utterances
starting before the previous prospect utterance ended) per 10 minutes, fillers per 100 rep words, next steps
(a rep utterance in the last 20% of the call containing "next step"), competitor and pricing mentions.
"""
from .effects import STYLE

WPS = {"rep": 2.6, "prospect": 2.4}
BACKCHANNEL = ["Yeah.", "Right.", "Mm-hmm.", "Got it.", "Makes sense.", "Okay.", "Sure.", "Yep.", "Exactly.",
               "Oh, interesting.", "Totally.", "Uh-huh.", "Fair enough.", "Yes."]
FILLER_START = ["Um, ", "Uh, ", "So, um, ", "Yeah, so, ", "I mean, ", "You know, ", "Like, "]
FILLER_MID = ["um,", "uh,", "you know,", "like,", "I mean,"]

# ----------------------------------------------------------------------------- phrase banks: (call type, phase)
# Templates: {slots} are filled per sentence; list-valued slots (SLOTS) draw a fresh value each time.
SLOTS = {
    "tool": ["Salesforce", "HubSpot", "Snowflake", "BigQuery", "Redshift", "Looker", "Tableau", "Power BI", "Excel",
             "dbt", "Fivetran", "Segment", "Google Sheets", "Databricks"],
    "metric": ["pipeline coverage", "ARR", "net revenue retention", "churn", "bookings", "win rate", "product usage",
               "CAC payback", "forecast accuracy", "expansion revenue", "activation rate", "renewal rate"],
    "team": ["finance", "sales ops", "marketing", "the board", "product", "customer success", "the exec team",
             "the regional leads", "our CFO", "the data team"],
    "weeks": ["two", "three", "four", "six", "eight"],
    "num": ["three", "four", "five", "a dozen", "twenty", "forty"],
    "when": ["last quarter", "last year", "in the spring", "two months ago", "when we switched CRMs",
             "after the reorg", "during the last board cycle"],
    "feature": ["the metrics layer", "lineage", "alerting", "row-level permissions", "the Salesforce sync",
                "the spreadsheet add-on", "version history", "freshness checks", "the API", "SSO"],
}
REP = {
    "open": ["Hi {p_first}, thanks for making the time today.", "Good to meet you, {p_first}.",
             "I'm {r_first}, I look after accounts like {company} here at {seller}.",
             "Thanks for joining, I know it's a busy time of year.",
             "Looks like you're dialing in from {country} today.",
             "Let me just close a couple of windows here.", "Glad we could find a slot that worked.",
             "I've got a hard stop at the hour as well, so we're aligned."],
    "agenda": ["I was thinking we'd spend most of the time on your side, then I can share a bit about us.",
               "My goal for today is to understand how you handle {topic} and whether we can help.",
               "We have about {mins} minutes; I'd love to leave ten at the end for questions.",
               "If by the end it doesn't look like a fit, I'll tell you that honestly.",
               "I did a bit of homework on {company} beforehand, but I'd rather hear it from you.",
               "I'll keep the slides to a minimum today."],
    "discover": ["That's really helpful context.", "So if I'm hearing you right, the hard part is {pain}.",
                 "A lot of teams we work with describe the same thing.",
                 "That makes sense given the growth you've had.",
                 "Let me play that back to make sure I understood it.", "That's a common pattern at your size.",
                 "Interesting, I wouldn't have guessed that.",
                 "Okay, so the reporting lands on your team in the end.",
                 "So {metric} gets rebuilt by hand every time {team} asks for it.",
                 "We see that a lot when {tool} is the system of record and nobody owns the definitions.",
                 "Got it, so the numbers in {tool} and the numbers in {tool} don't line up.",
                 "That sounds like it costs your analysts a good part of every week.",
                 "And I imagine {team} notices when the numbers move between meetings.",
                 "Right, so it's less a tooling problem and more an ownership problem.",
                 "That lines up with what we heard from {peer} before they switched.",
                 "Okay, I'm writing that down, that's important.",
                 "So the pressure is really coming from {team}."],
    "position": ["Where we usually help is making one definition of each metric and reusing it everywhere.",
                 "{seller} sits between your CRM, your product data and your warehouse.",
                 "Customers like {peer} used us to cut the weekly reporting work by a third.",
                 "The short version is that your analysts stop being the bottleneck.",
                 "We handle the connectors and the monitoring, so your engineers don't have to.",
                 "For a team your size, most of the value shows up in the first {weeks} weeks.",
                 "The piece most teams start with is {feature}.",
                 "We wouldn't replace {tool}, we'd make what's in it trustworthy."],
    "recap": ["Last time you mentioned {pain}, so I built today's session around that.",
              "Just to recap what we heard from you and the team last time.",
              "I've added a couple of things based on the questions {p_first} raised.",
              "Since we spoke, I talked to our solutions team about your setup with {tool}.",
              "You said {team} was the main audience, so I'll focus there."],
    "demo": ["So this is the home view, every metric here comes from one definition.",
             "If I click into pipeline, you can see it broken down by segment and by owner.",
             "Here's where you'd connect {tool}, it takes about five minutes.",
             "This lineage view shows exactly which tables feed this number.",
             "Now let me show you {feature}, this is the part customers usually like most.",
             "You can set row-level permissions here, so each team only sees its own accounts.",
             "And this is the same metric pulled into a spreadsheet, still live.",
             "Let me switch over to the admin console for a second.",
             "This dashboard was built by one analyst at {peer} in an afternoon.",
             "Behind the scenes we're syncing every fifteen minutes and repairing schema changes.",
             "You can see the freshness of every source at the top.",
             "Everything here is versioned, so you can see who changed a definition and when.",
             "Here I'm defining {metric} once, and every dashboard picks it up.",
             "If {team} wants a different cut, they can do it without filing a ticket.",
             "Let me zoom in a bit, this screen is dense.",
             "This is sample data, but it's shaped like what you'd have in {tool}.",
             "So if a field gets renamed in {tool}, we catch it here before anything breaks.",
             "The alert goes to Slack or email, whichever your team prefers."],
    "qa": ["Good question, let me show you rather than tell you.", "Yes, that works out of the box.",
           "That's on our roadmap for next quarter, I can share the details.",
           "We'd handle that with a custom connector, a few customers do the same.",
           "Onboarding usually takes {weeks} weeks, with a named engineer on our side.",
           "Yes, we support SSO with Okta and Azure AD.",
           "Data can stay in the EU region, that's a setting per workspace."],
    "commercial": ["Based on the scope we discussed, the proposal comes in at the Business tier.",
                   "The pricing is per seat with a platform fee, and seats are pooled across teams.",
                   "If you sign for two years we can hold this price and add premium support.",
                   "I've included onboarding and the first three connectors in the quote.",
                   "I can bring a small discount to my manager if we can commit this quarter.",
                   "The cost is lower than one data engineer's time, which is how most teams justify it.",
                   "We can phase it, starting with {team} and adding seats later.",
                   "Billing can be annual or quarterly, annual is a bit cheaper."],
    "objections": ["I hear you on the budget, let's look at what a smaller first phase would cost.",
                   "That's a fair concern, most teams worry about adoption at first.",
                   "On security, we can send our SOC 2 report and pen test summary today.",
                   "Compared to building it in-house, the maintenance is what usually tips it.",
                   "We can put a success plan in the contract with clear milestones.",
                   "If {team} needs a reference, {peer} is happy to take a call."],
    "plan": ["Let's talk about what a rollout would look like.", "I'd like to understand who else needs to weigh in.",
             "I can put together a short business case for {team}.",
             "Typically the security review is the longest step, so let's start that early.",
             "I'll send over the technical questionnaire after this.",
             "We could scope a pilot with just {team} first."],
    "close": ["Thanks again for the time today.", "This was really useful.",
              "I appreciate you walking me through all of that.", "Great talking with you.",
              "Enjoy the rest of your week.", "I'll send the recording and my notes."],
}
REP_TONE_PUSHY = ["Honestly, teams that wait usually regret it.", "I really think this is a no-brainer for you.",
                  "Trust me, this is exactly what you need.",
                  "We can get this done before the end of the quarter, easily.",
                  "Let me just finish this point, it's important.",
                  "I've seen this a hundred times, it will work for you."]
REP_Q = {
    "open": ["How's your week going so far?", "Did you get a chance to look at the agenda I sent?",
             "Can you hear me okay?"],
    "agenda": ["Does that agenda work for you?", "Is there anything you'd add to that?",
               "What would make this call a good use of your time?"],
    "discover": ["Can you walk me through how you report on {topic} today?",
                 "What happens when two dashboards show different numbers?", "Who else feels this pain on your side?",
                 "How much time does your team spend on ad-hoc requests each week?",
                 "What tools are you using for this today?", "What made you start looking at this now?",
                 "If you could fix one thing here, what would it be?", "How are you measuring success for this?",
                 "What does your timeline look like for making a change?",
                 "Who else would be involved in a decision like this?",
                 "Is there budget set aside for this, or would we need to build a case?",
                 "What have you tried so far?", "Help me understand what the impact is when the forecast is wrong?",
                 "How does the data get from {tool} into your warehouse today?",
                 "Where does that process usually break?", "How big is the data team today?",
                 "What would it mean for you personally if this got solved?",
                 "How do you decide which tools to evaluate?", "What happens if nothing changes this year?",
                 "Are you looking at any other options?", "How does {team} consume {metric} today?",
                 "When was the last time the numbers didn't match, and what happened?",
                 "Who owns the definition of {metric}?"],
    "position": ["Does that resonate with what you're seeing?", "Would that be useful for your team?"],
    "recap": ["Did I capture that correctly?", "Has anything changed since we last spoke?"],
    "demo": ["Does this look like how your team would use it?", "Is this the level of detail you'd need?",
             "Would your analysts build this, or the business users?",
             "How does that compare with your current setup?",
             "Would {team} look at this view, or something simpler?"],
    "qa": ["What other questions came up from the team?", "Does that answer it?"],
    "commercial": ["How does that compare to what you had budgeted?", "Who needs to sign off on the order form?",
                   "What does your procurement process look like?", "Is a two-year term something you'd consider?"],
    "objections": ["What would need to be true for this to move forward?",
                   "Is it the total or the timing that's hard?"],
    "plan": ["Who else should see this before a decision?", "When does your budget cycle start?"],
    "close": ["Anything else I should know before we wrap up?", "Does that sound like a plan?"],
}
PROSPECT = {
    "open": ["Hi, yeah, good to meet you too.", "Busy, but good, thanks for asking.", "Yes, I can hear you fine.",
             "I've got {p2_first} joining as well, they run the analytics side.",
             "Sorry, I'm a couple of minutes late.",
             "Quarter-end, so it's a bit hectic."],
    "agenda": ["Sounds good to me.", "That works, I'm mostly curious how you compare to what we have.",
               "Sure, I have a hard stop at the top of the hour.", "Fine by me, let's keep it practical."],
    "discover": ["Right now it's mostly spreadsheets and a couple of dashboards nobody fully trusts.",
                 "The biggest issue is {pain}, honestly.",
                 "We have about {n} people on the data team, and they're stretched.",
                 "Every quarter we spend a week reconciling numbers before the board meeting.",
                 "Sales ops pulls one number, finance pulls another, and then we argue about it.",
                 "We tried building something in-house but the engineer who owned it left {when}.",
                 "Our warehouse is {tool}, and we use {tool} on the go-to-market side.",
                 "Leadership wants a single forecast by the end of the year.",
                 "It's mostly me and one analyst doing this.",
                 "The requests come in through Slack, and it's chaos.",
                 "Timing-wise, we'd want something live before next quarter's planning.",
                 "I'd need to bring in our head of IT for anything touching customer data.",
                 "We don't really have a budget line for it yet, but if the case is there we'd find it.",
                 "{metric} is the one that always causes arguments.",
                 "We moved to {tool} {when} and it's been messy since.",
                 "{team} keeps asking for {metric} by segment, and it takes us days.",
                 "Honestly we have {num} different versions of the pipeline report.",
                 "The data is fine in {tool}, the problem is getting it anywhere else.",
                 "Our CRM hygiene is not great, I'll admit that.", "Most of the logic lives in {tool} right now.",
                 "We lost a couple of days {when} because a sync broke and nobody noticed.",
                 "I'd say we spend {num} hours a week just answering one-off questions."],
    "position": ["Okay, that's interesting.", "That's basically the problem we have.",
                 "Okay, so you'd sit on top of {tool}.", "That would help {team} a lot."],
    "recap": ["Yeah, that's right.", "Mostly the same, we've added a second region since.",
              "One thing to add: {team} is now involved too."],
    "demo": ["That's nice, the lineage view especially.", "Okay, and that updates automatically.",
             "Our analysts would love that.", "{team} would mostly care about this screen.",
             "That's cleaner than what we have.", "Okay, I see how that would save time.",
             "Hmm, our data is messier than the sample."],
    "qa": ["What about data residency, we have EU customers?", "How long does onboarding usually take?",
           "Do you support SSO with Okta?", "Can it handle our custom objects in {tool}?",
           "How would permissions work for the regional teams?"],
    "commercial": ["That's a bit higher than what we had in mind.", "Procurement will want to see a few options.",
                   "We'd need legal to review the DPA.", "Quarterly billing would be easier for us.",
                   "The price is fine if we can start with two teams.", "I need to take this to our CFO.",
                   "Our fiscal year starts in {when_fy}, which matters for timing."],
    "objections": ["My concern is adoption, we've bought tools before that nobody used.",
                   "Honestly the budget is tight this year.", "Our engineers think they could build this.",
                   "Security review takes about six weeks here.", "I'm not sure {team} will change how they work."],
    "plan": ["I'll need to loop in {team} before we commit.", "A pilot with one team makes sense to me.",
             "Send me the questionnaire and I'll get IT started.", "Realistically we could decide in {weeks} weeks."],
    "close": ["Thanks, this was helpful.", "Sounds good, talk soon.", "Great, appreciate it.", "Thanks, you too."],
}
PROSPECT_Q = ["What does pricing look like for a team our size?", "How is this different from what our BI tool does?",
              "How long does implementation take?", "Do you have customers in our industry?",
              "Who would we work with on onboarding?"]
COMPETITOR_LINES = ["We're also looking at {competitor}, to be transparent.",
                    "We had a demo from {competitor} last week.", "Right now we use {competitor} for part of this.",
                    "How do you compare to {competitor}?"]
PRICING_LINES_REP = ["On pricing, it depends on seats and connectors, but for your size it's usually mid five figures.",
                     "I can walk you through pricing now or send it after, whichever you prefer.",
                     "The price includes onboarding, so there's no separate services fee."]
NEXT_STEPS = ["So for next steps, I'll send over a summary today and let's get 30 minutes with {p2_or_team} on the "
              "calendar for {day}.",
              "In terms of next steps, I'll put together the proposal and we'll review it together on {day}.",
              "Next steps: you'll loop in IT for the security review, and I'll book the technical deep dive for {day}.",
              "Let's agree on next steps now: I'll hold {day} at 10 for the follow-up.",
              "As a next step, I'll send the order form and we'll walk through it with your CFO on {day}."]
VAGUE_CLOSE = ["I'll follow up by email.", "Let me know what you think after you've discussed it internally.",
               "I'll send over some materials and we can take it from there.",
               "Feel free to reach out with questions."]
GENERAL = ["Yeah, that's fair.", "I think that's right.", "We can come back to that later.",
           "Let me think about that.",
           "That's a good point.", "Okay, that makes sense.", "Right, exactly.",
           "I hadn't thought about it that way.",
           "Let me check my notes.", "Sorry, go ahead.", "No, that's helpful.", "Good, good.", "Yeah, totally.",
           "Sorry, you cut out for a second.", "Okay.", "Sure, that works."]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
MAIN = {"discovery": "discover", "demo": "demo", "negotiation": "commercial"}
SHORT = {"open": "agenda", "agenda": None, "recap": None, "close": "plan", "plan": None, "position": None,
         "qa": None, "objections": None}
PHASES = {
    "discovery": [(0.035, "open"), (0.09, "agenda"), (0.68, "discover"), (0.82, "position"), (0.95, "plan"),
                  (1.01, "close")],
    "demo": [(0.03, "open"), (0.10, "recap"), (0.62, "demo"), (0.80, "qa"), (0.95, "plan"), (1.01, "close")],
    "negotiation": [(0.04, "open"), (0.15, "recap"), (0.60, "commercial"), (0.78, "objections"), (0.95, "plan"),
                    (1.01, "close")],
}
DURATION_MIN = {"discovery": (25, 45), "demo": (35, 60), "negotiation": (20, 40)}
QUESTION_SCALE = {"discovery": 1.0, "demo": 0.55, "negotiation": 0.45}
TITLES = {"discovery": ["Discovery call - {company} <> {seller}", "{company} / {seller} intro",
                        "{seller} x {company}: discovery"],
          "demo": ["{seller} demo for {company}", "Product walkthrough - {company}", "{company} <> {seller} demo"],
          "negotiation": ["Commercials - {company}", "{company}: proposal review",
                          "Pricing & next steps - {company}"]}


def _phase(kind, frac):
    for end, name in PHASES[kind]:
        if frac < end:
            return name
    return "close"


def skeleton(r, style, call_type, duration_ms, tone_noise):
    """Turn timings: list of [role_idx, start_ms, end_ms]; role 0 = rep, 1 = prospect."""
    s = STYLE[style]
    talk = min(0.85, max(0.2, s["talk"] + tone_noise))
    cont_r = s["cont"]
    cont_p = 0.15
    # utterances per run -> rep/prospect duration medians that reach the talk share target
    n_ratio = (1.0 / (1.0 - cont_r)) / (1.0 / (1.0 - cont_p))
    d_p = 8.5
    d_r = max(2.0, min(22.0, talk / (1.0 - talk) * d_p / n_ratio))
    pitch_s = s["pitch"] * 60.0 * (1.0 if call_type == "demo" else 0.35) * r.uniform(0.5, 1.5)
    pitch_at = r.uniform(0.25, 0.55) * duration_ms
    turns = []
    t = r.randint(500, 3000)
    role = 0
    prev_end = 0
    p_int = s["interrupt"]
    u = r.u
    normal = r.normal
    while t < duration_ms:
        if role == 0 and pitch_s > 0 and t >= pitch_at:
            # a pitch block: consecutive long rep utterances (a monologue)
            left = pitch_s * 1000.0
            while left > 0 and t < duration_ms:
                d = min(30000, max(8000, int(left if left < 30000 else u() * 14000 + 16000)))
                turns.append([0, t, t + d])
                t += d + int(200 + u() * 700)
                left -= d
            pitch_s = 0
            prev_end = turns[-1][2]
            role = 1
            continue
        med = d_r if role == 0 else d_p
        d = med * 2.718281828 ** (0.65 * normal())
        d = 1.0 if d < 1.0 else (30.0 if d > 30.0 else d)
        dm = int(d * 1000)
        turns.append([role, t, t + dm])
        prev_end = t + dm
        # next speaker
        if u() < (cont_r if role == 0 else cont_p):
            t = prev_end + int(150 + u() * 900)
            continue
        role = 1 - role
        inter = p_int if role == 0 else 0.04
        if u() < inter and dm > 1500:
            t = prev_end - int(300 + u() * min(2500, dm - 800))
        elif u() < 0.04:
            t = prev_end + int(3000 + u() * 5000)           # a long pause
        else:
            t = prev_end + int(150 + r.expo(600))
    return turns


class _Slots(dict):
    """format_map mapping: fixed per-call values, and a fresh draw from SLOTS for list-valued slots."""
    __slots__ = ("r",)

    def __missing__(self, key):
        return self.r.choice(SLOTS[key])


def _fill(s, c):
    return s.format_map(c) if "{" in s else s


class _Decks:
    """Per-call shuffled decks of each phrase bank, dealt in turn, so a call rarely repeats itself."""
    __slots__ = ("r", "d")

    def __init__(self, r):
        self.r = r
        self.d = {}

    def deal(self, bank):
        k = id(bank)
        e = self.d.get(k)
        if e is None or e[1] >= len(e[0]):
            lst = list(bank)
            self.r.shuffle(lst)
            e = self.d[k] = [lst, 0]
        e[1] += 1
        return e[0][e[1] - 1]


def _text(r, decks, bank, words_target, c, then=None):
    """Sentences for about words_target words: from `bank`, moving on to `then` after two (short phases)."""
    out = []
    n = 0
    while n < words_target:
        b = then if (then is not None and len(out) >= 2) else bank
        s = _fill(decks.deal(GENERAL if r.u() < 0.2 else b), c)
        out.append(s)
        n += len(s.split())
        if len(out) > 6:
            break
    return " ".join(out)


def generate(r, call_type, style, ctx, with_text=True):
    """Returns (utterances, metrics). ctx: rep/prospect names, company, topic, pain, competitor chance, ..."""
    s = STYLE[style]
    lo, hi = DURATION_MIN[call_type]
    duration_ms = int(r.uniform(lo, hi) * 60000)
    turns = skeleton(r, style, call_type, duration_ms, r.normal(0, 0.05))
    rep_idx = [i for i, tr in enumerate(turns) if tr[0] == 0]
    # questions: exactly q rep turns (not the pitch block's long turns), weighted to the questioning phases
    q_target = max(0, int(round(r.normal(s["q"][0], s["q"][1]) * QUESTION_SCALE[call_type])))
    cands = [i for i in rep_idx if turns[i][2] - turns[i][1] < 16000 and i > 1]
    weights = []
    for i in cands:
        ph = _phase(call_type, turns[i][1] / duration_ms)
        weights.append(3.0 if ph in ("discover", "demo", "qa", "commercial") else 1.0)
    qset = set()
    if cands:
        pairs = list(zip(cands, weights))
        while len(qset) < min(q_target, len(cands)):
            qset.add(r.pick_pairs(pairs))
    next_steps = r.chance(s["next"] * ctx.get("next_steps_mult", 1.0))
    competitor = r.chance(ctx["competitor_p"])
    pricing_p = {"discovery": 0.25, "demo": 0.5, "negotiation": 1.0}[call_type]
    pricing = r.chance(pricing_p)
    tail_start = 0.8 * duration_ms
    # where the special lines go
    rep_tail = [i for i in rep_idx if turns[i][1] >= tail_start and i not in qset]
    ns_at = rep_tail[-2] if len(rep_tail) >= 2 else (rep_tail[-1] if rep_tail else None)
    pros_idx = [i for i, tr in enumerate(turns) if tr[0] == 1]
    mid_pros = [i for i in pros_idx if 0.15 * duration_ms < turns[i][1] < 0.8 * duration_ms]
    comp_at = r.choice(mid_pros) if competitor and mid_pros else None
    price_at = r.choice(mid_pros) if pricing and mid_pros else None
    filler_rate = s["filler"]          # fillers per 100 rep words
    pushy = style in ("talker", "interrupter")
    c = _Slots(ctx["fmt"])
    c.r = r
    c["competitor"] = ctx["competitor"]
    c["when_fy"] = r.choice(["January", "April", "July", "October"])
    c["day"] = r.choice(DAYS)
    c["mins"] = duration_ms // 60000
    decks = _Decks(r)
    utts = []
    rep_words = 0
    fillers = 0
    rep_name, p_names = ctx["rep_name"], ctx["prospect_names"]
    for i, (role, st, en) in enumerate(turns):
        ph = _phase(call_type, st / duration_ms)
        dur_s = (en - st) / 1000.0
        if role == 0:
            speaker = rep_name
            if not with_text:
                utts.append({"speaker": speaker, "role": "rep", "startMs": st, "endMs": en, "text": ""})
                continue
            wt = int(dur_s * WPS["rep"])
            if i == ns_at and next_steps:
                ns = _fill(decks.deal(NEXT_STEPS), c)
                text = (_text(r, decks, REP["close"], wt - len(ns.split()), c) + " " + ns) if wt > 30 else ns
            elif i == ns_at:
                text = _fill(decks.deal(VAGUE_CLOSE), c)
            elif i in qset:
                q = _fill(decks.deal(REP_Q[ph]), c)
                rest = wt - len(q.split())
                text = (_text(r, decks, REP[ph], rest, c) + " " + q) if rest > 4 else q
            elif wt < 4:
                text = decks.deal(BACKCHANNEL)
            else:
                nxt = SHORT.get(ph, None)
                text = _text(r, decks, REP[ph], wt, c, REP[nxt or MAIN[call_type]] if ph in SHORT else None)
                if pushy and r.u() < 0.15:
                    text += " " + decks.deal(REP_TONE_PUSHY)
                if price_at is not None and ph in ("commercial", "qa", "position") and r.u() < 0.2:
                    text += " " + decks.deal(PRICING_LINES_REP)
            nw = text.count(" ") + 1
            k = r.poisson(filler_rate * nw / 100.0)
            if k:
                text = _add_fillers(r, text, k)
                fillers += k
            rep_words += nw
        else:
            speaker = p_names[0] if len(p_names) == 1 or r.u() < 0.7 else p_names[1]
            if not with_text:
                utts.append({"speaker": speaker, "role": "prospect", "startMs": st, "endMs": en, "text": ""})
                continue
            wt = int(dur_s * WPS["prospect"])
            if i == comp_at:
                text = _fill(decks.deal(COMPETITOR_LINES), c)
            elif i == price_at:
                text = ("What does pricing look like for a team our size?" if call_type != "negotiation"
                        else _fill(decks.deal(PROSPECT["commercial"]), c))
            elif wt < 4:
                text = decks.deal(BACKCHANNEL)
            else:
                nxt = SHORT.get(ph, None)
                text = _text(r, decks, PROSPECT[ph], wt, c,
                             PROSPECT[nxt or MAIN[call_type]] if ph in SHORT else None)
                if r.u() < 0.05:
                    text += " " + decks.deal(PROSPECT_Q)
            k = r.poisson(2.5 * (text.count(" ") + 1) / 100.0)
            if k:
                text = _add_fillers(r, text, k)
        utts.append({"speaker": speaker, "role": "rep" if role == 0 else "prospect", "startMs": st, "endMs": en,
                     "text": text})
    m = metrics_from_turns(turns, duration_ms)
    m.update(call_type=call_type, questions=len(qset), next_steps=bool(next_steps and ns_at is not None),
             competitor=comp_at is not None, pricing=price_at is not None,
             fillers_per_100_words=(100.0 * fillers / rep_words) if rep_words else filler_rate,
             duration_s=round(duration_ms / 1000.0))
    return utts, m


def _add_fillers(r, text, k):
    """Insert k filler words: the first one at the start half of the time, the rest after random words."""
    words = text.split(" ")
    if r.u() < 0.5:
        f = r.choice(FILLER_START)
        words[0] = f + (words[0][:1].lower() + words[0][1:] if words[0][:1] != "I" else words[0])
        k -= 1
    for _ in range(k):
        if len(words) < 3:
            break
        for _try in range(4):   # not after a sentence end, not inside a name
            pos = 1 + int(r.u() * (len(words) - 2))
            w = words[pos - 1]
            if w[-1:] not in ".?!" and not words[pos][:1].isupper():
                break
        else:
            continue
        if w[-1:] not in ",;:":
            words[pos - 1] = w + ","
        words.insert(pos, r.choice(FILLER_MID))
    return " ".join(words)


def metrics_from_turns(turns, duration_ms):
    rep_ms = pros_ms = 0
    longest = cur_start = cur_end = 0
    in_run = False
    interruptions = 0
    prev = None
    for role, st, en in turns:
        if role == 0:
            rep_ms += en - st
            if in_run:
                cur_end = en
            else:
                in_run, cur_start, cur_end = True, st, en
            if prev is not None and prev[0] == 1 and st < prev[2]:
                interruptions += 1
        else:
            pros_ms += en - st
            if in_run:
                longest = max(longest, cur_end - cur_start)
                in_run = False
        prev = (role, st, en)
    if in_run:
        longest = max(longest, cur_end - cur_start)
    total = rep_ms + pros_ms
    return dict(talk_ratio=rep_ms / total if total else 0.0, longest_monologue_s=longest / 1000.0,
                interruptions_per_10min=interruptions / (duration_ms / 600000.0), interruptions=interruptions)


# longest rep monologue medians (s) per style and call type, measured on generated transcripts (see generate)
_MONO = {"listener": 33, "balanced": 45, "talker": 100, "interrupter": 72, "interrogator": 47}
_MONO_TYPE = {"discovery": 1.0, "demo": 2.2, "negotiation": 1.0}
_INTERRUPT = {"listener": 0.8, "balanced": 1.1, "talker": 1.25, "interrupter": 5.7, "interrogator": 1.65}


def quick_metrics(r, call_type, style, competitor_p):
    """Metrics of a call that is not recorded (the --call-fraction shortcut): drawn from the distributions that
    `generate` produces for the style, without building the transcript."""
    s = STYLE[style]
    talk = min(0.85, max(0.2, r.normal(s["talk"], 0.05)))
    return dict(call_type=call_type, talk_ratio=talk,
                questions=max(0, int(round(r.normal(s["q"][0], s["q"][1]) * QUESTION_SCALE[call_type]))),
                longest_monologue_s=r.lognormal(_MONO[style] * _MONO_TYPE[call_type], 0.35),
                interruptions_per_10min=r.lognormal(_INTERRUPT[style], 0.3),
                fillers_per_100_words=r.lognormal(s["filler"], 0.15), next_steps=r.chance(s["next"]),
                competitor=r.chance(competitor_p), pricing=False,
                duration_s=int(r.uniform(*DURATION_MIN[call_type]) * 60))
