"""Reply-intent classifier: interested / objection / referral / unsubscribe / out_of_office / not_interested, with a
confidence, on the serving encoder's frozen vectors (BGE-small) of a reply's new text.

    /usr/bin/python3 ml/text/intent.py                       # generate, train, choose, evaluate, export v1
    /usr/bin/python3 ml/text/intent.py --out ''              # report only

Data:
- Training and validation: SYNTHETIC replies from intent_data.py (phrase banks written for this classifier),
  --train-per-class and --val-per-class per label; validation is phrase-disjoint from training. Raw replies are
  embedded through `embed.sh --reply`, so the head learns from what serving's ReplyText leaves of them.
- Held-out: data/intent-heldout.jsonl, 180 replies written by hand apart from the generator (30 per label), never
  used for a choice. Evaluated twice: on its `new_text` (the hand-stripped text) and on its raw `text` through
  `embed.sh --reply` (serving's stripper).
- Simulator: the sales world's own replies (SYNTHETIC, ml/simulator's phrase banks, which the generator does not
  use): `closer.email.replied` bodies of `simulate.py --seed 7 --leads 1500` with `data.attributes.synthetic_intent`,
  embedded through `embed.sh --reply`. Never used for a choice.

Steps: logistic regression for every C in --c-grid and an MLP (--hidden, best epoch of --epochs), the better
validation macro-F1 kept (a tie keeps the logistic regression); the kept head is the one fitted on the training split
only, so the validation figures and the threshold below belong to the shipped model. Unsubscribe is acted on
(do-not-email) only when it is the top class and p(unsubscribe) >= T: T is the smallest value of --act-grid at which
no validation reply of another label is acted on and every higher grid value keeps it so, raised by --act-margin
(0.10) for the gap between generated and real replies; below T an unsubscribe reply keeps its label and is flagged
"unsubscribe suspected, not acted on". Every reported figure is computed by running the exported graph.
"""
import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import heads  # noqa: E402
import intent_data  # noqa: E402
from common import (DEFAULT_ENCODER, REPO_ROOT, embed_texts, format_report, per_class_report, read_jsonl)  # noqa: E402
from simulator import simulate  # noqa: E402  (ml/ is on the path: common puts it there)

LABELS = list(intent_data.LABELS)
UNSUB = LABELS.index("unsubscribe")
HELDOUT = Path(__file__).resolve().parent / "data/intent-heldout.jsonl"
SIM_SEED, SIM_LEADS = 7, 1500
SIM_ARGS = ["--seed", str(SIM_SEED), "--leads", str(SIM_LEADS)]
PARITY_EXTRA = ["", "unsubscribe", "Please take me off this thread and talk to Naomi in our analytics group instead.",
                "Thanks!", "Ich bin bis 3. März nicht im Büro.",
                "We would like a demo next week. " + "Our team has many questions about the rollout. " * 60]


def simulator_replies(events):
    """[(id, raw body, synthetic_intent)] of the closer.email.replied events in a CloudEvents ndjson(.gz) file."""
    return [{"id": e["data"]["id"], "text": e["data"]["body"], "label": e["data"]["attributes"]["synthetic_intent"]}
            for e in simulate.read_events(events, types=("closer.email.replied",))]


def unsubscribe_action(p, y, threshold):
    """Precision and recall of acting on unsubscribe (top class and p >= threshold), and the flagged rest."""
    top = p.argmax(1)
    act = (top == UNSUB) & (p[:, UNSUB] >= threshold)
    suspected = (top == UNSUB) & ~act
    true = y == UNSUB
    tp = int((act & true).sum())
    return {"threshold": threshold, "acted": int(act.sum()), "correct": tp,
            "precision": round(tp / act.sum(), 4) if act.sum() else None,
            "recall": round(tp / true.sum(), 4) if true.sum() else None, "support": int(true.sum()),
            "wrongly_acted_labels": {LABELS[k]: int((act & (y == k)).sum()) for k in range(len(LABELS))
                                     if k != UNSUB and (act & (y == k)).sum()},
            "suspected_not_acted": int(suspected.sum()),
            "suspected_true_unsubscribe": int((suspected & true).sum())}


def choose_threshold(p, y, grid, margin):
    """Smallest grid value from which on no non-unsubscribe reply is acted on, plus margin (at most 0.99)."""
    top = p.argmax(1)
    clean = [t for t in grid if not ((top == UNSUB) & (p[:, UNSUB] >= t) & (y != UNSUB)).any()]
    base = grid[-1]
    for t in reversed(grid):
        if t not in clean:
            break
        base = t
    return round(min(base + margin, 0.99), 2), base


def evaluate(graph, x, y, threshold):
    p = heads.run(graph, x)
    report = per_class_report(y, p.argmax(1), LABELS)
    report["unsubscribe_action"] = unsubscribe_action(p, y, threshold)
    report["mean_top_probability"] = round(float(p.max(1).mean()), 4)
    return report, p


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--work", default=str(REPO_ROOT / ".closer/text"))
    ap.add_argument("--out", default=str(REPO_ROOT / "ml/models/reply-intent/v1"), help="bundle folder ('' for none)")
    ap.add_argument("--train-per-class", type=int, default=1000)
    ap.add_argument("--val-per-class", type=int, default=250)
    ap.add_argument("--seed", type=int, default=1337)
    ap.add_argument("--c-grid", default="0.3,1,3,10,30")
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--act-grid", default=",".join(f"{v / 100:.2f}" for v in range(50, 100, 5)))
    ap.add_argument("--act-margin", type=float, default=0.10)
    ap.add_argument("--sim-events", default=None,
                    help="CloudEvents file of the sales world (default: run simulate.py " + " ".join(SIM_ARGS) + ")")
    args = ap.parse_args()
    work = Path(args.work)
    timing = {}

    gen = {"train": intent_data.generate(args.train_per_class, "train", args.seed),
           "validation": intent_data.generate(args.val_per_class, "validation", args.seed)}
    x, y = {}, {}
    for split, rows in gen.items():
        x[split], seconds = embed_texts([r["text"] for r in rows], work, f"intent-{split}", reply=True)
        y[split] = np.array([LABELS.index(r["label"]) for r in rows])
        if seconds:
            timing[f"embed_{split}_s"] = round(seconds, 1)
        print(f"generated {split}: {len(rows)} SYNTHETIC replies" + (f", embedded in {seconds:.1f} s" if seconds else ""))

    def macro_f1(yt, p):
        return per_class_report(yt, p.argmax(1), LABELS)["macro_f1"]

    candidates, selection, kept, t = heads.choose(
        x["train"], y["train"], x["validation"], y["validation"], [float(v) for v in args.c_grid.split(",")],
        macro_f1, ("validation macro-F1", "validation_macro_f1_by_epoch"), args.hidden, args.epochs, args.seed)
    timing.update(t)

    # Evaluation sets
    held = read_jsonl(HELDOUT)
    y_held = np.array([LABELS.index(r["label"]) for r in held])
    x_held_new, _ = embed_texts([r["new_text"] for r in held], work, "intent-heldout-new-text")
    x_held_raw, _ = embed_texts([r["text"] for r in held], work, "intent-heldout-raw", reply=True)
    same_text = np.all(x_held_new == x_held_raw, axis=1)
    if args.sim_events:
        events = Path(args.sim_events)
    else:
        events, _ = simulate.ensure_world(work, SIM_SEED, SIM_LEADS)
    sim = simulator_replies(events)
    y_sim = np.array([LABELS.index(r["label"]) for r in sim])
    x_sim, _ = embed_texts([r["text"] for r in sim], work, "intent-simulator", reply=True)
    print(f"held-out: {len(held)} hand-written replies; serving's stripper gives the hand-stripped text for "
          f"{int(same_text.sum())} (identical vectors); simulator: {len(sim)} SYNTHETIC replies from {events.name}")

    results, thresholds, probs = {}, {}, {}
    grid = [float(v) for v in args.act_grid.split(",")]
    for name, (f1, layers, head) in candidates.items():
        graph = heads.to_onnx(layers, f"reply-intent-{name}")
        p_val = heads.run(graph, x["validation"])
        threshold, base = choose_threshold(p_val, y["validation"], grid, args.act_margin)
        thresholds[name] = {"act_unsubscribe": threshold, "clean_from": base, "margin": args.act_margin}
        r = {"head": head, "act_unsubscribe": threshold}
        for key, xs, ys in (("generated_validation", x["validation"], y["validation"]),
                            ("heldout_new_text", x_held_new, y_held), ("heldout_raw_via_reply_text", x_held_raw, y_held),
                            ("simulator", x_sim, y_sim)):
            r[key], probs[(name, key)] = evaluate(graph, xs, ys, threshold)
        results[name] = r
    for name, r in results.items():
        print(f"{name}{' (kept)' if name == kept else ''}: unsubscribe acted on at p >= {r['act_unsubscribe']} "
              f"(validation clean from {thresholds[name]['clean_from']}); macro-F1 validation "
              f"{r['generated_validation']['macro_f1']:.4f}, held-out new_text {r['heldout_new_text']['macro_f1']:.4f}, "
              f"held-out raw {r['heldout_raw_via_reply_text']['macro_f1']:.4f}, simulator {r['simulator']['macro_f1']:.4f}")
    titles = {"generated_validation": "generated validation (SYNTHETIC, phrase-disjoint from training)",
              "heldout_new_text": "held-out, hand-written, new_text",
              "heldout_raw_via_reply_text": "held-out, hand-written, raw text through embed --reply",
              "simulator": "simulator replies (SYNTHETIC, seed 7, 1500 leads), raw body through embed --reply"}
    for key, title in titles.items():
        print(format_report(f"[{kept}] {title}", results[kept][key]))
        print("  unsubscribe action: " + json.dumps(results[kept][key]["unsubscribe_action"]))
    mistakes = [(held[i]["id"], LABELS[int(k)], round(float(probs[(kept, "heldout_new_text")][i].max()), 3))
                for i, k in enumerate(probs[(kept, "heldout_new_text")].argmax(1)) if k != y_held[i]]
    print(f"held-out (new_text) mistakes: {len(mistakes)}: " + "; ".join(f"{a} -> {b} {c}" for a, b, c in mistakes))

    if not args.out:
        return
    f1, layers, head = candidates[kept]
    threshold = results[kept]["act_unsubscribe"]
    graph = heads.to_onnx(layers, "reply_intent", "Closer reply intent v1: BGE-small embedding of a reply's new text "
                                                  "-> probabilities over " + ", ".join(LABELS))
    # parity: held-out replies whose raw text serving's stripper turns into new_text (so raw is checkable too)
    chosen = []
    for label in range(len(LABELS)):
        idx = [i for i in range(len(held)) if y_held[i] == label and same_text[i]]
        chosen += [idx[0], idx[-1]] + [i for i in idx if held[i]["text"] != held[i]["new_text"]][:1]
    chosen = sorted(set(chosen))
    parity_texts = [held[i]["new_text"] for i in chosen] + PARITY_EXTRA
    parity_extra = [{"raw": held[i]["text"], "label": held[i]["label"]} for i in chosen] + [{} for _ in PARITY_EXTRA]
    x_parity, _ = embed_texts(parity_texts, work, "intent-parity")
    dataset = {
        "train": {"name": "intent_data.py generated, split train", "synthetic": True, "rows": len(gen["train"]),
                  "per_class": args.train_per_class, "seed": args.seed},
        "generated_validation": {"name": "intent_data.py generated, split validation (phrase-disjoint)",
                                 "synthetic": True, "rows": len(gen["validation"]), "per_class": args.val_per_class,
                                 "seed": args.seed},
        "heldout": {"name": "ml/text/data/intent-heldout.jsonl (hand-written, separately from the generator)",
                    "synthetic": False, "rows": len(held),
                    "raw_stripped_equal_to_new_text": int(same_text.sum())},
        "simulator": {"name": "ml/simulator replies: simulate.py " + " ".join(SIM_ARGS) + ", closer.email.replied",
                      "synthetic": True, "rows": len(sim)}}
    features = {"name": "reply-intent", "version": "v1", "kind": "text-classifier", "encoder": DEFAULT_ENCODER,
                "dimension": int(x["train"].shape[1]), "input": heads.INPUT, "output": heads.OUTPUT,
                "labels": LABELS, "act": {"unsubscribe": threshold},
                "decision": "label = argmax(probabilities), confidence = its probability; mark the contact "
                            "do-not-email only if label == unsubscribe and probabilities[unsubscribe] >= "
                            "act.unsubscribe; an unsubscribe label below that is kept and flagged 'unsubscribe "
                            "suspected, not acted on'",
                "text": "the reply's new text: ReplyText.newText(raw body) in services/inference (no quoted chain, "
                        "signature or HTML); when it is empty or blank there is nothing to classify (do not run the "
                        "head on it)",
                "parity_text": "parity.jsonl's text is already the new text (embed it as it is); rows from the "
                               "held-out set also carry the raw reply (ReplyText.newText(raw) == text) and its label",
                "head": head, "opset": heads.OPSET, "created_at": heads.now(),
                "trained_on": f"{len(gen['train'])} SYNTHETIC replies from ml/text/intent_data.py (seed {args.seed}), "
                              "embedded through embed.sh --reply; head and threshold chosen on "
                              f"{len(gen['validation'])} phrase-disjoint generated replies"}
    metrics = {"datasets": dataset, "encoder": DEFAULT_ENCODER, "kept": kept, "selection_on_validation": selection,
               "thresholds": thresholds, "results": results, "timing": timing,
               "heldout_mistakes_new_text": [{"id": a, "predicted": b, "probability": c} for a, b, c in mistakes]}
    diff = heads.write_bundle(args.out, graph, layers, features, metrics,
                              card(results, kept, dataset, thresholds[kept], mistakes), parity_texts, x_parity,
                              parity_extra)
    print(f"wrote {args.out} (parity {len(parity_texts)} rows, graph vs head max |diff| {diff:.2e})")


def _table(report):
    rows = ["| label | precision | recall | F1 | support |", "|---|---|---|---|---|"]
    for name, m in report["per_class"].items():
        rows.append(f"| {name} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {m['support']} |")
    return "\n".join(rows)


def _act(report):
    a = report["unsubscribe_action"]
    wrong = ", ".join(f"{k} {v}" for k, v in a["wrongly_acted_labels"].items()) or "none"
    return (f"acted on {a['acted']}, {a['correct']} right (precision {a['precision']}, recall {a['recall']} of "
            f"{a['support']}); wrongly acted: {wrong}; flagged not acted: {a['suspected_not_acted']} "
            f"({a['suspected_true_unsubscribe']} of them truly unsubscribe)")


def card(results, kept, dataset, threshold, mistakes):
    r = results[kept]
    other = results["mlp" if kept == "logistic_regression" else "logistic_regression"]
    sections = []
    for key, title in (("generated_validation", "Generated validation (SYNTHETIC)"),
                       ("heldout_new_text", "Held-out, hand-written: new_text"),
                       ("heldout_raw_via_reply_text", "Held-out, hand-written: raw text through ReplyText"),
                       ("simulator", "Simulator replies (SYNTHETIC, another generator)")):
        rep = r[key]
        sections.append(f"### {title}: accuracy {rep['accuracy']:.3f}, macro-F1 {rep['macro_f1']:.3f} (n = {rep['n']})\n\n"
                        f"{_table(rep)}\n\nUnsubscribe at p >= {r['act_unsubscribe']}: {_act(rep)}.\n")
    same = r["heldout_raw_via_reply_text"]["confusion"] == r["heldout_new_text"]["confusion"]
    n_same = dataset["heldout"]["raw_stripped_equal_to_new_text"]
    raw_note = (f"The raw held-out texts {'give the same confusion matrix as' if same else 'differ from'} `new_text`: "
                f"serving's stripper returns exactly `new_text` for {n_same} of {dataset['heldout']['rows']}.")
    head = r["head"]
    head_text = (f"logistic regression (C = {head['C']:g})" if head["type"] == "logistic_regression"
                 else f"MLP ({head['hidden']} ReLU units, {head['epochs']} epochs)")
    return f"""# reply-intent v1

Intent of an inbound email reply, from the serving encoder's vector (BGE-small) of its new text (ReplyText: no
quoted chain, signature or HTML). `model.onnx`: `embedding` float32 [N, 384] -> `probabilities` float32 [N, 6] over
{', '.join(LABELS)} (in that order). The label is the top class, its probability the confidence.
**Unsubscribe is acted on (do-not-email) only at p(unsubscribe) >= {r['act_unsubscribe']}** (`features.json` `act`); below
that an unsubscribe label is kept and flagged "unsubscribe suspected, not acted on" for a person to check.

## Data
- Training: {dataset['train']['rows']:,} **SYNTHETIC** replies ({dataset['train']['per_class']} per label) from
  `ml/text/intent_data.py`: phrase banks written for this classifier (kinds per label, e.g. objection: budget, timing,
  contract, incumbent, in-house, security, price, approval, skepticism), slots (names, companies, dates, tools),
  greetings, pleasantries, sign-offs, signatures, "Sent from my iPhone", Gmail / Outlook quoted chains, a few HTML
  bodies, lower-case and typo variants, some German and French. Embedded through `embed.sh --reply`, i.e. what
  serving's stripper leaves.
- Validation (chooses head and threshold): {dataset['generated_validation']['rows']:,} generated replies whose label
  sentences are all from bank entries training never uses (every fifth entry).
- Held-out: `ml/text/data/intent-heldout.jsonl`, {dataset['heldout']['rows']} replies written by hand apart from the generator
  (30 per label; quoted chains, signatures, HTML, German and French, hard cases such as "I'm not the right person,
  try Jane", "we're locked into a contract until Q3", "please take me off this thread and talk to Naomi"). Never used
  for a choice. Serving's stripper turns {dataset['heldout']['raw_stripped_equal_to_new_text']} of the 180 raw texts into
  exactly the hand-stripped `new_text`.
- Simulator: {dataset['simulator']['rows']} **SYNTHETIC** replies of the sales world (`simulate.py --seed 7 --leads 1500`),
  written by the simulator's own phrase banks, which the generator does not use.

## Method
Frozen BGE-small vectors; heads compared on validation macro-F1: logistic regression (C from a grid) and a
one-hidden-layer MLP (256 ReLU units, best epoch). Kept:
**{head_text}**, fitted on the training split only, so the validation figures are the shipped model's. Threshold:
the smallest of 0.50, 0.55, ... 0.95 from which no validation reply of another label is acted on
({threshold['clean_from']}), plus a margin of {threshold['margin']} for the gap between generated and real replies.

## Results (from the exported graph)
{chr(10).join(sections)}
The other head ({other['head']['type']}): macro-F1 validation {other['generated_validation']['macro_f1']:.3f}, held-out
new_text {other['heldout_new_text']['macro_f1']:.3f}, simulator {other['simulator']['macro_f1']:.3f}.

{raw_note}

Held-out mistakes (new_text), id -> predicted (probability): {'; '.join(f'{a} -> {b} ({c})' for a, b, c in mistakes)}.

## Limits
- Trained only on generated text: the held-out set (180 replies by one author) and the simulator (generated too)
  are small or synthetic; no real inbox was measured. Expect lower figures on real replies.
- Two stock one-liners of the held-out set ("please stop emailing me", "Unsubscribe") also occur in the generated
  text (tests/test_text_heads.py allows only such short ones); every longer held-out reply is new to the model.
- Objection vs not interested is a judgement (a reason and an open door vs a flat no); many confusions are there.
- English first; German and French only as a few lines; other languages are untested.
- The stripper keeps a signature that has no "--" line and no sign-off (one held-out reply); such trailing names
  and titles reach the encoder.
- Unsubscribe recall at the threshold is lower than precision by design: flagged replies need a person.
"""


if __name__ == "__main__":
    main()
