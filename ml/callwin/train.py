"""Deal-win odds from calls: build the rows, cross-validate, report (and export). From the repo root:

    /usr/bin/python3 ml/callwin/train.py persuasionforgood          # -> ml/reports/persuasionforgood
    /usr/bin/python3 ml/callwin/train.py sales-world --out ml/models/call-win/v1   # -> ml/reports/sales-world-calls
    # add the plots' points (`curves`) to the committed metrics.json files: the CV alone, nothing retrained or exported
    /usr/bin/python3 ml/callwin/train.py sales-world --out ml/models/call-win/v1 --curves-only

Needs Java: deploy/local/call-features.sh (ingest's CallFeaturesCommand) for the call features, and for
persuasionforgood deploy/local/embed.sh (services/inference, BGE-small) for the prospect's tone. Both are cached
under --work (default .closer/callwin), keyed by the exact input.
"""
import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from callwin import data, pipeline  # noqa: E402
from leadscore import dataset_spec, plots  # noqa: E402
from leadscore.data import REPO_ROOT, resolve_datasets_dir  # noqa: E402
from simulator import simulate  # noqa: E402


def persuasion(args):
    t0 = time.time()
    folder = Path(resolve_datasets_dir(args.datasets)) / "persuasionforgood"
    if not (folder / "full_dialog.csv").exists():
        print(f"refusing to train: {folder}/full_dialog.csv is missing (--datasets or CLOSER_DATASETS)")
        return 2
    work = REPO_ROOT / args.work
    dialogues = data.read_persuasion(folder)
    feats, f_seconds = data.call_features(dialogues, work, "persuasionforgood", trackers=data.PERSUASION_TRACKERS)
    texts = [data.prospect_texts(d["utterances"]) for d in dialogues]
    flat = [t for ts in texts for t in ts]
    from text.common import embed_texts
    vectors, e_seconds = embed_texts(flat, work, "persuasionforgood-prospect")
    p = data.tone_probabilities(vectors)
    records, at = [], 0
    for f, ts in zip(feats, texts):
        tone = data.tone_aggregates(p[at:at + len(ts)])
        at += len(ts)
        records.append({**{k: v for k, v in f.items() if k != "id"}, **tone})
    numeric = [k for k in records[0] if k not in data.TIMING_ONLY]
    y = [d["label"] for d in dialogues]
    prep = time.time() - t0
    dataset = {"synthetic": False, "source": f"persuasionforgood ({len(dialogues)} dialogues of this copy; Wang et al."
                                              " 2019, Apache-2.0), read in place",
               "label": "the persuadee's actual donation (full_info.csv B6) > 0",
               "roles": "persuader = rep, persuadee = prospect; an utterance = one role's sentences in one turn",
               "times": f"SYNTHESISED from text length only: {data.SECONDS_PER_WORD} s per word (150 words per "
                        "minute), utterances back to back; time-based metrics are word-count proxies",
               "trackers": data.PERSUASION_TRACKERS, "left_out_timing_only": data.TIMING_ONLY,
               "prospect_utterances_with_tone": len(flat)}
    notes = [f"No timestamps in the chat: each utterance lasts words x {data.SECONDS_PER_WORD} s and the next starts "
             "when it ends. So talk ratio, monologue, customer story, duration and switches per minute are proxies "
             "built from word counts; patience, interruptions, silences and words per minute need real timing and "
             "are left out (" + ", ".join(data.TIMING_ONLY) + "). The same Java code computes them as for calls, which keeps one feature definition.",
             "Tone: every non-blank persuadee utterance embedded by deploy/local/embed.sh (BGE-small) and scored by "
             "the tone v1 head (SST-2 movie reviews: a weak judge of chat); mean, slope over the dialogue, last third "
             "minus first third.",
             "Trackers (call-features.sh --tracker): " + "; ".join(f"{k}: {', '.join(v)}" for k, v in
                                                                  data.PERSUASION_TRACKERS.items()) + ".",
             "Typed chat between crowd workers about a charity is not a sales call; this dataset shows whether the "
             "call features carry any real signal, it does not train the served model.",
             "No model is exported from these data: serving scores sales calls (ml/models/call-win/v1), and these "
             "features include tone aggregates serving does not compute yet."]
    pipeline.run("persuasionforgood", records, y, [], numeric, dataset, cfg=args.cfg, report=args.report,
                 curves_only=args.curves_only, card_notes=notes, ablations={"no_tone": data.TONE_FEATURES},
                 outcome="donation",
                 timing={"rows_and_features_seconds": round(prep, 1),
                         "call_features_seconds": None if f_seconds is None else round(f_seconds, 1),
                         "embedding_seconds": None if e_seconds is None else round(e_seconds, 1)})
    print(f"total wall time {time.time() - t0:.0f} s")
    return 0


def sales_world(args):
    t0 = time.time()
    work = REPO_ROOT / args.work
    world, _ = simulate.ensure_world(work, args.seed_world, args.leads)
    calls, left = data.read_world_calls(world)
    feats, f_seconds = data.call_features(calls, work, f"sales-world-s{args.seed_world}-{args.leads}")
    records = [{k: v for k, v in f.items() if k != "id"} for f in feats]
    categorical = ["callType", "dealTier"]
    numeric = [k for k in records[0] if k not in categorical]
    y = np.array([c["label"] for c in calls])
    groups = np.array([c["dealId"] for c in calls])
    prep = time.time() - t0
    deals = len(set(groups))
    won = len({c["dealId"] for c in calls if c["label"]})
    dataset = {"synthetic": True,
               "source": f"SYNTHETIC sales world: ml/simulator --seed {args.seed_world} --leads {args.leads} "
                         "(closer.call.transcribed + closer.deal.upserted)",
               "label": "the call's deal ended closed_won (vs closed_lost)", "deals": deals, "deals_won": won,
               "left_out": left, "world_file": dataset_spec.display_path(world)}
    notes = ["SYNTHETIC: the simulator decides each stage from that stage's call metrics (ml/SIMULATOR.md section 5: "
             "talk ratio near 0.43, 11-14 discovery questions, monologue, next steps, interruptions, fillers, "
             "competitor) plus fit, deal size and per-deal noise, so the call features are known to carry signal "
             "here; how much transfers to real calls is unmeasured.",
             "One row per recorded call that started before its deal closed; the label is the deal's outcome, so "
             "a deal's calls share it; folds are grouped by deal. callType looked like strong context (a negotiation "
             "call means the deal passed three stages), but the no_context ablation shows no measurable gain from it "
             "here.",
             "Features are exactly what deploy/local/call-features.sh (CallFeaturesCommand, default trackers) "
             "writes, plus the context it copies through (callType, dealTier); no synthetic_* attribute is read.",
             "No tone features: serving would need the encoder + tone head per utterance first; the persuasion "
             "report measures what tone adds there."]
    pipeline.run("sales-world-calls", records, y, categorical, numeric, dataset, cfg=args.cfg, groups=groups,
                 report=args.report, out=args.out, curves_only=args.curves_only, card_notes=notes,
                 outcome="deal-won",
                 ablations={"no_context": categorical,
                            "metrics_only": categorical + [n for n in numeric if "Mentions" in n]},
                 timing={"rows_and_features_seconds": round(prep, 1),
                         "call_features_seconds": None if f_seconds is None else round(f_seconds, 1)})
    print(f"total wall time {time.time() - t0:.0f} s")
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dataset", choices=["persuasionforgood", "sales-world"])
    ap.add_argument("--report", default=None, help="report dir (default ml/reports/<dataset name>)")
    ap.add_argument("--out", default=None, help="sales-world: export the model fitted on all rows here")
    ap.add_argument("--datasets", default=None, help="datasets dir (default $CLOSER_DATASETS, ../shared/datasets)")
    ap.add_argument("--work", default=".closer/callwin", help="cache dir (relative to the repo root)")
    ap.add_argument("--seed_world", type=int, default=7)
    ap.add_argument("--leads", type=int, default=3000)
    ap.add_argument("--curves-only", dest="curves_only", action="store_true",
                    help="no ablations, export, plots or card: run the seeded CV again and add its curve points "
                         "(`curves`) to the metrics.json already in the report (and --out), every other key unchanged")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="override a model or CV setting (pipeline.NET, pipeline.CV), e.g. --set epochs=30 "
                         "--set hidden=16,8")
    args = ap.parse_args(argv)
    if args.curves_only:
        args.curves_only = "/usr/bin/python3 ml/callwin/train.py " + " ".join(sys.argv[1:] if argv is None else argv)
    args.cfg = {}
    for kv in args.set:
        key, _, value = kv.partition("=")
        known = {**pipeline.CV, **pipeline.NET}
        if key not in known:
            ap.error(f"--set {kv}: unknown key (one of {', '.join(known)})")
        default = known[key]
        args.cfg[key] = tuple(int(h) for h in value.split(",") if h) if isinstance(default, tuple) else \
            type(default)(value)
    try:
        if args.dataset == "persuasionforgood":
            return persuasion(args)
        return sales_world(args)
    except plots.NotTheSameRun as e:              # a refused --curves-only: a message, not a traceback
        print(f"error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
