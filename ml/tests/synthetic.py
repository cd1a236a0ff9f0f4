"""SYNTHETIC test data: made up here, never the real dataset (only test_leadscore_real_spec.py reads that)."""
import numpy as np

SYNTH_LEVELS = {
    "source": ["Google", "Direct Traffic", "Olark Chat", "Reference", "Rare Source"],
    "origin": ["API", "Landing Page Submission", "Lead Add Form"],
    "occupation": ["Unemployed", "Working Professional", "Student"],
    "country": ["India", "United States", "Qatar"],
}


def synthetic_leads(n=600, seed=0):
    """SYNTHETIC Closer lead records with a learnable signal, ~40% converted, some missing values."""
    rng = np.random.default_rng(seed)
    leads, logits = [], []
    for _ in range(n):
        lead = {k: (str(rng.choice(v, p=_probs(len(v)))) if rng.random() > 0.1 else None)
                for k, v in SYNTH_LEVELS.items()}
        lead["websiteVisits"] = int(rng.poisson(3)) if rng.random() > 0.05 else None
        lead["websiteSeconds"] = int(rng.exponential(400))
        lead["pageViewsPerVisit"] = round(float(rng.exponential(2.0)), 2) if rng.random() > 0.05 else None
        lead["doNotEmail"] = bool(rng.random() < 0.1)
        logit = (-1.2 + 0.004 * lead["websiteSeconds"] + (1.5 if lead["origin"] == "Lead Add Form" else 0.0)
                 + (1.0 if lead["occupation"] == "Working Professional" else 0.0) - 1.0 * lead["doNotEmail"])
        leads.append(lead)
        logits.append(logit)
    p = 1 / (1 + np.exp(-np.array(logits)))
    y = (rng.random(n) < p).astype(int).tolist()
    return leads, y


def _probs(k):
    w = np.arange(k, 0, -1, dtype=float)
    return w / w.sum()
