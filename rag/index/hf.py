"""Loading Hugging Face models quietly, and without the network for local folders."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# One lock for every change to the environment: two loads restoring it in turn must not
# leave one's values behind.
_ENV_LOCK = threading.RLock()


@contextmanager
def hub_env(offline: bool) -> Iterator[None]:
    """Set the Hugging Face variables a model load needs, and restore them afterwards.

    Variables the user set are left as they are. huggingface_hub reads them when it is first
    imported, which is why the import belongs inside this block.

    Args:
        offline: the model is a local folder, so it must never trigger a hub lookup.
    """
    values = {"HF_HUB_DISABLE_PROGRESS_BARS": "1"}
    if offline:
        values |= {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    with _ENV_LOCK:
        saved = {name: os.environ.get(name) for name in values}
        for name, value in values.items():
            os.environ.setdefault(name, value)
        try:
            yield
        finally:
            for name, old in saved.items():
                if old is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = old


def quiet_transformers() -> None:
    """Silence transformers' load-time progress bars and notices: the library never prints."""
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
