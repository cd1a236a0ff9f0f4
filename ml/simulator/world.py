"""The SYNTHETIC sales organisation: users (reps, managers), accounts, the sequence library, and the lead arrival
process (creation times in increasing order, each with a profile), all from the world seed."""
import math
import unicodedata
from bisect import bisect_right
from itertools import accumulate

from . import vocab as V
from .effects import (C_LEVEL_LARGE_COMPANY, DECISION_MAKER_IN_TARGET, IC_OUTSIDE_TARGET, OCCUPATION_FIT,
                      PERSONAL_EMAIL_FIT, SENIORITY_FIT)
from .emails import build_sequences
from .rng import R, Weighted, stream_seed

DAY = 86400
HOUR_UTC = [0.3, 0.25, 0.2, 0.2, 0.25, 0.35, 0.5, 0.8, 1.1, 1.3, 1.4, 1.4, 1.4, 1.5, 1.7, 1.8, 1.8, 1.6, 1.4, 1.2,
            1.0, 0.8, 0.6, 0.45]
WEEKDAY_W = [1.0, 1.05, 1.05, 1.0, 0.85, 0.25, 0.2]   # Mon..Sun
GROWTH = 0.3                                          # lead volume grows by this much over the range


def ascii_slug(s, sep=""):
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().lower()
    out = []
    for ch in s:
        if ch.isalnum():
            out.append(ch)
        elif sep and out and out[-1] != sep:
            out.append(sep)
    return "".join(out).strip(sep)


class World:
    def __init__(self, cfg):
        self.cfg = cfg
        self.seed = cfg.seed
        self.P = "s%d" % cfg.seed
        self.start = cfg.start_epoch
        self.end = cfg.start_epoch + cfg.days * DAY
        r = R(stream_seed(cfg.seed, 0))
        self.r = r
        self.country_w = Weighted({c: v[0] for c, v in V.COUNTRIES.items()})
        self.zone_w = {c: Weighted(v[2]) for c, v in V.COUNTRIES.items()}
        self.industry_w = Weighted({k: v[0] for k, v in V.INDUSTRIES.items()})
        self.band_w = Weighted([(b, b[1]) for b in V.EMPLOYEE_BANDS])
        self.sequences = build_sequences(R(stream_seed(cfg.seed, 2)))
        self._make_users(R(stream_seed(cfg.seed, 3)))
        self._make_accounts(R(stream_seed(cfg.seed, 4)))
        self._event_days(R(stream_seed(cfg.seed, 5)))
        self.stats = dict(decided=0, converted=0, disqualified=0, open=0, closed_won=0, closed_lost=0,
                          beyond_range=0, intent_interested=0, intent_objection=0, intent_referral=0,
                          intent_not_interested=0, intent_unsubscribe=0, intent_out_of_office=0)

    # ------------------------------------------------------------------------- users
    def _make_users(self, r):
        cfg = self.cfg
        n_reps = cfg.reps or max(8, min(400, round(cfg.leads / 170)))
        # team share ~ expected lead share: region share x segment share
        region_share = {}
        for c, v in V.COUNTRIES.items():
            region_share[v[1]] = region_share.get(v[1], 0) + v[0]
        ent = sum(b[1] for b in V.EMPLOYEE_BANDS if b[2] > 1000) / sum(b[1] for b in V.EMPLOYEE_BANDS)
        team_w = []
        for name, region, seg in V.TEAMS:
            w = region_share[region] * (ent * 1.6 if seg == "ent" else (1 - ent) if seg == "com" else 1.0)
            team_w.append(w)
        tot = sum(team_w)
        sizes = [max(1, int(round(n_reps * w / tot))) for w in team_w]
        self.users, self.reps, self.team_reps = [], [], {}
        style_w = Weighted(V.REP_STYLES)
        k = 0
        for (name, region, seg), size in zip(V.TEAMS, sizes):
            pool = {"NA": "anglo", "EMEA": r.choice(["anglo", "de", "fr", "nl", "es"]), "APAC": "anglo",
                    "LATAM": "es"}[region]
            for j in range(size + 1):
                k += 1
                first = r.choice(V.FIRST[pool if r.u() < 0.6 else "anglo"])
                last = r.choice(V.LAST["anglo"] if r.u() < 0.5 else V.LAST[pool])
                u = dict(id="%s-user-%04d" % (self.P, k), first=first, last=last, name=first + " " + last,
                         role="manager" if j == 0 else "rep", team=name,
                         email="%s.%s@%s" % (ascii_slug(first), ascii_slug(last), V.SELLER_DOMAIN),
                         slug=ascii_slug(first + "-" + last, "-"),
                         title=r.choice(V.MANAGER_TITLES if j == 0 else V.REP_TITLES),
                         phone="+1 (415) 555-%04d" % r.randint(100, 9999),
                         style=r.pick(style_w), personalise=r.uniform(0.15, 0.85))
                self.users.append(u)
                if j:
                    self.reps.append(u)
                    self.team_reps.setdefault(name, []).append(u)

    def user_events(self):
        for u in self.users:
            yield u["id"], "closer.user.upserted", u["id"], {
                "id": u["id"], "displayName": u["name"], "email": u["email"], "role": u["role"], "team": u["team"]}

    # ------------------------------------------------------------------------- accounts
    def _make_accounts(self, r):
        n = self.cfg.accounts or max(50, self.cfg.leads // 4)
        names, domains = set(), set()
        self.accounts = []
        weights = []
        for i in range(n):
            country = r.pick(self.country_w)
            industry = r.pick(self.industry_w)
            band = r.pick(self.band_w)
            label, _, lo, hi, band_fit = band
            employees = int(math.exp(r.uniform(math.log(lo), math.log(hi + 1))))
            employees = max(lo, min(hi, employees))
            _, rpe, ind_fit = V.INDUSTRIES[industry]
            revenue = int(round(employees * rpe * math.exp(r.normal(0, 0.5)), -3))
            core = None
            for _ in range(30):
                core = self._company_core(r, industry, country)
                if core not in names:
                    break
            else:
                core = core + " " + r.choice(["Group", "Holdings", "International", "Worldwide", "Global"])
            names.add(core)
            suffix = r.choice(V.LEGAL_SUFFIX.get(country, [""]))
            name = core + (" " + suffix if suffix else "")
            cv = V.COUNTRIES[country]
            base = ascii_slug(core.replace("&", "and"))[:24] or "company"
            tld = cv[4] if r.u() < 0.45 else ("io" if industry == "Software" and r.u() < 0.3 else "com")
            dom = base + "." + tld
            j = 1
            while dom in domains:
                j += 1
                dom = base + ("hq" if j == 2 else "group" if j == 3 else str(j)) + "." + tld
            domains.add(dom)
            zone = r.pick(self.zone_w[country])
            region = cv[1]
            seg = "ent" if employees > 1000 else "com"
            acc = dict(i=i, id="%s-acct-%06d" % (self.P, i + 1), name=name, core=core, domain=dom, industry=industry,
                       employees=employees, country=country, revenue=revenue, band=label, region=region, seg=seg,
                       zone=zone, fit=ind_fit + band_fit)
            self.accounts.append(acc)
            weights.append((employees ** 0.45) * math.exp(r.normal(0, 0.8)))
        self.account_cum = list(accumulate(weights))

    def _company_core(self, r, industry, country):
        x = r.u()
        nouns = V.INDUSTRY_NOUNS[industry]
        if x < 0.35:
            return r.choice(V.NAME_ROOTS) + r.choice(V.NAME_SUFFIX) + ("" if r.u() < 0.5 else " " + r.choice(nouns))
        if x < 0.75:
            return r.choice(V.NAME_ROOTS) + " " + r.choice(nouns)
        pool = V.COUNTRIES[country][5]
        last = r.choice(V.LAST[pool])
        if x < 0.87:
            return last + " & " + r.choice(V.LAST[pool])
        return last + " " + r.choice(nouns)

    def account_events(self):
        for a in self.accounts:
            yield a["id"], "closer.account.upserted", a["id"], {
                "id": a["id"], "name": a["name"], "domain": a["domain"], "industry": a["industry"],
                "employees": a["employees"], "country": a["country"], "annualRevenue": a["revenue"],
                "attributes": {"employee_band": a["band"], "region": a["region"], "segment": a["seg"],
                               "hq_timezone": a["zone"], "revenue_currency": "USD",
                               "synthetic_firmographic_fit": round(a["fit"], 3)}}

    # ------------------------------------------------------------------------- calendar
    def _event_days(self, r):
        days = self.cfg.days
        self.events = []      # (day index, name)
        d = r.randint(10, 25)
        while d < days:
            self.events.append((d, r.choice(V.EVENTS)))
            d += r.randint(25, 40)
        self.webinars = []
        d = r.randint(3, 12)
        while d < days:
            self.webinars.append((d, r.choice(V.WEBINARS)))
            d += r.randint(12, 18)

    def _recent(self, lst, day, lo, hi):
        for d, name in lst:
            if lo <= day - d <= hi:
                return name
        return None

    # ------------------------------------------------------------------------- lead arrivals
    def arrivals(self):
        """Yield (index, created epoch second) for every lead, in increasing time. The lead's profile and story
        come from its own stream (stream_seed(seed, 1, index)), so leads can be generated in any process."""
        cfg = self.cfg
        m = cfg.leads
        days = cfg.days
        w = []
        for d in range(days):
            wd = (((self.start // DAY) + d) + 3) % 7
            dw = WEEKDAY_W[wd] * (1.0 + GROWTH * d / max(1, days))
            for h in range(24):
                w.append(dw * HOUR_UTC[h])
        cum = list(accumulate(w))
        total = cum[-1]
        r = R(stream_seed(self.seed, 6))
        x = 1.0
        last = len(cum) - 1
        for i in range(m):
            # ascending order statistics of m uniforms: y = 1 - x, x the running-maximum recursion
            x *= r.u() ** (1.0 / (m - i))
            target = (1.0 - x) * total
            b = min(bisect_right(cum, target), last)
            lo = cum[b - 1] if b else 0.0
            frac = (target - lo) / (cum[b] - lo) if cum[b] > lo else 0.0
            yield i, self.start + b * 3600 + int(frac * 3600)

    # ------------------------------------------------------------------------- lead profile
    def profile(self, r, t):
        day = (t - self.start) // DAY
        ev = self._recent(self.events, day, 1, 4)
        wb = self._recent(self.webinars, day, 0, 2)
        pairs = []
        for s, v in V.SOURCES.items():
            if s == "event":
                v = v * (6.0 if ev else 0.25)
            elif s == "webinar":
                v = v * (4.0 if wb else 0.35)
            pairs.append((s, v))
        source = r.pick_pairs(pairs)
        personal = source in V.INBOUND and r.u() < 0.09
        acc = None
        if not personal:
            acc = self.accounts[bisect_right(self.account_cum, r.u() * self.account_cum[-1])]
        if acc and r.u() < 0.92:
            country = acc["country"]
        else:
            country = r.pick(self.country_w)
        zone = r.pick(self.zone_w[country])
        occupation = "working_professional"
        if personal and r.u() < 0.45:
            occupation = "student"
        elif source in V.INBOUND and r.u() < 0.04:
            occupation = "consultant"
        employees = acc["employees"] if acc else 0
        # seniority by company size
        sw = dict(V.SENIORITY_SHARE)
        if acc and employees <= 50:
            sw["c_level"] *= 3.0
            sw["vp"] *= 0.5
        elif acc and employees > 1000:
            sw["c_level"] *= 0.4
            sw["vp"] *= 1.3
        if occupation == "student":
            seniority, dept, title = "ic", "other", r.choice(V.STUDENT_TITLES)
        elif occupation == "consultant":
            seniority, dept, title = "ic", "other", r.choice(V.CONSULTANT_TITLES)
        else:
            seniority = r.pick_pairs(list(sw.items()))
            if seniority == "c_level":
                title, dept = r.pick_pairs([((a, b), c) for a, b, c in V.C_LEVEL])
                if dept == "executive" and employees and employees <= 50 and r.u() < 0.5:
                    occupation = "business_owner"
            else:
                dept = r.pick_pairs(list(V.DEPARTMENT_SHARE.items()))
                title = r.choice(V.TITLES[(seniority, dept)])
        pool = V.COUNTRIES[country][5]
        if pool == "anglo" and r.u() < 0.25:
            pool = r.choice(["in", "es", "sg", "de", "it", "pl", "br"])
        first = r.choice(V.FIRST[pool])
        last = r.choice(V.LAST[pool])
        fs, ls = ascii_slug(first), ascii_slug(last)
        if personal:
            email = "%s.%s%s@%s" % (fs, ls, "" if r.u() < 0.5 else str(r.randint(1, 99)), r.choice(V.PERSONAL_DOMAINS))
        else:
            k = r.u()
            user = (fs + "." + ls if k < 0.55 else fs[:1] + ls if k < 0.75 else fs if k < 0.85 and employees < 200
                    else fs + "_" + ls if k < 0.9 else fs + ls[:1])
            email = user + "@" + acc["domain"]
        # owner: team by region and segment
        region = acc["region"] if acc else V.COUNTRIES[country][1]
        seg = acc["seg"] if acc else "com"
        team = {"NA": "NA Enterprise" if seg == "ent" else "NA Commercial",
                "EMEA": "EMEA Enterprise" if seg == "ent" else "EMEA Commercial",
                "APAC": "APAC", "LATAM": "LATAM"}[region]
        rep = r.choice(self.team_reps[team])
        fit = self._fit(acc, seniority, dept, occupation, personal)
        origin = r.pick_pairs(V.ORIGIN_BY_SOURCE[source])
        return dict(account=acc, source=source, origin=origin, personal=personal, country=country, zone=zone,
                    occupation=occupation, seniority=seniority, department=dept, title=title, firstName=first,
                    lastName=last, email=email, rep=rep, team=team, fit=fit, event=ev, webinar=wb,
                    doNotEmail=r.u() < 0.02, industry=acc["industry"] if acc else None)

    @staticmethod
    def _fit(acc, seniority, dept, occupation, personal):
        from .vocab import DEPARTMENT_FIT, TARGET_DEPARTMENTS
        f = acc["fit"] if acc else 0.0
        f += DEPARTMENT_FIT[dept] + SENIORITY_FIT[seniority] + OCCUPATION_FIT[occupation]
        if seniority in ("director", "vp", "c_level") and dept in TARGET_DEPARTMENTS:
            f += DECISION_MAKER_IN_TARGET
        if seniority == "ic" and dept not in TARGET_DEPARTMENTS:
            f += IC_OUTSIDE_TARGET
        if seniority == "c_level" and acc and acc["employees"] > 1000:
            f += C_LEVEL_LARGE_COMPANY
        if personal:
            f += PERSONAL_EMAIL_FIT
        return f
