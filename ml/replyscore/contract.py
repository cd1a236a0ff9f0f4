"""The reply model's feature contract: which fields it reads and how (features.json).

Context features are encoded by leadscore.features (categorical vocabularies, numeric impute/transform/z-score:
`build_spec` / `encode_inputs`), after derived.derive has added the rule-computed ones. The text input is the
serving encoder's vector of derived.TEMPLATE, given as is.
"""
from leadscore import features
from replyscore import derived

NAME = "reply-score"
ENCODER, TEXT_DIM = "bge-small", 384

CATEGORICAL = ["sequenceStep", "localHour", "seniority", "department", "source", "occupation", "industry",
               "employeeBand"]
NUMERIC = [("bodyWords", "identity"), ("bodyQuestions", "identity"), ("subjectWords", "identity"),
           ("namesCompany", "identity"), ("hasLink", "identity"), ("localWeekend", "identity"), ("employees", "log1p"),
           ("priorEmailsSent", "log1p"), ("priorOpens", "log1p"), ("priorClicks", "log1p"), ("priorReplies", "log1p"),
           ("webSessions3d", "log1p"), ("webSessions30d", "log1p")]
LABELS = {
    "sequenceStep": "sequence step", "localHour": "send hour (recipient's time)",
    "localWeekend": "sent on a weekend (recipient's time)", "seniority": "recipient's seniority",
    "department": "recipient's department", "source": "lead source", "occupation": "recipient's occupation",
    "industry": "company's industry", "employeeBand": "company size band", "bodyWords": "email length (words)",
    "bodyQuestions": "questions in the email", "subjectWords": "subject length (words)",
    "namesCompany": "mentions the recipient's company", "hasLink": "contains a link",
    "employees": "company size (employees)", "priorEmailsSent": "emails sent before",
    "priorOpens": "email opens before", "priorClicks": "email clicks before", "priorReplies": "replies before",
    "webSessions3d": "website visits in the last 3 days", "webSessions30d": "website visits in the last 30 days",
}


def build_spec(records, min_count=features.MIN_COUNT, trained_on="sales-world-emails", version="dev"):
    """features.json for raw records (derived features are added here): leadscore's spec + `text` + `derived`."""
    spec = features.build_spec([derived.with_derived(r) for r in records], min_count, trained_on=trained_on,
                               version=version, categorical=CATEGORICAL, numeric=NUMERIC, labels=LABELS, name=NAME)
    spec["text"] = {"input": "text", "encoder": ENCODER, "dimension": TEXT_DIM, "template": derived.TEMPLATE,
                    "normalised": "L2 (unit length), as the serving TextEncoder returns it"}
    spec["derived"] = derived.derived_section()
    return spec


def encode(spec, records):
    """(cat int64 [N, C], num float32 [N, K]) of raw records (derived features computed here)."""
    return features.encode_inputs(spec, [derived.with_derived(r) for r in records])
