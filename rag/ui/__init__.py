"""The Gradio chat UI: handlers and escaped rendering."""
