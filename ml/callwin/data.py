"""Rows for the call-win model: per call, the features serving computes (deploy/local/call-features.sh, the Java
CallFeaturesCommand), the prospect's tone aggregates, and the label.

Two sources:
  persuasionforgood   real typed-chat dialogues (../shared/datasets/persuasionforgood): persuader = rep,
                      persuadee = prospect; label = the persuadee's actual donation (full_info.csv B6) > 0.
                      The chat has no timestamps: times are SYNTHESISED from text length alone (SECONDS_PER_WORD,
                      utterances back to back), so every time-based metric is a proxy of word counts, and the
                      metrics that need real timing (patience, interruptions, silences, words per minute) are
                      constant and dropped (pipeline.drop_constant).
  sales-world         the SYNTHETIC world of ml/simulator: closer.call.transcribed events; label = the call's deal
                      ended closed_won (vs closed_lost); only calls that started before the deal closed; deals still
                      open at the world's end are left out. No synthetic_* attribute is read.
"""
import csv
import hashlib
import json
import subprocess
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from leadscore.data import REPO_ROOT
from simulator import simulate

CALL_FEATURES_SH = REPO_ROOT / "deploy/local/call-features.sh"
SECONDS_PER_WORD = 0.4          # 150 words per minute: a common conversational speaking rate; a fixed assumption

# Keyword trackers for the persuasion domain (passed to call-features.sh --tracker). The sales world uses the
# command's own defaults (pricing, competitor, nextSteps).
PERSUASION_TRACKERS = {
    "donation": ["donat*", "contribut*", "give", "giving", "charit*", "pledge*"],
    "money": ["dollar*", "cent", "cents", "money", "payment", "bonus", "amount"],
    "children": ["child*", "kid*", "save the children"],
}
# Metrics that need real timing; with synthesised times they are constant or artefacts, so persuasionforgood
# leaves them out (named in its report).
TIMING_ONLY = ["patienceMs", "repInterruptionsPerMinute", "prospectInterruptionsPerMinute", "silences", "silenceMs",
               "repWordsPerMinute", "prospectWordsPerMinute"]
TONE_FEATURES = ["prospectToneMean", "prospectToneSlope", "prospectToneShift"]


# ----------------------------------------------------------------------------- persuasionforgood
def words(text):
    """Whitespace-separated tokens with at least one letter or digit (CallText's word rule)."""
    return sum(1 for t in str(text).split() if any(ch.isalnum() for ch in t))


def synthesise_times(turns):
    """[(role, speaker, text)] in dialogue order -> utterances with startMs/endMs from text length only: each
    utterance lasts words * SECONDS_PER_WORD, the next starts when it ends (no gaps, no overlaps)."""
    out, t = [], 0
    for role, speaker, text in turns:
        d = int(round(words(text) * SECONDS_PER_WORD * 1000))
        out.append({"speaker": speaker, "role": role, "startMs": t, "endMs": t + d, "text": text})
        t += d
    return out


def read_persuasion(folder):
    """Dialogues of persuasionforgood (full_dialog.csv + full_info.csv) -> [{"id", "utterances", "label",
    "donation"}] in file order. An utterance = the consecutive sentences (Unit) of one role in one Turn."""
    folder = Path(folder)
    donation = {}
    with open(folder / "full_info.csv", newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["B4"] == "1":
                donation[r["B2"]] = float(r["B6"])
    turns, order = defaultdict(list), []
    with open(folder / "full_dialog.csv", newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            d = r["B2"]
            if d not in turns:
                order.append(d)
            key = (int(r["Turn"]), r["B4"])
            rows = turns[d]
            if rows and rows[-1][0] == key:
                rows[-1][1].append(r["Unit"].strip())
            else:
                rows.append((key, [r["Unit"].strip()]))
    out = []
    for d in order:
        if d not in donation:
            continue
        seq = [("rep" if b4 == "0" else "prospect", "persuader" if b4 == "0" else "persuadee", " ".join(units))
               for (_, b4), units in turns[d]]
        out.append({"id": d, "utterances": synthesise_times(seq), "label": int(donation[d] > 0),
                    "donation": donation[d]})
    return out


# ----------------------------------------------------------------------------- sales world
def read_world_calls(path):
    """Calls of the simulator's world with their deal's outcome -> [{"id", "dealId", "leadId", "startedAt",
    "context": {"callType", "dealTier"}, "utterances", "label"}], in event order; plus counts of what was left
    out. Label 1 = the deal's last stage is closed_won, 0 = closed_lost; calls starting at or after the close are
    left out (none should exist); open deals are left out."""
    calls, deals = [], {}
    for e in simulate.read_events(path, types=("closer.call.transcribed", "closer.deal.upserted")):
        d = e["data"]
        if e["type"] == "closer.deal.upserted":
            deals[d["id"]] = {"stage": d["stage"], "time": e["time"], "tier": d.get("attributes", {}).get("tier")}
        elif d.get("dealId"):
            calls.append({"id": d["id"], "dealId": d["dealId"], "leadId": d.get("leadId"),
                          "startedAt": d["startedAt"], "callType": d.get("attributes", {}).get("call_type"),
                          "utterances": d["utterances"]})
    rows, left = [], {"open_deal": 0, "after_close": 0, "no_deal": 0}
    for c in calls:
        deal = deals.get(c["dealId"])
        if deal is None:
            left["no_deal"] += 1
            continue
        if deal["stage"] not in ("closed_won", "closed_lost"):
            left["open_deal"] += 1
            continue
        if c["startedAt"] >= deal["time"]:
            left["after_close"] += 1
            continue
        rows.append({"id": c["id"], "dealId": c["dealId"], "leadId": c["leadId"], "startedAt": c["startedAt"],
                     "context": {"callType": c["callType"], "dealTier": deal["tier"]},
                     "utterances": c["utterances"], "label": int(deal["stage"] == "closed_won")})
    return rows, left


# ----------------------------------------------------------------------------- serving features (Java)
def call_features(calls, work, name, trackers=None, script=CALL_FEATURES_SH):
    """Features of each call as serving computes them: the calls ({"id", "utterances"[, "context"]}) go through
    call-features.sh (CallFeaturesCommand); cached under work by the sha256 of the exact input and the tracker
    arguments. Returns ([feature dict per call, in order], seconds or None when cached)."""
    work = Path(work)
    work.mkdir(parents=True, exist_ok=True)
    args = []
    for t, terms in (trackers or {}).items():
        args += ["--tracker", f"{t}={','.join(terms)}"]
    body = "".join(json.dumps({k: c[k] for k in ("id", "context", "utterances") if k in c}, ensure_ascii=False)
                   + "\n" for c in calls)
    digest = hashlib.sha256((json.dumps(args) + "\n" + body).encode("utf-8")).hexdigest()
    src, out, stamp = work / f"{name}.calls.jsonl", work / f"{name}.features.jsonl", work / f"{name}.features.sha256"
    seconds = None
    if not (stamp.exists() and stamp.read_text().strip() == digest and out.exists()):
        src.write_text(body, encoding="utf-8")
        stamp.unlink(missing_ok=True)
        t0 = time.time()
        subprocess.run([str(script), str(src), "--out", str(out)] + args, check=True)
        seconds = time.time() - t0
        stamp.write_text(digest + "\n")
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if line.strip()]
    if len(rows) != len(calls):
        raise RuntimeError(f"{out}: {len(rows)} rows for {len(calls)} calls")
    for c, r in zip(calls, rows):
        if r.get("id") != c["id"]:
            raise RuntimeError(f"{out}: id {r.get('id')} where {c['id']} was expected")
        if "error" in r:
            raise RuntimeError(f"call {c['id']}: {r['error']}")
    return rows, seconds


# ----------------------------------------------------------------------------- tone
def tone_aggregates(p):
    """Aggregates of the prospect's per-utterance p(positive), in dialogue order (blank utterances left out):
    prospectToneMean = mean; prospectToneSlope = least-squares slope of p over the position in the dialogue
    scaled to [0, 1] (i / (n - 1)), i.e. the change from start to end; prospectToneShift = mean of the last third
    minus mean of the first third (thirds by utterance count: floor(n / 3) each). None where undefined (no
    utterance; slope with n < 2; shift with n < 3)."""
    p = np.asarray(p, dtype=np.float64)
    n = len(p)
    mean = float(p.mean()) if n else None
    slope = float(np.polyfit(np.arange(n) / (n - 1), p, 1)[0]) if n >= 2 else None
    k = n // 3
    shift = float(p[-k:].mean() - p[:k].mean()) if k >= 1 else None
    return {"prospectToneMean": mean, "prospectToneSlope": slope, "prospectToneShift": shift}


def prospect_texts(utterances):
    """The prospect's non-blank utterance texts in time order (the tone head is not run on blank text)."""
    u = sorted(utterances, key=lambda x: (x["startMs"], x["endMs"]))
    return [x["text"] for x in u if x["role"] == "prospect" and x["text"].strip()]


def tone_probabilities(vectors, tone_dir=REPO_ROOT / "ml/models/tone/v1"):
    """p(positive) of the tone head (its exported graph, run by onnx_numpy) on encoder vectors [N, 384]."""
    from leadscore import onnx_numpy
    spec = json.loads((Path(tone_dir) / "features.json").read_text())
    probs = onnx_numpy.run(str(Path(tone_dir) / "model.onnx"), np.asarray(vectors, dtype=np.float32))[spec["output"]]
    return probs[:, spec["labels"].index("positive")].astype(np.float64)
