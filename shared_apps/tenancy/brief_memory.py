"""Brief, per-process memories of what every request reads and what rarely changes.

DESIGN.md allows it for the host lookup ("keep them one indexed query or cache
them briefly"); the kiosk's device, the company a visitor chose, the schemas a
building's requests may switch to, the visitor documents and a company's
settings are read on nearly every kiosk request too. An entry lives CHECKIN_HOST_CACHE_SECONDS (0
turns every memory off). Saving or deleting one of the models a memory names
forgets all of its entries in this process at once; other processes notice within
those seconds (a suspension, a revoked kiosk). What a loader does not find is
never remembered: the loader raises, so a new host or a new kiosk answers at once.
"""

import itertools
import pickle
import threading
import time
from collections.abc import Callable, Hashable, Iterable
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db.models.signals import post_delete, post_save

V = TypeVar("V")


_numbers = itertools.count()
_memories: list["BriefMemory[Any]"] = []


class BriefMemory(Generic[V]):
    """Values by key, each for CHECKIN_HOST_CACHE_SECONDS; forgotten whenever a model in `forget_on` changes here.

    `forget_on` holds model labels ("tenancy.Tenant"). Every caller gets its own deep
    copy: a request that changes what it was given changes nothing for the next one.
    Values are kept pickled: unpickling a model instance is about four times as fast as
    `copy.deepcopy`.
    """

    def __init__(self, *, forget_on: Iterable[str], max_entries: int = 10_000) -> None:
        self._entries: dict[Hashable, tuple[float, bytes]] = {}
        self._max_entries = max_entries  # past this many, start again rather than grow without bound
        self._lock = threading.Lock()  # gunicorn may run threads
        number = next(_numbers)
        for label in forget_on:
            for signal in (post_save, post_delete):
                signal.connect(self.forget, sender=label, weak=False, dispatch_uid=f"checkin_memory_{number}_{label}")
        _memories.append(self)

    def recall(self, key: Hashable, load: Callable[[], V], *, unless: Callable[[V], bool] | None = None) -> V:
        """The value for `key`, from memory while fresh, else from `load()` (which raises for what does not exist).

        A remembered value for which `unless` is true is loaded again (it may be out of date for this question).
        """
        seconds = settings.CHECKIN_HOST_CACHE_SECONDS
        if seconds <= 0:
            return load()
        entry = self._entries.get(key)
        if entry is not None and entry[0] > time.monotonic():
            remembered: V = pickle.loads(entry[1])  # noqa: S301 - bytes this process pickled itself
            if unless is None or not unless(remembered):
                return remembered
        value = load()
        self.remember(key, value)
        return value

    def remember(self, key: Hashable, value: V) -> None:
        if settings.CHECKIN_HOST_CACHE_SECONDS <= 0:
            return
        entry = (time.monotonic() + settings.CHECKIN_HOST_CACHE_SECONDS, pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
        with self._lock:
            if len(self._entries) >= self._max_entries:
                self._entries.clear()
            self._entries[key] = entry

    def forget(self, **_signal: Any) -> None:
        with self._lock:
            self._entries.clear()


def brief_memories_forget() -> None:
    """Forget everything every memory holds (tests start from here)."""
    for memory in _memories:
        memory.forget()
