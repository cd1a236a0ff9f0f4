"""card.md of the reply model, written from metrics.json and features.json (pipeline.run)."""
from leadscore import evaluate
from replyscore import contract, derived
from simulator import effects

_C = effects.REPLY
# the formula's text and send-time terms (effects.reply_logit; the word and hour bounds are its own)
TRUE_EFFECTS = (f"SIMULATOR.md section 5 (logit): < 50 words {_C['short_body']:+g}, 50-125 words 0, > 125 words "
                f"{_C['long_per_word']:+g} per word above 125; 1-3 '?' {_C['question_cta']:+g}, 4+ "
                f"{_C['too_many_questions']:+g}; personalised {_C['personalised']:+g} ({_C['personalised_senior']:+g} "
                f"more for vp / c_level); subject of 1-4 words {_C['short_subject']:+g}; local hour 8-11 "
                f"{_C['hour']['morning']:+g}, 11-17 {_C['hour']['midday']:+g}, 17-21 {_C['hour']['evening']:+g}, "
                f"otherwise {_C['hour']['night']:+g}; weekend {_C['weekend']:+g}")


TRIED = [
    "Settings were chosen on single nets (no calibration; weekday still a categorical) in the same lead-grouped "
    "5-fold CV, seed 1337, mean "
    "ROC-AUC: text projection 32 wide, 20 epochs 0.6649; 8 epochs 0.6644 (weight decay 0.01, dropout 0.3: 0.6644); "
    "projection 8 wide, 10 epochs 0.6673 (the default); the same without the piecewise-linear bins 0.6582; "
    "without the text 0.6697. Seed 7 instead of 1337 moves a single net by about 0.005 (projection 8: 0.6610, no "
    "text: 0.6630): the settings are within noise of each other. LR with text 0.6663, without 0.6664.",
    "The first full run encoded the send weekday as a 7-level categorical (localWeekday). Its Tuesday level learned "
    "a lower value than Monday's or Wednesday's (the reply rate observed on Tuesdays was 5.2% where the true p "
    "averaged 6.3%: chance), so 'send Tuesday 9:00' lowered p (mlp -0.0014, mlp_no_text -0.0004; true +0.0082) "
    "although the hour curve peaked at 9:00. About 1,000 replies cannot resolve day-level differences (the simulator "
    "has a weekend effect only), so the weekday became a weekend flag, localWeekend. That run's ROC-AUC: mlp 0.6697, "
    "mlp_no_text 0.6718, LR 0.6663, LR no text 0.6664.",
    "Folds grouped by lead: rows of one lead share its unobserved responsiveness, its name and its company in the "
    "text; ungrouped folds would let a model recognise the lead.",
]


def _ci(r):
    return f"{r['mean']:.4f} [{r['ci95'][0]:.4f}, {r['ci95'][1]:.4f}]"


def _cmp(c):
    lo, hi = c["difference_ci95"]
    return (f"{c['roc_auc_difference']:+.4f} [{lo:+.4f}, {hi:+.4f}], {c['a']} better in {c['folds_a_better']} of "
            f"{c['folds']} folds")


def markdown(metrics, fspec, cfg):
    ds, res, truth, sens = metrics["dataset"], metrics["results"], metrics["truth"], metrics["sensitivity"]
    timing = metrics["timing"]
    export = metrics.get("export")
    fin = metrics.get("final_model", {})
    table = evaluate.format_table(res, labels=evaluate.METRIC_NAMES, padded=False)
    cats = "\n".join(f"| `{c['name']}` | categorical | {len(c['vocabulary'])} levels + unknown 0 | "
                     f"{fspec['labels'][c['name']]} |" for c in fspec["categorical"])
    nums = "\n".join(f"| `{n['name']}` | numeric | `{n['transform']}`, impute {n['impute']:g}, z-score | "
                     f"{fspec['labels'][n['name']]} |" for n in fspec["numeric"])
    rules = "\n".join(f"| `{k}` | {kind} | {rule} |" for k, (kind, rule) in derived.RULES.items())
    record = "\n".join(f"| `{k}` | {v} |" for k, v in derived.RECORD_FIELDS.items())
    ref = truth["reference"]
    truth_rows = "\n".join(
        f"| {n} | {c['pearson']:.4f} | {c['spearman']:.4f} | {c['mean_abs_diff']:.4f} | {c['pearson_with_oracle']:.4f} |"
        for n, c in truth["models"].items())
    sens_rows = []
    for v, e in sens.items():
        cells = []
        for n in res:
            m = e["models"][n]
            r = m["corr_with_true_change"]
            cells.append(f"{m['mean_change']:+.4f}" + (f" (r {r:.2f})" if r is not None else ""))
        sens_rows.append(f"| `{v}`: {e['description']} | {e['rows']} | {e['true_mean_change']:+.4f} | "
                         + " | ".join(cells) + " |")
    cmp_ = metrics["comparison"]
    emb = timing.get("embedding", {})
    emb_line = "; ".join(f"{k}: {v.get('texts')} texts, {v.get('seconds')} s" + (" (cached)" if v.get("cached") else "")
                         for k, v in emb.items()) or "(none)"
    export_md = ""
    if export:
        export_md = (f"\nExported `{export['dir']}`: model.onnx ({export['onnx_bytes']} bytes; inputs `cat` int64 "
                     f"[N, {len(fspec['categorical'])}], `num` float32 [N, {len(fspec['numeric'])}], `text` float32 "
                     f"[N, {contract.TEXT_DIM}]; output `probability` float32 {export['output_shape']}, as lead-score "
                     f"v1), features.json, parity.jsonl ({export['parity_lines']} lines: raw record, derived "
                     f"features, text vector, the exported graph's probability by `leadscore/onnx_numpy.py`; graph vs "
                     f"torch max |diff| {export['max_abs_diff']:.1e}). Fitted on all {ds['rows']} rows: "
                     f"{fin.get('members')} nets cross-fitted, Platt a = {fin.get('platt_a', float('nan')):.4f}, "
                     f"b = {fin.get('platt_b', float('nan')):.4f}.\n")
    return f"""# Model card: reply-score ({ds['name']}{', version ' + fspec['version'] if export else ''})

> **SYNTHETIC TRAINING DATA.** Every email, reply and lead here was generated by ml/simulator (a made-up sales
> world) whose reply rule and effect sizes are assumptions (ml/SIMULATOR.md section 5). The metrics say how well
> the model recovers the simulator's designed signals, not how it will do on real email.

p(human reply) of a draft sales email before it is sent, from the encoder's embedding of the subject and body
plus the context serving knows before the send. Serving scores a draft and scores edited variants of it (shorter,
ending with a question, sent Tuesday 9:00 recipient time) to suggest changes.

## Data
- {ds['source']}; `{ds.get('world_file', '')}` (not committed). {ds.get('emails_sent', '?')} emails sent; those sent
  in the world's last {ds['censor_days']:g} days dropped (their replies could fall after its end).
- {ds['rows']} rows (one per `closer.email.sent`) to {ds['leads']} leads, {ds['positives']} human replies
  ({ds['reply_rate']:.2%}). Label: {ds['label']}.
- Context as it was before the send: lead and account state from their latest upsert strictly before `sentAt`,
  every count strictly before `sentAt` (`dataset.py`; tested in `ml/tests/test_replyscore.py`).
- Never features: any `synthetic_*` attribute (the simulator's truth). `synthetic_p_reply` is used only to measure
  how close p comes to the true probability; `synthetic_intent` only for the label; `synthetic_personalised`,
  the lead's `synthetic_fit` and `step_purpose` only for the oracle and the true effects of the sensitivity check.

## Features (features.json)
Text: `{derived.TEMPLATE!r}` embedded by the serving encoder (`{contract.ENCODER}`, {contract.TEXT_DIM} dims, L2-normalised;
training used `deploy/local/embed.sh`, the same Java code serving runs) -> input `text`.

Record fields serving supplies:

| field | meaning |
|---|---|
{record}

Derived by rule (features.json `derived`; `ml/replyscore/derived.py`):

| feature | kind | rule |
|---|---|---|
{rules}

Encoded (leadscore's rules: categorical `str(v).strip().lower()` -> vocabulary index + 1, else 0; numeric null ->
training median, booleans -> 1/0, `log1p(max(x, 0))` where marked, z-score):

| feature | kind | encoding | label |
|---|---|---|---|
{cats}
{nums}

## Method
- **mlp** (exported): embedding ({cfg['emb_dim']}) per categorical + z-scored numerics clipped to +-10 and their
  piecewise-linear encoding ({cfg['num_bins']} quantile bins) + the text vector through Linear({contract.TEXT_DIM},
  {cfg['text_hidden']}) + ReLU -> MLP (hidden {list(cfg['hidden'])}, ReLU, dropout {cfg['dropout']}) -> logit -> Platt
  sigmoid(a * logit + b) in the graph. AdamW (lr {cfg['lr']}, weight decay {cfg['weight_decay']}), {cfg['epochs']}
  epochs, batch {cfg['batch_size']}, categorical -> unknown with probability {cfg['unknown_dropout']}; calibration
  cross-fitted as lead-score's ({cfg['crossfit']} nets, Platt on their pooled out-of-fold logits, logits averaged).
- **mlp_no_text**: the same without the text input (the derived text features stay).
- **logistic_regression**: scikit-learn L2 LogisticRegression (C = 1) on one-hot categoricals, the z-scored
  numerics and the {contract.TEXT_DIM} text dimensions; **logistic_regression_no_text** without the text.
- Stratified {cfg['folds']}-fold CV **grouped by lead** (all emails to one lead in one fold: they share the lead's
  unobserved responsiveness and name), seed {cfg['seed']}, the same folds for every model, the feature spec refitted
  on each training part; 1 torch / BLAS thread. Mean over folds [95% t-interval].

## Results (out of fold)
{table}

Paired ROC-AUC differences over folds: mlp vs logistic_regression {_cmp(cmp_['mlp_vs_logistic_regression'])};
mlp vs mlp_no_text {_cmp(cmp_['mlp_vs_mlp_no_text'])}; logistic_regression vs its no-text version
{_cmp(cmp_['logistic_regression_vs_no_text'])}.

### Against the simulator's true probability
The reply is a Bernoulli draw from `synthetic_p_reply`, which includes a per-lead N(0, 0.5) term nobody observes:
the true p itself reaches ROC-AUC {ref['true_p']['roc_auc']:.4f} (Brier {ref['true_p']['brier']:.4f}); the
observable oracle (the simulator's formula on the measured features and the lead's fit, the noise averaged out)
reaches {ref['oracle_observable']['roc_auc']:.4f} (Brier {ref['oracle_observable']['brier']:.4f}; Pearson r with the
true p {ref['oracle_vs_true_p']['pearson']:.4f}). Mean true p {ref['mean_true_p']:.4f}, reply rate
{ref['reply_rate']:.4f}.

| model | Pearson r with true p | Spearman | mean abs diff | Pearson r with the oracle |
|---|---|---|---|---|
{truth_rows}

### Sensitivity: does p move the right way when the draft changes?
On {min(cfg['sensitivity_rows'], ds['rows'])} sampled rows, each scored by the
fold models that did not train on it: mean change in p (edited - original), and in brackets the Pearson r between
the model's per-row change and the true one. "simulator (true)" is the mean change of the true p: the row's true
logit plus the change in the formula's text and send-time terms ({TRUE_EFFECTS}).

| edit | rows | simulator (true) | {' | '.join(res)} |
|---|---|---|{'---|' * len(res)}
{chr(10).join(sens_rows)}

Plots (pooled out-of-fold predictions): `roc.png`, `calibration.png`, `lift.png`.
Timing on 2 shared CPU cores: CV {', '.join(f'{k} {v:.0f} s' for k, v in timing['cv_seconds'].items())};
rows built in {timing.get('rows_seconds', 0)} s; embeddings {emb_line}; pipeline after the data
{timing.get('pipeline_seconds', 0):.0f} s.
{export_md}
### What was tried
{chr(10).join('- ' + t for t in TRIED)}

## Limits
- SYNTHETIC: trained and evaluated on the simulator's emails. Its text is template-composed and its reply rule
  reads only word count, '?' count, the company name, subject length, send hour / weekend, step, seniority,
  source, fit and a recent visit: the model learns those, not what makes real people reply. Retrain on a
  customer's own sent emails and replies before trusting absolute probabilities.
- The simulator's effects are in the logit of a ~5% event: a suggestion's true gain is often under one
  percentage point, so its sign matters more than its size.
- BGE-small reads the first 512 tokens of the text; the derived features read all of it.
- Every simulated email asks 0 or 1 questions: the model has never seen 2 or more, so a question added to an email
  that already asks one raises p although the simulator counts 1-3 questions the same (the low per-row
  correlation of `add_question`). A real customer's emails will cover more of that range.
- The break-up step (last of a 4+ step sequence) is not a field: only the text can tell it.
- Categoricals seen fewer than {cfg['min_count']} times share the unknown bucket with missing values.
- The exported graph expects the L2-normalised BGE-small vector of exactly `{derived.TEMPLATE!r}`; another encoder or
  template silently degrades scores.

## Reproduce
    /usr/bin/python3 ml/replyscore/train.py --seed_world {cfg['seed_world']} --leads {cfg['leads']} \\
        --report ml/reports/reply-score{' --out ' + export['dir'] if export else ''}
"""
