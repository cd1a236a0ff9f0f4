"""Closer lead-score v0: X Education leads -> small embedding MLP -> ONNX. See ml/README.md."""
