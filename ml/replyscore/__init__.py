"""Reply prediction before send (reply-score): see pipeline.py."""
