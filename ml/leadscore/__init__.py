"""Closer lead-score models: v0 (X Education, embeddings + MLP) and the deep model on dataset specs (tabular + activity-timeline GRU, Platt-calibrated) -> ONNX. See ml/README.md."""
