"""SYNTHETIC test data: made up here, never the real dataset (only test_real_dataset.py reads that)."""
import numpy as np

from leadscore import data

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


def write_synthetic_csv(path, leads, y):
    """SYNTHETIC file shaped like X Education's Leads.csv: trailing comma, 'Select', Yes/No, leakage columns."""
    header = ["Prospect ID", "Lead Origin", "Lead Source", "Do Not Email", "Converted", "TotalVisits",
              "Total Time Spent on Website", "Page Views Per Visit", "Last Activity", "Country",
              "What is your current occupation", "Tags", "Lead Quality", "Asymmetrique Activity Score"]
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as f:
        f.write(",".join(header) + ",\r\n")
        for i, (lead, label) in enumerate(zip(leads, y)):
            def cell(v):
                return "" if v is None else str(v)
            row = [f"id-{i}", cell(lead["origin"]), cell(lead["source"]), "Yes" if lead["doNotEmail"] else "No",
                   str(label), cell(lead["websiteVisits"]), cell(lead["websiteSeconds"]),
                   cell(lead["pageViewsPerVisit"]), "Email Opened", cell(lead["country"]) or "Select",
                   cell(lead["occupation"]), "Closed by Horizzon" if label else "Lost", "High", "15"]
            f.write(",".join(row) + ",\r\n")
    return path
