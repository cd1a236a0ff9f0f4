"""The SYNTHETIC world's distributions stay in the documented ranges (ml/SIMULATOR.md) and every designed signal
is learnable from the events alone: features here are computed from the event stream, never from the
simulator's internals (`synthetic_*` ground truth is used only as a label where the platform would have one)."""
import bisect
import collections
import datetime as dt
import math
import re
import statistics
from zoneinfo import ZoneInfo

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from simulator import vocab
from test_simulator_contract import world

DAY = 86400.0
HUMAN = ("interested", "objection", "referral", "not_interested", "unsubscribe")
FILLER = re.compile(r"\b(um|uh|you know|like|i mean)\b", re.I)


def ts(s):
    return dt.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()


def cv_auc(X, y, model="gbm", seed=0):
    X, y = np.asarray(X, float), np.asarray(y, int)
    folds = StratifiedKFold(5, shuffle=True, random_state=seed)
    if model == "gbm":
        m = HistGradientBoostingClassifier(max_iter=150, learning_rate=0.05, max_leaf_nodes=15,
                                           min_samples_leaf=20, random_state=seed)
    else:
        m = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000, C=1.0))
    with threadpool_limits(limits=1):   # OpenMP threads on a busy 2-core machine can stall for minutes
        p = cross_val_predict(m, X, y, cv=folds, method="predict_proba")[:, 1]
    return roc_auc_score(y, p)


class Index:
    """The world's events, grouped the way a feature pipeline would group them."""

    def __init__(self, events):
        self.accounts, self.leads, self.users = {}, {}, {}
        self.by_lead = collections.defaultdict(list)
        self.decision = {}
        self.sent, self.replies = [], []
        self.deals, self.calls = {}, collections.defaultdict(list)
        for e in events:
            t, d = e["type"], e["data"]
            if t == "closer.account.upserted":
                self.accounts[d["id"]] = d
            elif t == "closer.user.upserted":
                self.users[d["id"]] = d
            elif t == "closer.lead.upserted":
                self.leads.setdefault(d["id"], d)
                if d["attributes"].get("synthetic_decision"):
                    self.decision[d["id"]] = (ts(e["time"]), d["status"])
            elif t == "closer.activity.recorded":
                self.by_lead[d["leadId"]].append((ts(d["occurredAt"]), d["type"], d.get("properties", {})))
            elif t == "closer.email.sent":
                self.sent.append(d)
                self.by_lead[d["leadId"]].append((ts(d["sentAt"]), "email_sent", {}))
            elif t == "closer.email.replied":
                self.replies.append(d)
                intent = d["attributes"]["synthetic_intent"]
                self.by_lead[d["leadId"]].append((ts(d["receivedAt"]), "reply_" + intent, {}))
            elif t == "closer.deal.upserted":
                self.deals[d["id"]] = d
            elif t == "closer.call.transcribed":
                self.calls[d["dealId"]].append(d)
        for v in self.by_lead.values():
            v.sort(key=lambda x: x[0])


_INDEX = []


def index():
    if not _INDEX:
        _INDEX.append(Index(world()[0]))
    return _INDEX[0]


def core_name(account_name):
    words = account_name.split(" ")
    suffixes = {s for lst in vocab.LEGAL_SUFFIX.values() for s in lst if s}
    for k in (3, 2, 1):
        if len(words) > k and " ".join(words[-k:]) in suffixes:
            return " ".join(words[:-k])
    return account_name


# ----------------------------------------------------------------------------- distributions
def test_base_rates_and_volumes_in_documented_ranges():
    events, s = world()
    br = s["base_rates"]
    print("\nsummary base rates:", br)
    assert 0.10 <= br["lead_converted_rate"] <= 0.25
    assert 0.02 <= br["email_reply_rate"] <= 0.10
    assert 0.20 <= br["deal_win_rate"] <= 0.35
    assert 32 <= br["activities_per_lead"] <= 48          # knob: 40
    assert 3.2 <= br["emails_per_lead"] <= 4.8             # knob: 4
    calls = s["counts"]["closer.call.transcribed"] / s["config"]["leads"]
    assert 0.12 <= calls <= 0.35                           # demo: ~1k calls for 5k leads
    assert all(v > 0 for v in br["reply_intents"].values())


def test_people_companies_and_funnel_look_like_b2b():
    ix = index()
    leads = list(ix.leads.values())
    src = collections.Counter(d["source"] for d in leads)
    assert set(src) == set(vocab.SOURCES)
    assert 0.15 <= src["outbound"] / len(leads) <= 0.30
    sen = collections.Counter(d["seniority"] for d in leads)
    assert sen["ic"] > sen["manager"] > sen["director"] > sen["vp"] > 0 and sen["c_level"] > 0
    for d in leads:   # title -> seniority, as a title parser would read it
        t = d["title"]
        if t in ("CTO", "CFO", "CEO", "CMO", "CIO", "COO", "CRO", "Managing Director") or t.startswith("Chief"):
            assert d["seniority"] == "c_level", t
        elif t.startswith(("VP", "SVP", "Vice")):
            assert d["seniority"] == "vp", t
        elif t.startswith(("Head of", "Director")) or " Director" in t:
            assert d["seniority"] == "director", t
    assert len({d["name"] for d in ix.accounts.values()}) == len(ix.accounts)
    assert len({d["domain"] for d in ix.accounts.values()}) == len(ix.accounts)
    countries = collections.Counter(d["country"] for d in ix.accounts.values())
    assert countries.most_common(1)[0][0] == "United States"
    assert len(countries) >= 15
    emp = sorted(d["employees"] for d in ix.accounts.values())
    assert emp[0] >= 1 and emp[-1] > 5000 and 50 <= emp[len(emp) // 2] <= 1000
    teams = collections.Counter(u["team"] for u in ix.users.values())
    assert len(teams) == 6 and sum(u["role"] == "manager" for u in ix.users.values()) == 6


def test_emails_sequences_variants_and_send_times():
    ix = index()
    steps = collections.defaultdict(set)
    variants = collections.defaultdict(set)
    words, business = [], 0
    for d in ix.sent:
        steps[d["sequenceId"]].add(d["sequenceStep"])
        variants[(d["sequenceId"], d["sequenceStep"])].add(d["variant"])
        words.append(len(d["body"].split()))
        lt = dt.datetime.fromisoformat(d["sentAt"].replace("Z", "+00:00")).astimezone(
            ZoneInfo(d["attributes"]["recipient_timezone"]))
        business += lt.weekday() < 5 and 7 <= lt.hour < 19
    assert all(3 <= max(v) <= 6 for v in steps.values())
    assert sum(v == {"A", "B"} for v in variants.values()) >= 0.9 * len(variants)
    assert 25 <= min(words) and max(words) <= 360 and 60 <= statistics.median(words) <= 140
    assert business / len(ix.sent) >= 0.75                  # business-hour peaks in the recipient's timezone
    assert len({d["subject"] for d in ix.sent}) > 200 and len({d["body"] for d in ix.sent}) > 0.95 * len(ix.sent)
    bodies = [r["body"] for r in ix.replies]
    assert any("wrote:" in b or "Original Message" in b for b in bodies)      # quoted previous message
    assert any("\n--\n" in b or "Sent from my iPhone" in b for b in bodies)   # signatures
    assert any(r["subject"].startswith("Automatic reply:") for r in ix.replies)


def _email_rows():
    """Per sent email: (feature dict measured on the text and context, replied by a human)."""
    ix = index()
    replied = {r["emailId"] for r in ix.replies if r["attributes"]["synthetic_intent"] in HUMAN}
    last_step = collections.Counter()
    for d in ix.sent:
        last_step[d["sequenceId"]] = max(last_step[d["sequenceId"]], d["sequenceStep"])
    acc_core = {a["id"]: core_name(a["name"]) for a in ix.accounts.values()}
    pv = {lid: [t for t, typ, _ in v if typ == "page_view"] for lid, v in ix.by_lead.items()}
    rows = []
    for d in ix.sent:
        lead = ix.leads[d["leadId"]]
        acc = ix.accounts.get(lead.get("accountId"), {})
        t = ts(d["sentAt"])
        lt = dt.datetime.fromtimestamp(t, ZoneInfo(d["attributes"]["recipient_timezone"]))
        body = d["body"]
        core = acc_core.get(lead.get("accountId"))
        views = pv.get(d["leadId"], [])
        words = len(body.split())
        f = dict(words_over_125=max(0, words - 125), under_50=words < 50, questions=body.count("?"),
                 question_cta=1 <= body.count("?") <= 3, personalised=bool(core and core in body),
                 subject_words=len(d["subject"].replace("Re: ", "").split()), hour=lt.hour,
                 night=not 8 <= lt.hour < 21, weekend=lt.weekday() >= 5, step=d["sequenceStep"],
                 step1=d["sequenceStep"] == 1, last_step=d["sequenceStep"] == last_step[d["sequenceId"]] >= 4,
                 senior=lead["seniority"] in ("vp", "c_level"), c_level=lead["seniority"] == "c_level",
                 recent_visit=bisect.bisect_left(views, t) - bisect.bisect_left(views, t - 3 * DAY) > 0,
                 log_employees=math.log1p(acc.get("employees", 0)), no_account="accountId" not in lead,
                 target_dept=lead["department"] in ("data", "engineering", "it", "operations", "executive"),
                 decision_maker_target=lead["seniority"] in ("director", "vp", "c_level") and lead["department"]
                 in ("data", "engineering", "it", "operations", "executive"))
        f["personalised_senior"] = f["personalised"] and f["senior"]
        for s in sorted(vocab.SOURCES):
            f["src_" + s] = lead["source"] == s
        for s in ("ic", "manager", "director"):
            f["sen_" + s] = lead["seniority"] == s
        rows.append((f, d["id"] in replied))
    return rows


def test_reply_moves_with_the_documented_text_and_context_properties():
    """Marginal reply rates are confounded (long emails are more often personalised, executives get shorter
    sequences), so the directions are read off a logistic regression with the documented covariates."""
    rows = _email_rows()
    names = sorted(rows[0][0])
    X = np.array([[float(f[k]) for k in names] for f, _ in rows])
    y = np.array([r for _, r in rows], int)
    with threadpool_limits(limits=1):
        lr = make_pipeline(StandardScaler(), LogisticRegression(max_iter=3000, C=10.0)).fit(X, y)
    coef = dict(zip(names, lr[-1].coef_[0]))
    print("\nreply: standardised logistic coefficients:", {k: round(v, 3) for k, v in sorted(coef.items())})
    assert coef["personalised"] > 0 and coef["question_cta"] > 0 and coef["step"] < 0 and coef["last_step"] > 0
    assert coef["words_over_125"] < 0 and coef["night"] < 0
    assert coef["c_level"] < 0 and coef["recent_visit"] > 0 and coef["src_outbound"] < 0


def test_calls_shape_and_rep_styles():
    ix = index()
    by_style = collections.defaultdict(list)
    n_calls = 0
    phrases = collections.Counter()
    for calls in ix.calls.values():
        for c in calls:
            n_calls += 1
            u = c["utterances"]
            dur = u[-1]["endMs"] / 60000.0
            assert 20 <= dur <= 61, dur
            assert all(1000 <= x["endMs"] - x["startMs"] <= 30000 for x in u)
            m = call_metrics(c)
            assert 0.15 <= m["talk"] <= 0.9
            by_style[c["attributes"]["synthetic_rep_style"]].append(m)
            text = " ".join(x["text"] for x in u).lower()
            phrases["pricing"] += "pricing" in text or "price" in text
            phrases["competitor"] += any(k.lower() in text for k in vocab.COMPETITORS)
            phrases["next steps"] += m["next_steps"]
            phrases["filler"] += m["fillers"] > 0
    mean = {s: {k: statistics.mean(m[k] for m in v) for k in ("talk", "questions", "monologue", "interruptions")}
            for s, v in by_style.items()}
    print("\ncall metrics by rep style:", {s: {k: round(x, 2) for k, x in v.items()} for s, v in mean.items()})
    assert mean["listener"]["talk"] < mean["balanced"]["talk"] < mean["talker"]["talk"]
    assert mean["interrogator"]["questions"] > mean["balanced"]["questions"] > mean["talker"]["questions"]
    assert mean["interrupter"]["interruptions"] > 2 * mean["balanced"]["interruptions"]
    assert mean["talker"]["monologue"] > 1.5 * mean["listener"]["monologue"]
    assert all(v > 0.1 * n_calls for v in phrases.values()), phrases


# ----------------------------------------------------------------------------- learnability
def call_metrics(c):
    u = c["utterances"]
    end = u[-1]["endMs"]
    rep_ms = sum(x["endMs"] - x["startMs"] for x in u if x["role"] == "rep")
    all_ms = sum(x["endMs"] - x["startMs"] for x in u)
    longest, run, inter, prev = 0, None, 0, None
    for x in u:
        if x["role"] == "rep":
            run = (run[0] if run else x["startMs"], x["endMs"])
            longest = max(longest, run[1] - run[0])
            if prev and prev["role"] != "rep" and x["startMs"] < prev["endMs"]:
                inter += 1
        else:
            run = None
        prev = x
    rep_text = [x["text"] for x in u if x["role"] == "rep"]
    words = sum(len(t.split()) for t in rep_text)
    return dict(talk=rep_ms / all_ms, questions=sum(t.rstrip().endswith("?") for t in rep_text),
                monologue=longest / 1000.0, interruptions=inter / (end / 600000.0),
                next_steps=any("next step" in x["text"].lower() for x in u
                               if x["role"] == "rep" and x["startMs"] >= 0.8 * end),
                competitor=any(k in x["text"] for x in u if x["role"] != "rep" for k in vocab.COMPETITORS),
                fillers=100.0 * sum(len(FILLER.findall(t)) for t in rep_text) / max(words, 1))


def test_deal_win_is_learnable_from_call_metrics():
    ix = index()
    X, y, rows = [], [], []
    for did, d in ix.deals.items():
        if d["stage"] not in ("closed_won", "closed_lost") or not ix.calls.get(did):
            continue
        calls = sorted(ix.calls[did], key=lambda c: c["startedAt"])
        disc = [c for c in calls if c["attributes"].get("call_type") == "discovery"]
        if not disc:
            continue
        m = call_metrics(disc[0])
        talk_all = statistics.mean(call_metrics(c)["talk"] for c in calls)
        x = [m["talk"], abs(m["talk"] - 0.43), talk_all, m["questions"], 11 <= m["questions"] <= 14,
             m["monologue"], m["interruptions"], m["next_steps"], m["competitor"], m["fillers"]]
        X.append(x)
        y.append(d["stage"] == "closed_won")
        rows.append(m)
    auc_gbm = cv_auc(X, y)
    auc_lr = cv_auc(X, y, "lr")
    print("\ndeal win from call metrics: n=%d win rate=%.3f AUC gbm=%.3f logistic=%.3f"
          % (len(y), np.mean(y), auc_gbm, auc_lr))
    assert len(y) >= 150
    assert max(auc_gbm, auc_lr) >= 0.65
    # the published directions: talk near 43% beats > 65%; 11-14 questions; shorter monologues; next steps
    def win(pred):
        sel = [w for w, m in zip(y, rows) if pred(m)]
        return sum(sel) / max(1, len(sel))
    print("win rate talk<=0.5: %.3f  talk>0.6: %.3f | q 11-14: %.3f  other: %.3f | next steps: %.3f  none: %.3f"
          % (win(lambda m: m["talk"] <= 0.5), win(lambda m: m["talk"] > 0.6),
             win(lambda m: 11 <= m["questions"] <= 14), win(lambda m: not 11 <= m["questions"] <= 14),
             win(lambda m: m["next_steps"]), win(lambda m: not m["next_steps"])))
    assert win(lambda m: m["talk"] <= 0.5) > win(lambda m: m["talk"] > 0.6)
    assert win(lambda m: m["next_steps"]) > win(lambda m: not m["next_steps"])


def test_email_reply_is_learnable_from_text_and_context():
    rows = _email_rows()
    names = sorted(rows[0][0])
    X = [[float(f[k]) for k in names] for f, _ in rows]
    y = [r for _, r in rows]
    auc = cv_auc(X, y)
    print("\nemail reply from text/context: n=%d reply rate=%.4f AUC gbm=%.3f" % (len(y), np.mean(y), auc))
    assert auc >= 0.62


def _lead_features(ix, lid, T):
    lead = ix.leads[lid]
    acc = ix.accounts.get(lead.get("accountId"), {})
    created = ts(lead["createdAt"])
    ev = [x for x in ix.by_lead.get(lid, []) if x[0] < T]
    counts = collections.Counter()
    sessions = {}
    last_pricing = first_pricing = first_eval = last_hi = last_any = None
    for t, typ, p in ev:
        counts[typ] += 1
        last_any = t
        if typ == "page_view":
            counts["pv_" + p["page"]] += 1
            sessions.setdefault(p["sessionId"], t)
            if p["page"] == "pricing":
                last_pricing = t
                first_pricing = first_pricing or t
                last_hi = t
            elif p["page"] in ("case_study", "docs") and first_eval is None:
                first_eval = t
        elif typ in ("demo_request", "meeting", "reply_interested") or (
                typ == "form_fill" and p.get("form") == "contact_sales"):
            last_hi = t
    starts = sorted(sessions.values())
    third = (T - created) / 3.0
    n = len(starts)
    momentum = (sum(s >= T - third for s in starts) - sum(s < created + third for s in starts)) / (n + 1.0)
    sen = {"ic": 0, "manager": 1, "director": 2, "vp": 3, "c_level": 4}[lead["seniority"]]
    static = [sen, lead["source"] == "outbound", lead["source"] in ("referral", "partner"),
              lead["occupation"] == "student", lead["occupation"] == "consultant", "accountId" not in lead,
              math.log1p(acc.get("employees", 0)),
              lead["department"] in ("data", "engineering", "it", "operations", "executive"),
              lead["department"] in ("hr", "other")]
    cnt = [counts[k] for k in ("pv_home", "pv_pricing", "pv_docs", "pv_case_study", "pv_careers", "pv_blog",
                               "pv_integrations", "form_fill", "demo_request", "meeting", "email_opened",
                               "email_clicked", "email_sent", "reply_interested", "reply_objection",
                               "reply_referral", "reply_not_interested", "reply_unsubscribe")] + [n]
    big = 999.0

    def days(t):
        return (T - t) / DAY if t is not None else big
    order = [days(last_pricing), days(last_hi), days(last_any), momentum,
             int(first_pricing is not None and first_eval is not None and first_eval < first_pricing),
             sum(s >= T - 7 * DAY for s in starts), (T - created) / DAY]
    return static, cnt, order


def test_lead_conversion_needs_order_and_recency_not_only_counts():
    ix = index()
    S, Cn, O, y = [], [], [], []
    for lid, (T, status) in ix.decision.items():
        s, c, o = _lead_features(ix, lid, T)
        S.append(s)
        Cn.append(c)
        O.append(o)
        y.append(status == "converted")
    S, Cn, O = np.array(S, float), np.array(Cn, float), np.array(O, float)
    auc_counts = cv_auc(np.hstack([S, Cn]), y)
    auc_full = cv_auc(np.hstack([S, Cn, O]), y)
    print("\nlead conversion: n=%d rate=%.3f AUC counts-only=%.3f with order/recency=%.3f"
          % (len(y), np.mean(y), auc_counts, auc_full))
    assert auc_counts >= 0.65
    assert auc_full >= auc_counts + 0.03
