"""Every effect size of the SYNTHETIC world's outcomes, in one place (ml/SIMULATOR.md documents each one).

Three outcomes are drawn from logistic models whose inputs are, as far as possible, things an observer of the
event stream can compute (the "observable" drivers), plus named unobserved noise:

* lead conversion, decided once per lead at its decision time T from what happened before T (`convert_logit`);
* email reply, per sent email, from the email's text and context (`reply_logit`);
* deal stage advancement, per stage, from the call held in that stage (`advance_logit`); a deal is won when it
  passes every stage.

The numbers are assumptions. Where a published figure motivated a direction, SIMULATOR.md cites it.
"""
import math

# ============================================================================ lead fit (static, firmographic)
# fit = industry + employee band + department + seniority-x-department + occupation/personal-email terms
SENIORITY_FIT = {"ic": -0.2, "manager": 0.0, "director": 0.25, "vp": 0.2, "c_level": 0.0}
DECISION_MAKER_IN_TARGET = 0.5       # director/vp/c_level in a target department (interaction)
IC_OUTSIDE_TARGET = -0.3             # ic outside the target departments (interaction)
C_LEVEL_LARGE_COMPANY = -0.6         # c_level at 1001+ employees rarely engages directly (interaction)
OCCUPATION_FIT = {"working_professional": 0.0, "student": -2.2, "consultant": -0.6, "business_owner": -0.2}
PERSONAL_EMAIL_FIT = -0.5

# ============================================================================ lead conversion at decision time T
CONVERT = dict(
    intercept=-4.4,
    fit=1.0,                      # x fit (static sum above)
    sessions_log=0.2,             # x log(1 + web sessions before T): saturating count effect
    hi_recency=2.6,               # x exp(-days since last high-intent signal / HI_TAU); 0 if none
    momentum=1.6,                 # x (sessions in the last third of [created, T] - first third) / (sessions + 1)
    eval_order=0.6,               # 1 if a case study or docs page was viewed before the first pricing view
    exec_pricing=0.7,             # director/vp/c_level x exp(-days since last pricing view / HI_TAU)
    demo_request_fit=0.8,         # demo request before T, only when fit > 0 (interaction)
    demo_request=0.2,             # demo request before T, any fit
    meeting=0.4,                  # a meeting held before T
    reply_interested=1.3, reply_referral=0.4, reply_objection=0.2, reply_not_interested=-1.0,
    reply_unsubscribe=-1.6,       # the lead's strongest reply intent before T (one term)
    careers=-1.0,                 # 2+ careers page views before T (job seeker, not buyer)
    clicks=0.15,                  # x min(email clicks before T, 3)
    noise_sd=0.7,                 # unobserved N(0, sd) per lead
)
HI_TAU = 5.0                      # days
HIGH_INTENT = ("pricing page view", "demo_request", "contact_sales form", "interested reply", "meeting")
DISQUALIFY_IF_NOT_CONVERTED = 0.45     # share of non-converted leads marked disqualified at T (else stay open)
DISQUALIFY_BAD_FIT_EXTRA = 0.35        # + for students, personal emails, unsubscribed leads


def convert_logit(f):
    """f: dict of the observable drivers (see CONVERT). Returns the logit without noise."""
    c = CONVERT
    x = c["intercept"] + c["fit"] * f["fit"] + c["sessions_log"] * math.log1p(f["sessions"])
    if f["days_since_high_intent"] is not None:
        x += c["hi_recency"] * math.exp(-f["days_since_high_intent"] / HI_TAU)
    x += c["momentum"] * f["momentum"]
    x += c["eval_order"] * f["eval_order"]
    if f["decision_maker"] and f["days_since_pricing"] is not None:
        x += c["exec_pricing"] * math.exp(-f["days_since_pricing"] / HI_TAU)
    if f["demo_request"]:
        x += c["demo_request"] + (c["demo_request_fit"] if f["fit"] > 0 else 0.0)
    if f["meeting"]:
        x += c["meeting"]
    if f["reply"]:
        x += c["reply_" + f["reply"]]
    if f["careers_views"] >= 2:
        x += c["careers"]
    x += c["clicks"] * min(f["clicks"], 3)
    return x


# ============================================================================ email reply (human reply)
REPLY = dict(
    intercept=-3.85,
    step={1: 0.0, 2: -0.35, 3: -0.6, 4: -0.8, 5: -1.0, 6: -1.1},
    breakup=0.5,                  # last step of a 4+ step sequence ("should I close your file?"): non-monotone in step
    short_body=-0.3,              # fewer than 50 words
    long_per_word=-0.006,         # per word above 125 (Boomerang: 50-125 words do best)
    question_cta=0.45,            # 1-3 question marks in the body
    too_many_questions=-0.2,      # 4+ question marks
    personalised=0.35,            # a line about the recipient's company (its name is in the body)
    personalised_senior=0.35,     # extra for vp / c_level recipients (interaction)
    short_subject=0.15,           # subject of 1-4 words (Boomerang: 3-4 words do best)
    hour={"morning": 0.25, "midday": 0.1, "evening": -0.15, "night": -0.55},   # recipient's local hour
    weekend=-0.45,
    seniority={"ic": 0.15, "manager": 0.1, "director": 0.0, "vp": -0.35, "c_level": -0.6},
    source={"outbound": 0.0, "event": 0.5, "organic_search": 0.7, "paid_search": 0.6, "content_download": 0.5,
            "webinar": 0.6, "referral": 0.9, "partner": 0.8},
    fit=0.3,                      # x lead fit
    recent_visit=0.4,             # a website session in the 3 days before the send (recency)
    noise_sd=0.5,                 # unobserved per-lead N(0, sd) (responsiveness)
)
OOO_RATE = {"default": 0.012, "august": 0.04, "holidays": 0.05}   # auto-replies, independent of the text
# intent of a human reply: softmax of these scores
INTENT = dict(
    interested=dict(base=0.0, fit=0.8, in_market=1.2),
    objection=dict(base=-0.2, fit=0.2, in_market=0.4),
    referral=dict(base=-1.0, fit=0.3, in_market=0.0, ic_or_wrong_dept=0.9),
    not_interested=dict(base=-0.1, fit=-0.6, in_market=-0.8),
    unsubscribe=dict(base=-0.9, fit=-0.5, in_market=-1.0, outbound=0.5),
)


def hour_bucket(h):
    if 8 <= h < 11:
        return "morning"
    if 11 <= h < 17:
        return "midday"
    if 17 <= h < 21:
        return "evening"
    return "night"


def reply_logit(step, last_step, words, questions, personalised, subject_words, local_hour, weekend,
                seniority, source, fit, recent_visit):
    c = REPLY
    x = c["intercept"] + c["step"][min(step, 6)]
    if step == last_step and step >= 4:
        x += c["breakup"]
    if words < 50:
        x += c["short_body"]
    elif words > 125:
        x += c["long_per_word"] * (words - 125)
    if 1 <= questions <= 3:
        x += c["question_cta"]
    elif questions >= 4:
        x += c["too_many_questions"]
    if personalised:
        x += c["personalised"] + (c["personalised_senior"] if seniority in ("vp", "c_level") else 0.0)
    if subject_words <= 4:
        x += c["short_subject"]
    x += c["hour"][hour_bucket(local_hour)]
    if weekend:
        x += c["weekend"]
    x += c["seniority"][seniority] + c["source"][source] + c["fit"] * fit
    if recent_visit:
        x += c["recent_visit"]
    return x


# ============================================================================ deals: stage advancement per call
ADVANCE = dict(
    intercept={"discovery": 0.6, "demo": 0.9, "proposal": 1.7, "negotiation": 1.5},
    talk_quadratic=-10.0,         # x (rep talk ratio - 0.43)^2   (Gong: ~43% in won deals)
    talk_over_65=-4.0,            # x max(0, talk ratio - 0.65)   (Gong: >65% does worse)
    questions_in_band=0.6,        # discovery: 11 <= rep questions <= 14 (Gong: 11-14 best)
    questions_below=-0.06,        # per question below 11 (discovery)
    questions_above=-0.09,        # per question above 14 (discovery), capped at -0.9
    later_call_question_scale=0.4,   # demo / negotiation calls: question terms x this
    monologue_per_min=-0.6,       # per minute of the longest rep monologue above 90 s, capped at -1.5
    next_steps=0.8,               # rep names next steps in the last 20% of the call
    interruptions_per_10min=-0.12,   # per rep interruption per 10 minutes, capped at -1.0
    filler_per_100_words=-0.06,   # per filler word per 100 rep words, capped at -0.5
    competitor_discovery=0.3,     # prospect names a competitor in the discovery call (Gong: early mention is good)
    competitor_late=-0.4,         # ... in the negotiation call
    fit=0.3,                      # x lead fit
    amount_log=-0.25,             # x ln(amount in USD / 40,000)
    noise_sd=0.6,                 # unobserved deal-level N(0, sd), shared by the deal's stages
)


def talk_term(ratio):
    c = ADVANCE
    return c["talk_quadratic"] * (ratio - 0.43) ** 2 + c["talk_over_65"] * max(0.0, ratio - 0.65)


def question_term(q, call_type):
    c = ADVANCE
    if 11 <= q <= 14:
        x = c["questions_in_band"]
    elif q < 11:
        x = c["questions_below"] * (11 - q)
    else:
        x = max(-0.9, c["questions_above"] * (q - 14))
    return x if call_type == "discovery" else x * c["later_call_question_scale"]


def advance_logit(stage, m, fit, amount_usd):
    """m: call metrics dict (None for a stage without a call: proposal)."""
    c = ADVANCE
    x = c["intercept"][stage] + c["fit"] * fit + c["amount_log"] * math.log(max(amount_usd, 1000.0) / 40_000.0)
    if m is None:
        return x
    x += talk_term(m["talk_ratio"]) + question_term(m["questions"], m["call_type"])
    x += max(-1.5, c["monologue_per_min"] * max(0.0, (m["longest_monologue_s"] - 90.0) / 60.0))
    if m["next_steps"]:
        x += c["next_steps"]
    x += max(-1.0, c["interruptions_per_10min"] * m["interruptions_per_10min"])
    x += max(-0.5, c["filler_per_100_words"] * m["fillers_per_100_words"])
    if m["competitor"]:
        x += c["competitor_discovery"] if m["call_type"] == "discovery" else (
            c["competitor_late"] if m["call_type"] == "negotiation" else 0.0)
    return x


# rep style -> call behaviour: talk share target, discovery questions (mean, sd), run continuation (monologue
# tendency), P(rep turn interrupts), fillers per 100 rep words, P(next steps named), pitch-block minutes in demos
STYLE = {
    "listener":     dict(talk=0.37, q=(13.0, 2.5), cont=0.10, interrupt=0.03, filler=1.5, next=0.80, pitch=1.0),
    "balanced":     dict(talk=0.45, q=(12.0, 2.5), cont=0.18, interrupt=0.05, filler=2.0, next=0.75, pitch=1.5),
    "talker":       dict(talk=0.64, q=(7.0, 2.5), cont=0.45, interrupt=0.08, filler=4.5, next=0.50, pitch=3.5),
    "interrupter":  dict(talk=0.57, q=(9.0, 2.5), cont=0.30, interrupt=0.28, filler=4.0, next=0.45, pitch=2.5),
    "interrogator": dict(talk=0.50, q=(20.0, 3.5), cont=0.12, interrupt=0.07, filler=2.0, next=0.60, pitch=1.5),
}
